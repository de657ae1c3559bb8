"""Address keys: one spelling per address, so the same address is one place.

Postcode + house number when both are usable (``9912 ab`` + ``12-A`` and ``9912AB`` + ``12a``
are the same key ``9912AB|12|a``), and the address text, lower-cased, without accents or
punctuation, spaces collapsed and a one-letter suffix joined to its number
(``Kerkstraat 12 A`` = ``kerkstraat 12a``). A text without a digit (a street, a square) gives
no key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oovgeo.analysis.targets.inputs import column, stripped

_POSTCODE = r"^[1-9][0-9]{3}[A-Z]{2}$"


def _unique_map(values: pd.Series, func) -> np.ndarray:
    """``func`` applied to the distinct non-missing values only, mapped back (object, None)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.full(len(values), None, dtype=object)
    if len(uniques):
        mapped = func(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
        mapped = np.asarray(mapped.astype(object).where(mapped.notna(), None), dtype=object)
        ok = codes >= 0
        out[ok] = mapped[codes[ok]]
    return out


def _normalise_address(text: pd.Series) -> pd.Series:
    key = (
        text.str.lower()
        .str.normalize("NFKD")
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
        .str.replace(r"[^a-z0-9]+", " ", regex=True)
        .str.strip()
        .str.replace(r"([0-9]) ([a-z])\b", r"\1\2", regex=True)
    )
    return key.where(key.str.contains(r"[0-9]", regex=True), None)


def _normalise_postcode(text: pd.Series) -> pd.Series:
    code = text.str.upper().str.replace(r"\s+", "", regex=True)
    return code.where(code.str.match(_POSTCODE), None)


def _normalise_number(text: pd.Series) -> pd.Series:
    low = text.str.lower().str.strip()
    number = low.str.extract(r"^0*([1-9][0-9]*)", expand=False)
    suffix = low.str.replace(r"^[0-9]+", "", regex=True).str.replace(r"[^a-z0-9]", "", regex=True)
    return (number + "|" + suffix).where(number.notna(), None)


def _house_numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):  # 12.0 when the column had blanks
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    return stripped(values)


def address_keys(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return per row the postcode key (``9912AB|12|a``) and the text key (``kerkstraat 12a``).

    Each is None where the row has none.
    """
    postcode = _unique_map(stripped(column(frame, "postcode")), _normalise_postcode)
    number = _unique_map(_house_numbers(column(frame, "huisnummer")), _normalise_number)
    pc = np.full(len(frame), None, dtype=object)
    ok = pd.notna(postcode) & pd.notna(number)
    pc[ok] = postcode[ok] + "|" + number[ok]
    text = _unique_map(stripped(column(frame, "adres")), _normalise_address)
    return pc, text
