"""The year report's model: ``YearReport``, its Dutch notes and the checks on its tables.

The input tables and the output safety rules are described in the package docstring
(``oovgeo.report.year_report``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.privacy import Disclosure
from oovgeo.vocab import METHOD_NOTE, TOO_FEW, VERDICTS, protection_note

NO_SIGNIFICANT = "Geen significante veranderingen per wijk en thema."

SHEET_SUMMARY = "Samenvatting"
SHEET_THEME = "Per thema"
SHEET_WIJK_THEME = "Per wijk en thema"

THEME_KEYS = ("thema",)
WIJK_THEME_KEYS = ("wijk", "thema")
REQUIRED = ("a", "b", "verschil", "oordeel")
# Order of the value columns in the workbook; optional ones are written when present.


@dataclass(frozen=True, eq=False)
class YearReport:
    """One year compared with the year before, per theme and per wijk and theme.

    ``eq=False``: the report holds DataFrames, which have no single truth value, so reports
    compare (and hash) by identity.

    Attributes
    ----------
    year
        The report year; the reference is ``year - 1``.
    gemeente
        Name of the municipality, for titles.
    by_theme
        Comparison table with key ``thema`` (``compare_table`` result, or for protected
        reports its ``protect_comparison`` display copy).
    by_wijk_theme
        The same with keys ``wijk`` (name) and ``thema``.
    notes
        Dutch sentences shown under the title: data as of, sources, disclosure, method.
    protected
        Whether the tables are the display copies for a protected audience.
    """

    year: int
    gemeente: str
    by_theme: pd.DataFrame
    by_wijk_theme: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    protected: bool = False

    def __post_init__(self) -> None:
        """Check both tables (keys, required columns, display text when protected)."""
        if not isinstance(self.year, int | np.integer) or not 1900 <= int(self.year) <= 2200:
            raise ValueError(f"year must be a calendar year, got {self.year!r}")
        _check_table(self.by_theme, THEME_KEYS, "by_theme", protected=self.protected)
        _check_table(self.by_wijk_theme, WIJK_THEME_KEYS, "by_wijk_theme", protected=self.protected)
        object.__setattr__(self, "year", int(self.year))
        object.__setattr__(self, "notes", [str(n) for n in self.notes])

    @property
    def previous(self) -> int:
        """The year before the report year."""
        return self.year - 1

    @property
    def title(self) -> str:
        """The Dutch title of the report."""
        return f"Jaarvergelijking {self.year} – {self.previous}, gemeente {self.gemeente}"


def _check_table(table: pd.DataFrame, keys: Sequence[str], name: str, *, protected: bool) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame")
    missing = [c for c in (*keys, *REQUIRED) if c not in table.columns]
    if missing:
        raise ValueError(f"{name} is not a comparison table; missing columns: {missing}")
    if protected:
        # Fail closed: raw compare_table counts are numbers; the display copy holds text.
        for column in ("a", "b"):
            values = table[column]
            numeric = pd.api.types.is_numeric_dtype(values) or any(
                isinstance(v, int | float | np.number) and not pd.isna(v) for v in values
            )
            if numeric:
                raise ValueError(
                    f"{name}.{column} holds numbers: a protected report needs the display "
                    "copy from protect_comparison"
                )


def disclosure_note(disclosure: Disclosure) -> str:
    """Return the "Hoe lees ik dit?" note on the protected figures (P3).

    >>> disclosure_note(Disclosure(protected=True))[:30]
    'Hoe lees ik dit? Deze cijfers '
    """
    return protection_note(disclosure.threshold, disclosure.perturbation)


def build_year_report(
    by_theme: pd.DataFrame,
    by_wijk_theme: pd.DataFrame,
    *,
    year: int,
    gemeente: str,
    disclosure: Disclosure,
    data_as_of: date,
    sources: Sequence[str],
    extra_notes: Sequence[str] = (),
) -> YearReport:
    """Build a ``YearReport`` with the standard Dutch notes.

    Pass the ``protect_comparison`` display copies when ``disclosure.protected``. The notes
    are, in order: data as of, sources, the disclosure note (protected only), the method note,
    then ``extra_notes`` (e.g. "De politiecijfers van december zijn nog onvolledig.").
    """
    notes = [
        f"Gegevens compleet t/m {dutch.day(data_as_of)}; latere dagen tellen niet mee als dagen "
        "zonder meldingen."
    ]
    listed = [str(s).strip() for s in sources if str(s).strip()]
    notes.append(f"Bronnen: {', '.join(listed)}." if listed else "Bronnen: niet opgegeven.")
    if disclosure.protected:
        notes.append(disclosure_note(disclosure))
    notes.append(METHOD_NOTE)
    notes.extend(str(n) for n in extra_notes)
    return YearReport(
        year=year,
        gemeente=gemeente,
        by_theme=by_theme,
        by_wijk_theme=by_wijk_theme,
        notes=notes,
        protected=disclosure.protected,
    )


def verdict_summary(table: pd.DataFrame) -> str:
    """How many rows got each verdict, as a Dutch phrase (rows, not signals: safe to show).

    >>> verdict_summary(pd.DataFrame({"oordeel": [RISE, NORMAL, NORMAL]}))
    '1 significant gestegen, 0 significant gedaald, 2 binnen normale variatie, 0 te weinig ...'
    """
    counts = table["oordeel"].value_counts()
    parts = [f"{int(counts.get(v, 0))} {v}" for v in VERDICTS[:3]]
    parts.append(f"{int(counts.get(TOO_FEW, 0))} te weinig meldingen")
    return ", ".join(parts)


# --- numbers and their Dutch display -------------------------------------------------------
