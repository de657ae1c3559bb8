"""Static PNG maps for slides (matplotlib, no browser) and the GeoPackage export for GIS."""

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.image import imread
from shapely.geometry import MultiPolygon, Polygon, box

from oovgeo.analysis.classify import MISSING_COLOUR, SEQUENTIAL, classify
from oovgeo.exports import to_geopackage_bytes
from oovgeo.report.static_map import (
    MISSING_HATCH,
    add_legend,
    draw,
    geometry_path,
    render_png,
    scale_label,
    scale_length,
)

CODES = ["WK000100", "WK000101", "WK000102", "WK000103"]
RING_WITH_HOLE = Polygon(
    [(81000, 436000), (82000, 436000), (82000, 437000), (81000, 437000)],
    [[(81400, 436400), (81600, 436400), (81600, 436600), (81400, 436600)]],
)


def make_areas():
    return gpd.GeoDataFrame(
        {"code": CODES, "name": ["Noord", "Oost", "Zuid", "West"]},
        geometry=[
            box(80000, 436000, 80400, 436400),
            MultiPolygon([box(80500, 436000, 80700, 436400), box(80800, 436000, 80900, 436400)]),
            RING_WITH_HOLE,
            box(82100, 436000, 82500, 436400),
        ],
        crs="EPSG:28992",
    )


def make_classes(values=(1.5, 7.25, 12.5, 31.75)):
    series = pd.Series(values, index=CODES, dtype=float)
    return classify(series, "Eigen grenzen", breaks=[5, 10, 20])


def decode(png: bytes) -> np.ndarray:
    return imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize(("width", "height"), [(1600, 1200), (1000, 700), (640, 900)])
