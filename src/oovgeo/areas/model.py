"""The area model: levels, columns and codes of CBS areas, and the one normalised frame.

Every reader in :mod:`oovgeo.areas` returns a GeoDataFrame in RD New (EPSG:28992) with
the columns of ``AREA_COLUMNS``:

==============  =========  ==========================================================
column          dtype      meaning
==============  =========  ==========================================================
level           str        "gemeente", "wijk" or "buurt"
code            str        CBS code: GM0622, WK062201, BU06220101
name            str        area name (the code when the source has no name)
parent_code     object     wijk -> its GM code, buurt -> its WK code, gemeente -> None
gemeente_code   str        the GM code the area belongs to (its own code for a gemeente)
edition         int64      year of the CBS indeling (reference date 1 January)
inhabitants     Int64      inhabitants, <NA> when missing or secret (-99997)
land_ha         Float64    land area in hectares, <NA> when missing or secret
geometry        geometry   Polygon or MultiPolygon, EPSG:28992
==============  =========  ==========================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from oovgeo.crs import RD

LEVELS = ("gemeente", "wijk", "buurt")
AREA_COLUMNS = (
    "level",
    "code",
    "name",
    "parent_code",
    "gemeente_code",
    "edition",
    "inhabitants",
    "land_ha",
    "geometry",
)

PREFIX_LEVEL = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
CODE_EXAMPLES = {"gemeente": "GM0622", "wijk": "WK062201", "buurt": "BU06220101"}

# CBS writes -99997 (secret), -99998, -99999 ... for "not available": never a number.
SECRET_CODE_MAX = -99990

_MAX_LISTED = 10


class BoundaryError(ValueError):
    """A boundary or population file cannot be used; the message is Dutch and user-facing.

    ``problems`` holds the individual problems when there are several.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()):
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def from_problems(cls, title: str, problems: Sequence[str]) -> BoundaryError:
        r"""Build one error listing at most ten problems and the count of the rest.

        Examples
        --------
        >>> str(BoundaryError.from_problems("grenzen afgekeurd", ["a", "b"]))
        'grenzen afgekeurd (2 problemen):\n- a\n- b'
        """
        lines = [f"- {problem}" for problem in problems[:_MAX_LISTED]]
        rest = len(problems) - _MAX_LISTED
        if rest > 0:
            lines.append(f"... en nog {rest} andere problemen")
        count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
        return cls(f"{title} ({count}):\n" + "\n".join(lines), problems)


# ---------------------------------------------------------------------------------------------
# Codes and their hierarchy


def parse_gemeente_code(value: str | int) -> str:
    """Return a gemeente code in CBS form from ``GM0622``, ``gm0622``, ``0622``, ``622`` or 622.

    Examples
    --------
    >>> parse_gemeente_code("622")
    'GM0622'
    """
    text = str(value).strip().upper()
    digits = text[2:] if text.startswith("GM") else text
    if not digits.isdigit() or len(digits) > 4:
        raise BoundaryError(f"onbekende gemeentecode '{value}' (verwacht bijv. GM0622)")
    return "GM" + digits.zfill(4)


def level_of(code: str) -> str | None:
    """Return the level of a CBS code from its prefix, or None when it has no known prefix.

    Examples
    --------
    >>> level_of("WK0363AD")
    'wijk'
    """
    return PREFIX_LEVEL.get(str(code)[:2].upper())


def parent_of(code: str) -> str | None:
    """Return the parent code that follows from a code's prefix (None for a gemeente).

    Examples
    --------
    >>> parent_of("BU06220101"), parent_of("WK062201"), parent_of("GM0622")
    ('WK062201', 'GM0622', None)
    """
    level = level_of(code)
    if level == "buurt":
        return "WK" + code[2:8]
    if level == "wijk":
        return "GM" + code[2:6]
    return None


def source_name(source: str | Path | None) -> str:
    """Return the file name of ``source`` for messages, or "het bestand" when unknown."""
    return Path(source).name if source else "het bestand"


# ---------------------------------------------------------------------------------------------
# The frame: column order, dtypes, combining and sorting


def finalise(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fix column order, dtypes and index of the area model."""
    parents = [None if pd.isna(value) else str(value) for value in frame["parent_code"]]
    inhabitants = frame["inhabitants"].astype("Float64").round().astype("Int64")
    columns = {
        "level": pd.Series(frame["level"].to_numpy(), dtype="str"),
        "code": pd.Series(frame["code"].to_numpy(), dtype="str"),
        "name": pd.Series(frame["name"].to_numpy(), dtype="str"),
        "parent_code": pd.Series(parents, dtype=object),
        "gemeente_code": pd.Series(frame["gemeente_code"].to_numpy(), dtype="str"),
        "edition": pd.Series(frame["edition"].to_numpy(), dtype="int64"),
        "inhabitants": pd.Series(inhabitants.array, dtype="Int64"),
        "land_ha": pd.Series(frame["land_ha"].astype("Float64").array, dtype="Float64"),
    }
    return gpd.GeoDataFrame(columns, geometry=frame.geometry.to_numpy(), crs=RD)


def empty_areas() -> gpd.GeoDataFrame:
    """Return an area model without rows, with the model's columns and dtypes."""
    frame = gpd.GeoDataFrame(
        {
            "level": [],
            "code": [],
            "name": [],
            "parent_code": [],
            "gemeente_code": [],
            "edition": [],
            "inhabitants": pd.array([], dtype="Int64"),
            "land_ha": pd.array([], dtype="Float64"),
        },
        geometry=[],
        crs=RD,
    )
    return finalise(frame)


def concat_areas(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Concatenate area models into one (empty frames are skipped)."""
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return empty_areas()
    return finalise(pd.concat(frames, ignore_index=True))


def sort_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sort by edition, then gemeente/wijk/buurt, then code, with a fresh index."""
    order = areas["level"].map({level: rank for rank, level in enumerate(LEVELS)})
    keys = pd.DataFrame({"edition": areas["edition"], "order": order, "code": areas["code"]})
    return areas.loc[keys.sort_values(["edition", "order", "code"]).index].reset_index(drop=True)
