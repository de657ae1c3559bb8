"""One builder per slide kind and the registry of slide kinds."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from oovgeo import dutch
from oovgeo.analysis import completeness
from oovgeo.analysis.compare import compare_table, protect_comparison
from oovgeo.config import SLIDE_KINDS
from oovgeo.meetings import (
    dutch_period,
)
from oovgeo.privacy import (
    Disclosure,
    format_count,
    hidden_mask,
    total_label,
)
from oovgeo.report.pack.choices import focus_wijk, main_themes, wijk_theme_comparison, wijk_verdicts
from oovgeo.report.pack.data import PackData
from oovgeo.report.pack.figures import (
    change_map_png,
    focus_map_png,
    outcome_chart_png,
    theme_map_png,
    trend_png,
    trend_table,
)
from oovgeo.report.pack.model import (
    AUDIENCE_LABELS,
    Slide,
    clip,
)
from oovgeo.report.year_report.model import disclosure_note
from oovgeo.shortlist import STATUSES
from oovgeo.vocab import FALL, LOCATION_NOTE, METHOD_NOTE, NORMAL, RISE, TEST_NOTE, TOO_FEW

if TYPE_CHECKING:
    pass


MAX_TABLE_ROWS = 12  # a table must fit on its one slide: the slide list is fixed

# --- slides ---------------------------------------------------------------------------------------


def _period_line(data: PackData) -> str:
    return f"Periode {dutch_period(data.period)} (vorige periode {dutch_period(data.previous)})"


def _hidden_note(data: PackData) -> str:
    k = data.k
    return (
        f"Aantallen onder {k} staan als <{k}. Alle aantallen zijn afgeschermd: elke melding telt "
        "0, 1 of 2 keer (zie Verantwoording)."
    )


def _capped(table: pd.DataFrame, what: str) -> tuple[pd.DataFrame, list[str]]:
    """At most ``MAX_TABLE_ROWS`` rows, and a bullet saying how many were left out."""
    if len(table) <= MAX_TABLE_ROWS:
        return table, []
    left = len(table) - MAX_TABLE_ROWS
    return table.head(MAX_TABLE_ROWS), [f"En nog {left} {what} (zie oovgeo)."]


def _text_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        out[column] = [clip(v) for v in out[column]]
    return out.reset_index(drop=True)


def slide_title(data: PackData) -> Slide:
    """Build the title slide."""
    bullets = [
        f"Periode: {dutch_period(data.period)} (sinds het vorige overleg).",
        f"{completeness.sentence(data.data_as_of).capitalize()}.",
        f"Voor: {AUDIENCE_LABELS[data.audience]}.",
    ]
    if data.data_as_of < data.period[1]:
        bullets.append(
            "Let op: de leveringen lopen nog niet tot het einde van de periode. Vergelijkingen "
            f"rekenen tot en met {dutch.day(data.data_as_of)}; latere dagen tellen niet mee als "
            "dagen zonder meldingen."
        )
    return Slide(
        kind="titel",
        title=data.meeting.label,
        subtitle=f"{dutch.long_date(data.meeting_date)} · gemeente {data.gemeente}",
        bullets=tuple(bullets),
        note=LOCATION_NOTE,
    )


def slide_theme_map(data: PackData, themes: Sequence[str]) -> Slide:
    """Build the map of the main themes per wijk."""
    labels = ", ".join(data.theme_labels.get(t, t) for t in themes)
    chosen = (
        "ingesteld voor dit overleg"
        if data.meeting.themes
        else "de thema's met de meeste signalen in deze periode"
    )
    return Slide(
        kind="kaart_themas",
        title=TITLES["kaart_themas"],
        subtitle=_period_line(data),
        image_png=theme_map_png(data, themes),
        bullets=(f"Signalen per wijk voor {labels} ({chosen}).",),
        note=_hidden_note(data),
    )


SIGNIFICANT_COLUMNS = {
    "wijk": "Wijk",
    "thema": "Thema",
    "a": "Deze periode",
    "b": "Vorige periode",
    "oordeel": "Oordeel",
}


def slide_changes(data: PackData, verdicts: pd.DataFrame, shown: pd.DataFrame) -> Slide:
    """Build the slide of significant changes per wijk."""
    names, labels = data.wijk_names, data.theme_labels
    bullets = []
    if shown.empty:
        table = None
        bullets.append("Geen signalen in deze of de vorige periode.")
    else:
        significant = shown[shown["oordeel"].isin([RISE, FALL])].copy()
        significant["wijk"] = significant["wijk_code"].map(lambda c: names.get(c, c))
        significant["thema"] = significant["thema"].map(lambda t: labels.get(t, t))
        significant["_rank"] = significant["oordeel"].map({RISE: 0, FALL: 1})
        significant = significant.sort_values(["_rank", "wijk", "thema"], kind="stable")
        table = _text_table(
            significant[list(SIGNIFICANT_COLUMNS)].rename(columns=SIGNIFICANT_COLUMNS)
        )
        table, more = _capped(table, "significante veranderingen")
        bullets += more
        counts = shown["oordeel"].value_counts()
        bullets.insert(
            0,
            "Per wijk en thema: "
            + ", ".join(f"{int(counts.get(v, 0))} {v}" for v in (RISE, FALL, NORMAL, TOO_FEW))
            + ".",
        )
        if table.empty:
            table = None
            bullets.append("Geen significante veranderingen per wijk en thema.")
    wijk_counts = verdicts["oordeel"].value_counts()
    bullets.insert(
        0,
        "Kaart, per wijk (alle thema's samen): "
        f"{int(wijk_counts.get(RISE, 0))} {RISE}, {int(wijk_counts.get(FALL, 0))} {FALL}.",
    )
    return Slide(
        kind="veranderingen",
        title=TITLES["veranderingen"],
        subtitle=_period_line(data),
        image_png=change_map_png(data, verdicts),
        table=table,
        bullets=tuple(bullets),
        note=_hidden_note(data) + " " + TEST_NOTE,
    )


def slide_trends(data: PackData, themes: Sequence[str]) -> Slide:
    """Build the trend chart and table per theme."""
    table = trend_table(data)
    last, before = len(data.grid) - 1, len(data.grid) - 2
    a = table[table["periode"] == last].set_index("thema")["count"]
    b = table[table["periode"] == before].set_index("thema")["count"]
    compared = compare_table(
        a.reset_index(),
        b.reset_index(),
        keys=["thema"],
        days_a=data.exposure_days(data.grid[last]),
        days_b=data.exposure_days(data.grid[before]),
    )
    verdict = protect_comparison(compared, data.disclosure).set_index("thema")["oordeel"]
    bullets = [
        f"{data.theme_labels.get(t, t)}: {verdict.get(t, TOO_FEW)} ten opzichte van de vorige "
        "periode."
        for t in themes
    ]
    bullets.append(
        f"Per periode tussen de overleggen, {len(data.grid)} periodes vanaf "
        f"{dutch.day(data.grid[0][0])}; een onderbroken lijn is een aantal dat te klein is om te "
        "tonen."
    )
    return Slide(
        kind="trends",
        title=TITLES["trends"],
        subtitle=_period_line(data),
        image_png=trend_png(data, themes, table),
        bullets=tuple(bullets),
        note=_hidden_note(data) + " " + TEST_NOTE,
    )


def slide_focus(data: PackData, verdicts: pd.DataFrame, shown: pd.DataFrame) -> Slide:
    """Build the slide of the wijk in focus."""
    code, reason = focus_wijk(data, verdicts)
    name = data.wijk_names.get(code, code)
    verdict = verdicts.set_index("wijk_code")["oordeel"].get(code, TOO_FEW)
    bullets = [reason, f"Alle signalen samen: {verdict} ten opzichte van de vorige periode."]
    table = None
    if not shown.empty:
        rows = shown[shown["wijk_code"] == code].copy()
        order = list(data.theme_labels)
        rows["_rank"] = rows["thema"].map(lambda t: order.index(t) if t in order else len(order))
        rows = rows.sort_values("_rank", kind="stable")
        rows["thema"] = rows["thema"].map(lambda t: data.theme_labels.get(t, t))
        columns = {k: v for k, v in SIGNIFICANT_COLUMNS.items() if k != "wijk"}
        table = _text_table(rows[list(columns)].rename(columns=columns))
        table, more = _capped(table, "thema's")
        bullets += more
        if table.empty:
            table = None
    return Slide(
        kind="wijk_focus",
        title=f"{TITLES['wijk_focus']}: {name}",
        subtitle=_period_line(data),
        image_png=focus_map_png(data, code),
        table=table,
        bullets=tuple(bullets),
        note=_hidden_note(data),
    )


def count_texts(counts: pd.Series, disclosure: Disclosure) -> list[str]:
    """Protected display texts of one column of protected figures: ``"<k"`` below k.

    >>> count_texts(pd.Series([12, 3, 0, 7]), Disclosure(protected=True))
    ['12', '<5', '0', '7']
    """
    values = counts.reset_index(drop=True)
    hidden = hidden_mask(values.to_frame("n"), ["n"], disclosure)["n"].to_numpy()
    return [format_count(n, h, disclosure.threshold) for n, h in zip(values, hidden, strict=True)]


def slide_interventions(data: PackData) -> Slide:
    """Build the interventions of the period per outcome (chart) and per theme (table).

    Two margins of the same total, each protected against it; their cross table is never shown.
    """
    frame = data.interventions
    subtitle = f"Gehouden van {dutch_period(data.period)}"
    if frame.empty:
        return Slide(
            kind="interventies",
            title=TITLES["interventies"],
            subtitle=subtitle,
            bullets=("Geen interventies in deze periode.",),
        )
    outcome_labels = data.settings.labels("outcomes")
    outcomes = frame.assign(uitkomst=frame["uitkomst"].fillna("onbekend"))
    per_outcome = outcomes.groupby("uitkomst", as_index=False)["count"].sum()
    order = [*outcome_labels, "onbekend"]
    per_outcome["_rank"] = per_outcome["uitkomst"].map(
        lambda u: order.index(u) if u in order else len(order)
    )
    per_outcome = per_outcome.sort_values("_rank", kind="stable").reset_index(drop=True)
    per_theme = frame.groupby("thema", as_index=False)["count"].sum()
    per_theme = per_theme.sort_values(["count", "thema"], ascending=[False, True])
    per_theme = per_theme.reset_index(drop=True)
    total = _safest_total([per_outcome["count"], per_theme["count"]], data.disclosure)
    outcome_texts = count_texts(per_outcome["count"], data.disclosure)
    image = outcome_chart_png(
        [outcome_labels.get(u, u) for u in per_outcome["uitkomst"]],
        per_outcome["count"],
        outcome_texts,
    )
    table = pd.DataFrame(
        {
            "Thema": [data.theme_labels.get(t, t) for t in per_theme["thema"]],
            "Aantal": count_texts(per_theme["count"], data.disclosure),
        }
    )
    table, more = _capped(_text_table(table), "thema's")
    table = pd.concat(
        [table, pd.DataFrame({"Thema": ["Totaal"], "Aantal": [total]})], ignore_index=True
    )
    return Slide(
        kind="interventies",
        title=TITLES["interventies"],
        subtitle=subtitle,
        image_png=image,
        table=table,
        bullets=("Links per uitkomst, rechts per thema.", *more),
        note=_hidden_note(data),
    )


def _safest_total(columns: Sequence[pd.Series], disclosure: Disclosure) -> str:
    """One total shown under several breakdowns: hidden as soon as one of them needs it."""
    labels = [total_label(c.reset_index(drop=True), disclosure) for c in columns]
    hidden = [label for label in labels if not re.fullmatch(r"[\d.]+", label)]
    return hidden[0] if hidden else labels[0]


def _without_address(title: Any, address: Any) -> str:
    """Return the item's title with its own address taken out (titles are typed by hand)."""
    text = "" if title is None else str(title)
    if isinstance(address, str) and address.strip():
        text = re.sub(re.escape(address.strip()), "[adres]", text, flags=re.IGNORECASE)
    return text


