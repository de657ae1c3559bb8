"""The shared filters (period, themes, sources) in the sidebar.

Streamlit's pages/ mode forgets widget values on a page switch, so the chosen values live
under plain session keys (registered in ``ui.state``), and each widget is seeded from them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

from oovgeo.analysis.aggregate import Filters
from oovgeo.analysis.periods import four_week_blocks
from oovgeo.config import Settings
from oovgeo.ui import state

# Period presets: label -> function(end) -> (start, end); ``end`` is the completeness date
PERIODS = {
    "Laatste 4 weken": lambda t: (t - timedelta(days=27), t),
    "Laatste 6 weken": lambda t: (t - timedelta(days=41), t),
    "Laatste 3 maanden": lambda t: (t - timedelta(days=90), t),
    "Laatste 12 maanden": lambda t: (t - timedelta(days=364), t),
    "Dit jaar": lambda t: (date(t.year, 1, 1), t),
    "Vorig jaar": lambda t: (date(t.year - 1, 1, 1), date(t.year - 1, 12, 31)),
}
CUSTOM = "Eigen periode"
DEFAULT_PERIOD = "Laatste 4 weken"


def _remember(widget_key: str, name: str) -> None:
    state.put(name, st.session_state[widget_key])


def _block_filters(box, today: date) -> tuple[date, date]:
    blocks = four_week_blocks(today)
    labels = [f"{s:%d-%m-%Y} t/m {e:%d-%m-%Y}" for s, e in blocks]
    chosen = state.get("filter_block") or labels[0]
    box.selectbox(
        "Periode (blokken van 4 weken)",
        labels,
        index=labels.index(chosen) if chosen in labels else 0,
        key="w_block",
        on_change=_remember,
        args=("w_block", "filter_block"),
    )
    return blocks[labels.index(state.get("filter_block") or labels[0])]


def sidebar_filters(
    settings: Settings,
    today: date | None = None,
    *,
    protected: bool = False,
    until: Callable[[tuple[str, ...]], date] | None = None,
) -> Filters:
    """Draw the filters in the sidebar and return them (signals; callers change ``kind``).

    ``until(sources)`` gives the completeness date of the chosen sources: the period presets
    end there and a chosen period is cut off there, so no undelivered day counts as a day
    without signals. Protected audiences get the four-week blocks complete by then.
    """
    today = today or date.today()
    period_box = st.sidebar.container()  # the period comes first on screen, last in code
    themes, sources = _themes_and_sources(settings)
    end_date = min(until(sources), today) if until else today
    if protected:
        start, end = _block_filters(period_box, end_date + timedelta(days=1))
    else:
        start, end = _chosen_period(period_box, today, end_date)
    if start > end_date:
        period_box.warning(
            f"De gekozen periode begint na {end_date:%d-%m-%Y}, de laatste dag met volledige "
            "gegevens; getoond worden de laatste 4 weken daarvoor."
        )
        start, end = PERIODS[DEFAULT_PERIOD](end_date)
    return Filters(start=start, end=min(end, end_date), themes=themes, sources=sources)


def _chosen_period(box, today: date, end_date: date) -> tuple[date, date]:
    options = [*PERIODS, CUSTOM]
    period = state.get("filter_period") or DEFAULT_PERIOD
    box.selectbox(
        "Periode",
        options,
        index=options.index(period) if period in options else 0,
        key="w_period",
        on_change=_remember,
        args=("w_period", "filter_period"),
    )
    period = state.get("filter_period") or period
    if period == CUSTOM:
        chosen = (
            state.get("filter_range")
            if state.is_set("filter_range")
            else PERIODS[DEFAULT_PERIOD](end_date)
        )
        box.date_input(
            "Van - tot en met",
            value=chosen,
            max_value=today,
            format="DD-MM-YYYY",
            key="w_range",
            on_change=_remember,
            args=("w_range", "filter_range"),
        )
        chosen = state.get("filter_range") if state.is_set("filter_range") else chosen
        return (chosen[0], chosen[-1]) if chosen else PERIODS[DEFAULT_PERIOD](end_date)
    return PERIODS[period](end_date)


def _themes_and_sources(settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    themes = settings.labels("themes")
    st.sidebar.multiselect(
        "Thema's (leeg = alle)",
        list(themes),
        default=state.get("filter_themes"),
        format_func=themes.get,
        key="w_themes",
        on_change=_remember,
        args=("w_themes", "filter_themes"),
    )
    sources = settings.labels("sources")
    st.sidebar.multiselect(
        "Bronnen (leeg = alle)",
        list(sources),
        default=state.get("filter_sources"),
        format_func=sources.get,
        key="w_sources",
        on_change=_remember,
        args=("w_sources", "filter_sources"),
    )
    return tuple(state.get("filter_themes")), tuple(state.get("filter_sources"))
