"""Loading several boundary files into one checked model, deriving missing levels.

Typical use: gemeenten, wijken and buurten of one edition, or only buurten (wijken and the
gemeente are then dissolved from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from oovgeo.areas.clean import polygonal
from oovgeo.areas.files import read_file_with_names
from oovgeo.areas.model import BoundaryError, concat_areas, finalise, parent_of, sort_areas
from oovgeo.areas.validation import nesting_warnings, validate
from oovgeo.crs import RD


def load_boundaries(
    paths: Sequence[str | Path],
    *,
    edition: int | None = None,
    gemeenten: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read several boundary files (e.g. gemeenten, wijken, buurten) into one checked model.

    A code that occurs in more than one file is taken from the last file. When buurten are
    present but no wijken (for an edition), wijken are derived by dissolving the buurten per
    wijk code (named after a ``wk_naam``-like column, else the code); likewise gemeenten from
    wijken. Official wijk and gemeente geometry is kept whenever that level was loaded.
    A derived area's inhabitants/land area is the sum of its parts, <NA> when any part is.

    ``attrs["notes"]`` says what was derived or left out, ``attrs["warnings"]`` names the
    wijken whose buurten stick out of them (:func:`nesting_warnings`).

    Raises
    ------
    BoundaryError
        When a file cannot be read, when :func:`validate` finds problems (all listed), or
        when an edition has only gemeenten (:func:`require_wijken_or_buurten`).

    Examples
    --------
    >>> areas = load_boundaries(["buurten_2025.geojson"], gemeenten=["GM0622"])  # doctest: +SKIP
    >>> areas["level"].value_counts().to_dict()  # doctest: +SKIP
    {'buurt': 40, 'wijk': 8, 'gemeente': 1}
    """
    if not paths:
        raise BoundaryError("geen grensbestanden opgegeven")
    frames: list[gpd.GeoDataFrame] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    for path in paths:
        areas, file_names = read_file_with_names(
            path, edition=edition, gemeenten=gemeenten, level=None
        )
        frames = [_without_codes_of(frame, areas) for frame in frames]
        frames.append(areas)
        names.update(file_names)
        notes.extend(areas.attrs.get("notes", []))

    combined = _derive_missing_levels(concat_areas(frames), names, notes)
    combined = sort_areas(combined)
    problems = validate(combined)
    if problems:
        raise BoundaryError.from_problems("grenzen afgekeurd", problems)
    require_wijken_or_buurten(combined, [Path(path).name for path in paths])
    combined.attrs["notes"] = notes
    combined.attrs["warnings"] = nesting_warnings(combined)
    return combined


def require_wijken_or_buurten(areas: gpd.GeoDataFrame, files: Sequence[str] = ()) -> None:
    """Refuse an edition with only gemeenten: records are placed in buurten or wijken.

    A gemeente outline alone gives one area: no map per wijk or buurt, nowhere to place a
    signal. The message says which files to add.

    Raises
    ------
    BoundaryError
        When an edition has no wijk and no buurt.
    """
    for edition, group in areas.groupby("edition", sort=True):
        if group["level"].isin(["wijk", "buurt"]).any():
            continue
        gemeenten = ", ".join(sorted(group["code"]))
        source = f"{', '.join(files)}: " if files else ""
        raise BoundaryError(
            f"{source}alleen gemeentegrenzen ({gemeenten}, editie {edition}), geen wijken of "
            "buurten. oovgeo plaatst signalen in buurten en wijken en toont de kaart per wijk "
            "of buurt; een gemeentegrens alleen is niet genoeg. Laad de buurten erbij (de "
            "wijken worden daaruit samengesteld) en eventueel de officiële wijken, bijvoorbeeld: "
            "oovgeo boundaries load gemeenten_2025.geojson wijken_2025.geojson "
            "buurten_2025.geojson"
        )


def _without_codes_of(frame: gpd.GeoDataFrame, later: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop rows whose (edition, code) a later file provides: the last file wins."""
    later_keys = set(zip(later["edition"], later["code"], strict=True))
    keys = zip(frame["edition"], frame["code"], strict=True)
    return frame[[key not in later_keys for key in keys]]


def _derive_missing_levels(
    areas: gpd.GeoDataFrame, names: dict[str, str], notes: list[str]
) -> gpd.GeoDataFrame:
    """Add wijken dissolved from buurten and gemeenten from wijken, per edition, when absent."""
    frames = [areas]
    for edition, group in areas.groupby("edition", sort=True):
        wijken = group[group["level"] == "wijk"]
        buurten = group[group["level"] == "buurt"]
        if wijken.empty and not buurten.empty:
            wijken = _dissolve(buurten, "wijk", names)
            frames.append(wijken)
            notes.append(f"editie {edition}: {len(wijken)} wijk(en) samengesteld uit de buurten")
        if not (group["level"] == "gemeente").any() and not wijken.empty:
            gemeenten = _dissolve(wijken, "gemeente", names)
            frames.append(gemeenten)
            notes.append(
                f"editie {edition}: {len(gemeenten)} gemeente(n) samengesteld uit de wijken"
            )
    return concat_areas(frames)


def _dissolve(children: gpd.GeoDataFrame, level: str, names: dict[str, str]) -> gpd.GeoDataFrame:
    """One area per parent code of ``children``, its geometry the union of theirs."""
    rows = []
    for code, group in children.groupby("parent_code", sort=True):
        rows.append(
            {
                "level": level,
                "code": code,
                "name": names.get(code, code),
                "parent_code": parent_of(code),
                "gemeente_code": group["gemeente_code"].iloc[0],
                "edition": int(group["edition"].iloc[0]),
                "inhabitants": _sum_or_na(group["inhabitants"]),
                "land_ha": _sum_or_na(group["land_ha"]),
                "geometry": polygonal(shapely.union_all(group.geometry.to_numpy())),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=RD)
    return finalise(frame)


def _sum_or_na(values: pd.Series) -> object:
    """Sum of ``values``, <NA> when any of them is missing."""
    return pd.NA if values.isna().any() else values.sum()
