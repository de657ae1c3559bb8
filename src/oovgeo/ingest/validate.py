"""Row validation: check and convert every field of every row of one file.

Pure apart from the optional geocoder that ``locate`` calls for addresses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

import numpy as np
import pandas as pd

from oovgeo.config import UNKNOWN, Settings
from oovgeo.config.codes import normalise_label
from oovgeo.ingest import parse
from oovgeo.ingest.locate import Geocoder, locate
from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.profiles import FIELDS, ID_FIELD, KindProfile
from oovgeo.ingest.rules import MAX_LABEL, MAX_LEN, UNKNOWN_RULE, Collector, Rejection, cell_text


def code_lookup(codes: list, kp_values: dict[str, str]) -> dict[str, str]:
    """Normalised export label -> configured code: codes, labels, aliases, then the profile's."""
    lookup = {}
    for c in codes:
        for name in (c.code, c.label, *c.aliases):
            lookup[normalise_label(name)] = c.code
    lookup.update(kp_values)
    return lookup


def _per_value(raw: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` once per distinct value: exports repeat the same few values a lot."""
    return raw.map({v: fn(v) for v in raw.unique()})


def _map_codes(raw: pd.Series, lookup: dict[str, str], known: set[str]) -> pd.Series:
    mapped = _per_value(raw, lambda v: lookup.get(normalise_label(v)) if v else None)
    return mapped.where(mapped.isin(known), None)


def _too_long(values: pd.Series, limit: int) -> np.ndarray:
    return (values.str.len() > limit).to_numpy()


@dataclass
class Valid:
    """Validated rows with their rejections, bad mask, warnings and unmapped labels."""

    frame: pd.DataFrame  # canonical typed columns, index = position in the file
    rejections: list[Rejection]
    bad: np.ndarray
    warnings: Counter
    # field -> {label as in the export: rows stored as 'onbekend'} (accepted rows only)
    unmapped: dict[str, dict[str, int]] = dataclass_field(default_factory=dict)


def validate(
    raw: pd.DataFrame,
    row_numbers: np.ndarray,
    *,
    kind: str,
    kp: KindProfile,
    settings: Settings,
    index: AreaIndex,
    today: date,
    export_date: date | None = None,
    geocoder: Geocoder | None = None,
    ragged: set[int] | frozenset = frozenset(),
    shortlist_ids: set[int] | frozenset = frozenset(),
) -> Valid:
    """Check and convert every field of every row; place the rows. Pure except ``geocoder``.

    ``shortlist_ids`` are the shortlist items an intervention may be linked to. A row's
    ``version_date`` is its own change date (field ``gewijzigd``) or else ``export_date``.
    """
    n = len(raw)
    out = pd.DataFrame(index=raw.index)
    col = Collector(row_numbers)
    warnings: dict[str, np.ndarray] = {}  # warning code -> rows it applies to

    ragged_mask = np.isin(row_numbers, list(ragged))
    col.add(ragged_mask, "rij", "aantal_kolommen", pd.Series([""] * n))

    # id: the source system's own id; without one, a content hash keeps re-imports idempotent
    ident = cell_text(raw, ID_FIELD[kind])
    col.add(_too_long(ident, MAX_LEN["id"]), ID_FIELD[kind], "te_lang", ident)
    no_id = (ident == "").to_numpy()
    if no_id.any():
        derived = pd.util.hash_pandas_object(raw, index=False).map(lambda h: f"h{h:016x}")
        ident = ident.where(~no_id, derived)
        warnings["id_afgeleid"] = no_id
    out["source_id"] = ident

    # datum
    when = cell_text(raw, "datum")
    parsed, rule = parse.parse_date_array(when, today=today)
    col.add(np.asarray(rule != "", dtype=bool), "datum", rule, when)
    out["datum"] = pd.to_datetime(parsed).date if len(parsed) else []
    out["version_date"] = _version_dates(raw, col, today, export_date or today)

    # thema: an unmapped label is quarantined with the label, until someone maps it;
    # bron: an unmapped label is stored as 'onbekend' and named in the report
    unmapped: dict[str, pd.Series] = {}
    out["thema"] = _coded(raw, "thema", kp, settings.codes("themes"), col)
    if kind == "signals":
        out["bron"] = _coded(raw, "bron", kp, settings.codes("sources"), col, unmapped=unmapped)

    # optional short texts
    for fname in ("adres", "dossiernummer", "huisnummer", "maatregel"):
        if fname in FIELDS[kind]:
            values = cell_text(raw, fname).str.strip()
            col.add(_too_long(values, MAX_LEN[fname]), fname, "te_lang", values)
            out[fname] = values.where(values != "", None)

    if kind == "signals":
        postcode = cell_text(raw, "postcode").str.replace(r"\s+", "", regex=True).str.upper()
        bad_pc = (postcode != "") & ~postcode.str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}")
        col.add(bad_pc.to_numpy(), "postcode", "postcode_ongeldig", postcode)
        out["postcode"] = postcode.where(postcode != "", None)
        anon_raw = cell_text(raw, "anoniem")
        anon, bad_anon = _bools(anon_raw)
        col.add(bad_anon, "anoniem", "geen_janee", anon_raw)
        out["anoniem"] = anon
    else:
        out["partners"] = _partners(raw, kp, settings, unmapped)
        out["uitkomst"] = _coded(
            raw, "uitkomst", kp, settings.codes("outcomes"), col, unmapped=unmapped, required=False
        )

    if kind == "interventions" and "shortlist_id" in raw:
        out["shortlist_id"] = _shortlist_link(raw, col, shortlist_ids)

    locate(raw, out, settings, index, col, warnings, geocoder)
    return Valid(
        frame=out,
        rejections=col.rejections(),
        bad=col.bad,
        # warnings are reported for rows that were not rejected
        warnings=Counter({k: int((m & ~col.bad).sum()) for k, m in warnings.items()}),
        unmapped={
            fname: counts
            for fname, labels in unmapped.items()
            if (counts := _label_counts(labels[~col.bad & labels.notna().to_numpy()]))
        },
    )


def _label_counts(labels: pd.Series) -> dict[str, int]:
    """Rows per unmapped label; spellings one alias would map count as one label.

    A label is shown as its most frequent spelling in the file (the first one on a tie).
    """
    if labels.empty:
        return {}
    frame = pd.DataFrame({"label": labels, "norm": labels.map(normalise_label)})
    counts: dict[str, int] = {}
    for _, group in frame.groupby("norm", sort=False):
        spellings = Counter(group["label"])  # insertion order: first in the file wins a tie
        counts[str(max(spellings, key=spellings.__getitem__))] = len(group)
    return counts


def _version_dates(raw: pd.DataFrame, col: Collector, today: date, export_date: date) -> list:
    """Return the row's own change date where the export has one, else the export's date."""
    given = cell_text(raw, "gewijzigd")
    parsed, rule = parse.parse_date_array(given, today=today)
    filled = (given.str.strip() != "").to_numpy()
    col.add(filled & (rule != ""), "gewijzigd", rule, given)
    days = pd.to_datetime(parsed).date if len(parsed) else []
    return [d if ok else export_date for d, ok in zip(days, filled & (rule == ""), strict=True)]


def _shortlist_link(raw: pd.DataFrame, col: Collector, known: set[int] | frozenset) -> pd.Series:
    """Return the shortlist item an intervention came from.

    Only a column that is present is written, so a file without it leaves existing links
    alone (an empty cell unlinks).
    """
    given = cell_text(raw, "shortlist_id")
    number = pd.to_numeric(given.where(given != ""), errors="coerce")
    not_whole = ((given != "") & (number.isna() | (number % 1 != 0))).to_numpy()
    col.add(not_whole, "shortlist_id", "geen_getal", given)
    unknown = (number.notna() & ~not_whole & ~number.isin(list(known))).to_numpy()
    col.add(unknown, "shortlist_id", "onbekend_shortlist_item", given)
    return number.where(~not_whole).astype("Int64")


def _coded(raw, fname, kp, codes, col, *, unmapped=None, required=True) -> pd.Series:
    """Map a coded field. Unmapped labels are rejected (themes) or stored as 'onbekend'.

    With ``unmapped`` (a dict), a label that maps to no code becomes ``UNKNOWN`` and
    ``unmapped[fname]`` holds the label per row (None where it mapped).
    """
    values = cell_text(raw, fname).str.strip()
    if fname in kp.defaults:
        values = values.where(values != "", kp.defaults[fname])
    mapped = _map_codes(
        values, code_lookup(codes, kp.values.get(fname, {})), {c.code for c in codes}
    )
    empty = (values == "").to_numpy()
    if required:
        col.add(empty, fname, "leeg", values)
    missing = ~empty & mapped.isna().to_numpy()
    if unmapped is None:
        col.add(missing, fname, UNKNOWN_RULE[fname], values)
        return mapped
    unmapped[fname] = values.str.slice(0, MAX_LABEL).where(missing, None)
    return mapped.where(~missing, UNKNOWN)


_INVALID = object()


def _bools(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    def one(v):
        try:
            return parse.parse_bool(v)
        except parse.ParseError:
            return _INVALID

    values = _per_value(raw, one).astype(object)
    bad = values.map(lambda v: v is _INVALID).to_numpy(dtype=bool)
    return values.where(~bad, None), bad


def _partners(raw, kp, settings, unmapped: dict[str, pd.Series]) -> pd.Series:
    """Return ';'-joined partner codes; an unmapped partner name counts as 'onbekend'."""
    codes = settings.codes("partners")
    lookup = code_lookup(codes, kp.values.get("partners", {}))
    values = cell_text(raw, "partners")

    def one(v: str) -> tuple[str | None, str | None]:
        parts = [p.strip() for p in re.split(r"[;,/|+]", v) if p.strip()]
        mapped = [lookup.get(normalise_label(p), UNKNOWN) for p in parts]
        missing = [p for p, m in zip(parts, mapped, strict=True) if m == UNKNOWN]
        return ";".join(sorted(set(mapped))) or None, "; ".join(missing)[:MAX_LABEL] or None

    pairs = _per_value(values, one)
    unmapped["partners"] = pairs.str[1]
    return pairs.str[0]