def slide_agreements(data: PackData) -> Slide:
    """Build the slide of agreed actions and their status."""
    items = data.items
    subtitle = f"Open afspraken en afspraken afgerond sinds {dutch.day(data.period[0])}"
    if items.empty:
        return Slide(
            kind="afspraken",
            title=TITLES["afspraken"],
            subtitle=subtitle,
            bullets=("Geen afspraken op de lijst.",),
        )
    place = items["wijk_naam"].fillna(items["wijk_code"]).fillna("onbekende wijk")
    if data.audience == "intern":
        rank = items["status"].map({s: i for i, s in enumerate(STATUSES)})
        ordered = items.assign(_rank=rank, _plaats=items["buurt_naam"].fillna(place))
        ordered = ordered.sort_values(
            ["_rank", "deadline", "id"], kind="stable", na_position="last"
        )
        table = pd.DataFrame(
            {
                "Nr": [str(int(i)) for i in ordered["id"]],
                "Casus": [
                    _without_address(t, a)
                    for t, a in zip(ordered["title"], ordered["adres"], strict=True)
                ],
                "Plaats": ordered["_plaats"].astype(str).tolist(),
                "Afgesproken actie": ordered["action"].fillna("").astype(str).tolist(),
                "Eigenaar": ordered["owner"].fillna("").astype(str).tolist(),
                "Deadline": [
                    "" if pd.isna(d) else dutch.day(pd.Timestamp(d)) for d in ordered["deadline"]
                ],
                "Status": ordered["status"].astype(str).tolist(),
            }
        )
        table, more = _capped(_text_table(table), "afspraken")
        return Slide(
            kind="afspraken",
            title=TITLES["afspraken"],
            subtitle=subtitle,
            table=table,
            bullets=tuple(more),
            note="Intern: casussen met wijk of buurt, zonder adressen of coördinaten.",
        )
    # beschermd: counts per wijk and status, each status column protected against its total
    present = [s for s in STATUSES if (items["status"] == s).any()]
    counts = pd.crosstab(place, items["status"]).reindex(columns=present, fill_value=0).sort_index()
    counts.index.name = "Wijk"
    counts = counts.reset_index()
    shown = counts.copy()
    for status in present:
        shown[status] = count_texts(counts[status], data.disclosure)
    totals = {s: total_label(counts[s], data.disclosure) for s in present}
    table = pd.concat([shown, pd.DataFrame([{"Wijk": "Totaal", **totals}])], ignore_index=True)
    table = _text_table(table.rename(columns={s: s.capitalize() for s in present}))
    table, more = _capped(table, "wijken")
    return Slide(
        kind="afspraken",
        title=TITLES["afspraken"],
        subtitle=subtitle,
        table=table,
        bullets=(
            "Aantal afspraken per wijk en status; de afspraken zelf staan in de "
            "afsprakenmatrix van het OOV-team.",
            *more,
        ),
        note=_hidden_note(data),
    )