def test_png_decodes_at_the_requested_size(width, height):
    index, classes = make_classes()
    png = render_png(
        make_areas(),
        index,
        classes,
        title="Meldingen per 1.000 inwoners",
        subtitle="1 jan – 31 mrt 2025 · Bron: gemeente; aantallen onder 5 als <5",
        width_px=width,
        height_px=height,
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = decode(png)
    assert abs(image.shape[1] - width) <= 2
    assert abs(image.shape[0] - height) <= 2


def test_png_shows_the_class_colours():
    index, classes = make_classes()
    image = decode(render_png(make_areas(), index, classes, title="Kaart"))
    pixels = {tuple(p) for p in (image[..., :3] * 255).round().astype(int).reshape(-1, 3)}
    for colour in classes.colours:
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in pixels, colour


def test_draw_makes_one_patch_per_area_in_its_class_colour():
    index, classes = make_classes()
    ax = Figure().add_subplot()
    patches = draw(ax, make_areas(), index, classes)
    assert len(patches.get_paths()) == 4  # the multipolygon and the holed polygon: one each
    np.testing.assert_allclose(patches.get_facecolors(), to_rgba_array(SEQUENTIAL[4]))
    np.testing.assert_allclose(patches.get_edgecolors(), to_rgba_array(["#ffffff"]))
    assert len(ax.collections) == 1  # nothing missing: no hatched overlay


def test_missing_areas_are_grey_and_hatched():
    index, classes = make_classes((1.5, np.nan, 12.5, 31.75))
    ax = Figure().add_subplot()
    patches = draw(ax, make_areas(), index, classes)
    assert tuple(patches.get_facecolors()[1]) == tuple(to_rgba_array([MISSING_COLOUR])[0])
    overlay = ax.collections[1]
    assert len(overlay.get_paths()) == 1
    assert overlay.get_hatch() == MISSING_HATCH


def test_areas_without_a_class_entry_are_missing_too():
    index, classes = make_classes()
    ax = Figure().add_subplot()
    patches = draw(ax, make_areas(), index.drop("WK000103"), classes)
    assert tuple(patches.get_facecolors()[3]) == tuple(to_rgba_array([MISSING_COLOUR])[0])


def pixel_at(fig, ax, x, y):
    """RGB (0..255) of the rendered figure at data coordinates (x, y)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return tuple(int(v) for v in image[image.shape[0] - 1 - round(py), round(px), :3])


def test_holes_stay_empty_and_multipolygon_parts_are_filled():
    index, classes = make_classes()
    fig = Figure(figsize=(6, 3), dpi=100)
    ax = fig.add_subplot()
    draw(ax, make_areas(), index, classes)
    orange = (0xFD, 0x8D, 0x3C)  # class of the holed polygon
    yellow = (0xFE, 0xCC, 0x5C)  # class of the multipolygon
    white = (255, 255, 255)
    assert pixel_at(fig, ax, 81100, 436100) == orange
    assert pixel_at(fig, ax, 81500, 436500) == white  # inside the hole
    assert pixel_at(fig, ax, 80600, 436200) == yellow
    assert pixel_at(fig, ax, 80850, 436200) == yellow
    assert pixel_at(fig, ax, 80750, 436200) == white  # between the two parts
    assert len(geometry_path(RING_WITH_HOLE).to_polygons()) == 2  # exterior and hole


def test_labels_are_plain_text_even_with_maths_and_markup():
    index, classes = make_classes()
    labels = pd.Series(["$x^2$", "${alert(1)}", "<b>Zuid</b>", "a_b"], index=CODES)
    ax = Figure().add_subplot()
    draw(ax, make_areas(), index, classes, labels=labels)
    assert [t.get_text() for t in ax.texts] == labels.tolist()
    assert not any(t.get_parse_math() for t in ax.texts)
    png = render_png(make_areas(), index, classes, title="$5 per ${x}", labels=labels)
    assert decode(png).size


def test_legend_lists_every_class_and_the_grey_entry():
    index, classes = make_classes((1.5, np.nan, 12.5, 31.75))
    fig_png = render_png(make_areas(), index, classes, title="Kaart", legend_title="per 1.000")
    assert decode(fig_png).size
    legend = add_legend(Figure(), classes, "per 1.000", missing=True)
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:4] == classes.labels
    assert texts[4] == "geen waarde\n(verborgen of onbekend)"
    assert legend.get_title().get_text() == "per 1.000"


def test_areas_must_be_in_rd():
    index, classes = make_classes()
    with pytest.raises(ValueError, match="EPSG:28992"):
        draw(Figure().add_subplot(), make_areas().to_crs("EPSG:4326"), index, classes)


def test_scale_bar_length_and_label():
    assert scale_length(12_000) == 2_000
    assert scale_length(2_400) == 250
    assert scale_label(250) == "250 m"
    assert scale_label(2_500) == "2,5 km"
    assert scale_label(10_000) == "10 km"


# --- GeoPackage export ------------------------------------------------------------------------


def read_gpkg(data: bytes, tmp_path, layer="gebieden"):
    path = tmp_path / "terug.gpkg"
    path.write_bytes(data)
    return gpd.read_file(path, layer=layer)


def test_geopackage_round_trip_keeps_rows_crs_and_values(tmp_path):
    areas = make_areas()
    areas["weergave"] = ["<5", "12", "=1+1", "x"]
    areas["aantal"] = [3, 12, 27, 63]
    data = to_geopackage_bytes(areas)
    assert data.startswith(b"SQLite format 3\x00")
    back = read_gpkg(data, tmp_path)
    assert back.crs.to_epsg() == 28992
    assert list(back.columns) == ["code", "name", "weergave", "aantal", "geometry"]
    assert back["code"].tolist() == CODES
    assert back["weergave"].tolist() == ["<5", "12", "=1+1", "x"]
    assert back["aantal"].tolist() == [3, 12, 27, 63]
    # a layer has one geometry type: polygons next to a multipolygon come back as multipolygons
    assert back.geometry.geom_equals(areas.geometry).all()
    assert set(back.geom_type) == {"MultiPolygon"}


def test_geopackage_reprojects_to_rd_and_names_the_layer(tmp_path):
    wgs = make_areas().to_crs("EPSG:4326")
    back = read_gpkg(to_geopackage_bytes(wgs, layer="wijken_2025"), tmp_path, "wijken_2025")
    assert back.crs.to_epsg() == 28992
    np.testing.assert_allclose(back.total_bounds, make_areas().total_bounds, atol=0.01)


@pytest.mark.parametrize("layer", ["", "x; DROP TABLE y", "1abc", "a" * 64])
def test_geopackage_refuses_odd_layer_names(layer):
    with pytest.raises(ValueError):
        to_geopackage_bytes(make_areas(), layer=layer)


def test_geopackage_needs_a_crs():
    with pytest.raises(ValueError, match="CRS"):
        to_geopackage_bytes(make_areas().set_crs(None, allow_override=True))
