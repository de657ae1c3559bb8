"""Where an imported row lies: RD or WGS84 columns, swapped axes, area codes, addresses.

Two hand-made buurten around the RD origin in Amersfoort, RD (155000, 463000), which is
WGS84 (52.15517440 N, 5.38720621 E): buurt 01 spans x 154000-155500, buurt 02 x 155500-157000,
both y 462000-464000. The default tolerance is 200 m.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from oovgeo.ingest.locate import locate
from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.rules import RULE_TEXT, Collector

BU1, BU2, WK1, WK2, GM = "BU03070101", "BU03070201", "WK030701", "WK030702", "GM0307"


@pytest.fixture(scope="module")
def index():
    west, east = box(154000, 462000, 155500, 464000), box(155500, 462000, 157000, 464000)
    areas = gpd.GeoDataFrame(
        {
            "level": ["buurt", "buurt", "wijk", "wijk"],
            "code": [BU1, BU2, WK1, WK2],
            "parent_code": [WK1, WK2, GM, GM],
            "gemeente_code": [GM] * 4,
        },
        geometry=[west, east, west, east],
        crs="EPSG:28992",
    )
    return AreaIndex(areas)


def run(settings, index, columns: dict[str, list[str]], geocoder=None):
    """Locate the rows of ``columns``; rows are spreadsheet rows 2, 3, ..."""
    raw = pd.DataFrame(columns, dtype=object)
    out = pd.DataFrame(index=raw.index)
    col = Collector(np.arange(2, len(raw) + 2))
    warnings: dict[str, np.ndarray] = {}
    locate(raw, out, settings, index, col, warnings, geocoder)
    return out, col, warnings


def codes(out, column):
    """The codes of ``column`` with None where a row got none."""
    return [None if pd.isna(v) else v for v in out[column]]


def test_rd_columns_place_the_row_in_its_buurt_wijk_and_gemeente(settings, index):
    out, col, _ = run(settings, index, {"x": ["154500", "156000,5"], "y": ["463000", "463000"]})
    assert out["x"].tolist() == [154500.0, 156000.5]
    assert codes(out, "buurt_code") == [BU1, BU2]
    assert codes(out, "wijk_code") == [WK1, WK2]
    assert codes(out, "gemeente_code") == [GM, GM]
    assert out["placement"].tolist() == ["punt", "punt"]
    assert not col.bad.any()


def test_wgs84_in_lat_lon_columns_is_converted_to_rd(settings, index):
    out, col, warnings = run(settings, index, {"lat": ["52,15517440"], "lon": ["5,38720621"]})
    assert out["x"].iat[0] == pytest.approx(155000, abs=2)
    assert out["y"].iat[0] == pytest.approx(463000, abs=2)
    assert codes(out, "buurt_code") == [BU1]
    assert not col.bad.any()
    assert not any(mask.any() for mask in warnings.values())


def test_degrees_in_the_x_y_columns_are_recognised_and_noted(settings, index):
    out, _, warnings = run(settings, index, {"x": ["5.38720621"], "y": ["52.15517440"]})
    assert out["x"].iat[0] == pytest.approx(155000, abs=2)
    assert codes(out, "buurt_code") == [BU1]
    assert warnings["wgs84_in_xy"].tolist() == [True]


def test_swapped_rd_axes_are_corrected_with_a_warning(settings, index):
    out, col, warnings = run(
        settings, index, {"x": ["463000", "156000"], "y": ["154500", "463000"]}
    )
    assert out["x"].tolist() == [154500.0, 156000.0]
    assert out["y"].tolist() == [463000.0, 463000.0]
    assert codes(out, "buurt_code") == [BU1, BU2]
    assert warnings["assen_verwisseld"].tolist() == [True, False]
    assert not col.bad.any()


def test_rd_metres_in_lat_lon_columns_are_taken_over(settings, index):
    out, _, warnings = run(settings, index, {"lat": ["463000"], "lon": ["156000"]})
    assert (out["x"].iat[0], out["y"].iat[0]) == (156000.0, 463000.0)
    assert warnings["rd_in_latlon"].tolist() == [True]


def test_point_just_outside_goes_to_the_nearest_buurt_far_outside_is_rejected(settings, index):
    # 100 m east of buurt 02 is within the 200 m tolerance; 13 km east is not
    out, col, warnings = run(settings, index, {"x": ["157100", "170000"], "y": ["463000"] * 2})
    assert codes(out, "buurt_code") == [BU2, None]
    assert out["placement"].tolist() == ["nabij", ""]
    assert warnings["nabij"].tolist() == [True, False]
    assert col.bad.tolist() == [False, True]
    [rejection] = col.rejections()
    assert (rejection.row, rejection.field, rejection.rule) == (3, "locatie", "buiten_gemeente")
    assert rejection.message == "ligt buiten de gemeente (verder dan de tolerantie)"
    assert rejection.value == "17" + "•" * 11  # "170000 463000", masked


@pytest.mark.parametrize(
    ("x", "y", "field", "rule"),
    [
        ("154500", "", "x/y", "onvolledige_coordinaat"),
        ("0", "0", "x/y", "nulcoordinaat"),
        ("500000", "900000", "x/y", "coordinaat_buiten_nederland"),
        ("abc", "463000", "x", "geen_getal"),
    ],
)
def test_unusable_coordinates_are_rejected_with_their_own_rule(settings, index, x, y, field, rule):
    out, col, _ = run(settings, index, {"x": [x], "y": [y]})
    assert col.bad.tolist() == [True]
    assert [(r.field, r.rule) for r in col.rejections()] == [(field, rule)]
    assert col.rejections()[0].message == RULE_TEXT[rule]
    assert codes(out, "buurt_code") == [None]


def test_lat_lon_outside_the_netherlands_is_rejected(settings, index):
    # Paris
    _, col, _ = run(settings, index, {"lat": ["48.8566"], "lon": ["2.3522"]})
    assert [(r.field, r.rule) for r in col.rejections()] == [
        ("lat/lon", "coordinaat_buiten_nederland")
    ]


def test_area_code_places_rows_without_coordinates(settings, index):
    out, col, _ = run(settings, index, {"buurtcode": [" bu03070201 ", WK1, "BU99999999"]})
    assert codes(out, "buurt_code") == [BU2, None, None]
    assert codes(out, "wijk_code") == [WK2, WK1, None]
    assert codes(out, "gemeente_code") == [GM, GM, None]
    assert out["placement"].tolist() == ["gebied", "gebied", ""]
    assert out["source_area_code"].tolist() == [BU2, WK1, "BU99999999"]
    assert [(r.row, r.field, r.rule) for r in col.rejections()] == [
        (4, "buurtcode", "onbekende_gebiedscode")
    ]


def test_coordinates_win_over_an_area_code(settings, index):
    out, _, _ = run(settings, index, {"x": ["154500"], "y": ["463000"], "buurtcode": [BU2]})
    assert codes(out, "buurt_code") == [BU1]
    assert out["placement"].tolist() == ["punt"]


def test_address_is_geocoded_and_then_placed(settings, index):
    asked = []

    def geocoder(address):
        asked.append(address)
        return {"x": 156000.0, "y": 463000.0} if address == "Stationsplein 1" else None

    out, col, _ = run(
        settings,
        index,
        {
            "adres": ["Stationsplein 1", "", "Nergensweg 9"],
            "postcode": ["", "3811 AB", ""],
            "huisnummer": ["", "12", ""],
        },
        geocoder,
    )
    # postcode and house number stand in for a missing address
    assert asked == ["Stationsplein 1", "3811AB 12", "Nergensweg 9"]
    assert codes(out, "buurt_code") == [BU2, None, None]
    assert out["placement"].tolist() == ["geocode", "", ""]
    assert [(r.row, r.field, r.rule) for r in col.rejections()] == [
        (3, "adres", "adres_niet_gevonden"),
        (4, "adres", "adres_niet_gevonden"),
    ]


def test_address_without_geocoder_or_with_geocoder_down_is_rejected(settings, index):
    _, col, _ = run(settings, index, {"adres": ["Stationsplein 1"]})
    assert [(r.field, r.rule) for r in col.rejections()] == [("adres", "geen_locatie")]

    def down(address):
        raise ConnectionError("no network")

    _, col, _ = run(settings, index, {"adres": ["Stationsplein 1"]}, down)
    assert [(r.field, r.rule) for r in col.rejections()] == [("adres", "geocoder_onbereikbaar")]
    assert col.rejections()[0].message == "geocoder niet bereikbaar"


def test_row_without_any_location_is_rejected(settings, index):
    _, col, _ = run(settings, index, {"x": [""], "y": [""], "adres": [""]})
    assert [(r.field, r.rule) for r in col.rejections()] == [("locatie", "geen_locatie")]
    assert col.rejections()[0].message == ("geen coördinaten, gebiedscode of te geocoderen adres")