def slide_accountability(data: PackData) -> Slide:
    """Build the accountability slide (sources, method, disclosure)."""
    source_labels = data.settings.labels("sources")
    sources = [
        f"{source_labels.get(s, s)} t/m {d:%d-%m-%Y}" for s, d in sorted(data.until.items()) if d
    ]
    bullets = [
        f"Periode: {dutch_period(data.period)}; vergeleken met {dutch_period(data.previous)}.",
        f"{completeness.sentence(data.data_as_of).capitalize()} (de vroegste datum waarop alle "
        "bronnen compleet zijn; vergelijkingen rekenen tot die datum).",
        "Signalen per bron: " + ("; ".join(sources) if sources else "geen") + ".",
    ]
    if data.until_interventions.get("alle"):
        bullets.append(f"Interventies t/m {data.until_interventions['alle']:%d-%m-%Y}.")
    bullets += [
        f"Gebiedsindeling: CBS wijken en buurten {data.edition}.",
        disclosure_note(data.disclosure),
        METHOD_NOTE,
        LOCATION_NOTE,
        f"Gemaakt op {dutch.long_date(data.made_on)} voor {AUDIENCE_LABELS[data.audience]}.",
    ]
    return Slide(
        kind="verantwoording",
        title=TITLES["verantwoording"],
        subtitle=f"{data.meeting.label} {dutch.long_date(data.meeting_date)}",
        bullets=tuple(bullets),
    )


