"""Boundary file formats and their layers: GeoJSON, GeoPackage, Shapefile and zipped shapefiles.

Each layer with a CBS code column is normalised with :mod:`oovgeo.areas.cbs`; the result of
one file is the area model, not yet validated (see :func:`oovgeo.areas.load.load_boundaries`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from oovgeo.areas.cbs import normalise_with_names, nothing_left
from oovgeo.areas.columns import CODE_COLUMN_HINT, has_code_column
from oovgeo.areas.model import BoundaryError, concat_areas
from oovgeo.vocab import file_problem


def read_boundaries(
    path: str | Path,
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
    level: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one CBS boundary file into the area model (see :mod:`oovgeo.areas.model`).

    Reads GeoJSON (also a FeatureCollection saved from the PDOK OGC API), GeoPackage (every
    layer with a CBS code column; other layers are skipped), Shapefile, and a ``.zip`` holding
    one or more shapefiles (the CBS wijk- en buurtkaart download). Any CRS is reprojected to
    RD; a file without CRS is taken as RD or WGS84 depending on where its coordinates lie.

    Parameters
    ----------
    path
        The file.
    edition
        Year of the indeling; when None, from a ``jaar``/``jaarcode`` column or a year in
        the file name. A file holding several editions needs this argument; only rows of
        that edition are then kept.
    gemeenten
        Keep only these gemeenten, e.g. ``["GM0622"]``.
    level
        Keep only "gemeente", "wijk" or "buurt".

    Rows with ``WATER == "JA"`` are dropped: CBS files up to 2021 include separate
    water-only polygons. Secrecy codes such as -99997 become <NA>. The result is not
    validated; use :func:`load_boundaries` for checked, complete boundaries.

    Raises
    ------
    BoundaryError
        Unreadable file, no CBS code column, unknown CRS, unknown edition, mixed editions,
        or nothing left.

    Examples
    --------
    >>> areas = read_boundaries("buurten_2025.geojson", gemeenten=["GM0622"])  # doctest: +SKIP
    >>> areas.loc[0, ["level", "code", "parent_code", "edition"]].tolist()  # doctest: +SKIP
    ['buurt', 'BU06220101', 'WK062201', 2025]
    """
    areas, _names = read_file_with_names(path, edition=edition, gemeenten=gemeenten, level=level)
    return areas


def read_file_with_names(
    path: str | Path,
    *,
    edition: int | None,
    gemeenten: Sequence[str] | None,
    level: str | None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Read one file like :func:`read_boundaries`, also returning parent names by code."""
    path = Path(path)
    layers = _read_layers(path)
    frames: list[gpd.GeoDataFrame] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    skipped: list[str] = []
    for layer_name, table in layers:
        if len(layers) > 1 and (table.empty or not has_code_column(table)):
            skipped.append(layer_name)
            continue
        areas, layer_names = normalise_with_names(
            table, edition=edition, gemeenten=gemeenten, level=level, source=path
        )
        frames.append(areas)
        names.update(layer_names)
        notes.extend(areas.attrs.get("notes", []))
    if not frames:
        found = ", ".join(skipped) or "geen"
        raise BoundaryError(
            f"{path.name}: geen laag met een CBS-gebiedscode gevonden; verwacht een van: "
            f"{CODE_COLUMN_HINT} (gevonden lagen: {found})"
        )
    result = concat_areas(frames)
    if result.empty:
        raise BoundaryError(nothing_left(path))
    result.attrs["notes"] = notes
    return result, names


def _read_layers(path: Path) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Every layer of a file (a GeoPackage or a zip can hold several) as (name, table)."""
    if path.is_dir():
        raise BoundaryError(f"{path} is een map, geen bestand")
    if not path.is_file():
        raise BoundaryError(f"bestand niet gevonden: {path}")
    try:
        sources = _zip_members(path) if path.suffix.lower() == ".zip" else [str(path)]
        layers = []
        for source in sources:
            for layer_name in pyogrio.list_layers(source)[:, 0]:
                layers.append((str(layer_name), gpd.read_file(source, layer=layer_name)))
    except OSError as error:
        raise BoundaryError(f"kan bestand niet lezen: {file_problem(error)}") from error
    except (RuntimeError, zipfile.BadZipFile) as error:
        # pyogrio's errors (DataSourceError, ...) are RuntimeErrors; their English text stays
        # out of the message: the user needs to know which formats work.
        raise BoundaryError(
            f"kan bestand niet lezen: {path.name} is geen GeoJSON, GeoPackage, Shapefile of "
            "zip met shapefiles (of het bestand is beschadigd)"
        ) from error
    for _layer_name, table in layers:
        if not isinstance(table, gpd.GeoDataFrame):
            raise BoundaryError(_no_geometry_message(path, table))
    return layers


def _no_geometry_message(path: Path, table: pd.DataFrame) -> str:
    """Say why a table without geometry is no boundary file, and what to do with a code list."""
    if has_code_column(table):
        return (
            f"{path.name} bevat gebiedscodes maar geen grenzen (geen geometrie): het is een "
            "codelijst. Laad eerst grenzen (GeoJSON, GeoPackage of Shapefile met wijken en "
            f"buurten) en neem daarna de namen over met: oovgeo boundaries names {path.name}"
        )
    return (
        f"{path.name} bevat geen grenzen (geen geometrie); verwacht een GeoJSON, GeoPackage, "
        "Shapefile of zip met shapefiles met wijken en buurten"
    )


def _zip_members(path: Path) -> list[str]:
    """GDAL paths of the geodata files inside a zip (the CBS download nests them in folders)."""
    with zipfile.ZipFile(path) as archive:
        members = [
            member
            for member in archive.namelist()
            if member.lower().endswith((".shp", ".gpkg", ".geojson", ".json"))
            and not member.startswith("__MACOSX")
        ]
    if not members:
        raise BoundaryError(
            f"kan bestand niet lezen: {path.name} bevat geen .shp, .gpkg of .geojson"
        )
    return [f"/vsizip/{path}/{member}" for member in members]