# --- the registry of slide kinds ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SlideContext:
    """The data of one pack and the shared tables, each computed once and only when asked."""

    data: PackData

    @cached_property
    def themes(self) -> list[str]:
        """The meeting's main themes (``choices.main_themes``)."""
        return main_themes(self.data)

    @cached_property
    def verdicts(self) -> pd.DataFrame:
        """The verdict per wijk (``choices.wijk_verdicts``)."""
        return wijk_verdicts(self.data)

    @cached_property
    def shown(self) -> pd.DataFrame:
        """The protected comparison per wijk and theme (``choices.wijk_theme_comparison``)."""
        return wijk_theme_comparison(self.data)[1]


@dataclass(frozen=True)
class SlideKind:
    """A slide kind: its Dutch title and its builder."""

    title: str
    build: Callable[[SlideContext], Slide]


# Keyed by the codes of ``config.SLIDE_KINDS``; the title slide carries the meeting's name, the
# wijk in focus its wijk's name after the colon.
REGISTRY: dict[str, SlideKind] = {
    "titel": SlideKind("", lambda c: slide_title(c.data)),
    "kaart_themas": SlideKind("Hoofdthema's per wijk", lambda c: slide_theme_map(c.data, c.themes)),
    "veranderingen": SlideKind(
        "Significante veranderingen per wijk",
        lambda c: slide_changes(c.data, c.verdicts, c.shown),
    ),
    "trends": SlideKind("Ontwikkeling per thema", lambda c: slide_trends(c.data, c.themes)),
    "wijk_focus": SlideKind("Wijk in beeld", lambda c: slide_focus(c.data, c.verdicts, c.shown)),
    "interventies": SlideKind(
        "Interventies sinds het vorige overleg", lambda c: slide_interventions(c.data)
    ),
    "afspraken": SlideKind("Afspraken en hun status", lambda c: slide_agreements(c.data)),
    "verantwoording": SlideKind("Verantwoording", lambda c: slide_accountability(c.data)),
}
if tuple(REGISTRY) != SLIDE_KINDS:  # fail loudly: a kind without builder or the reverse
    raise ImportError(
        f"slide registry {tuple(REGISTRY)} does not match config.SLIDE_KINDS {SLIDE_KINDS}"
    )

# Dutch slide titles per kind, read from the registry.
TITLES = {kind: entry.title for kind, entry in REGISTRY.items()}
