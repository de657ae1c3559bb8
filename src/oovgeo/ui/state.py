"""Every session key of the app and its default: the one registry of ``st.session_state``.

Pages, views and the frame read and write session values through :func:`get`, :func:`put`
and :func:`clear` with a short name from :data:`KEYS`; nobody writes a literal key. The
stored key names are stable: tests seed some of them (for example the logged-in identity).
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

# short name -> (session key, default). A mutable default is copied on first use.
KEYS: dict[str, tuple[str, Any]] = {
    # ui.frame: login, expiry notice, presentation lock
    "identity": ("oovgeo_identity", None),
    "expired": ("oovgeo_session_expired", False),
    "presenting": ("oovgeo_presenting", None),
    # ui.filters: the sidebar choices (pages/ mode forgets widget values on a page switch)
    "filter_period": ("oovgeo_filter_period", None),
    "filter_range": ("oovgeo_filter_range", None),
    "filter_themes": ("oovgeo_filter_themes", []),
    "filter_sources": ("oovgeo_filter_sources", []),
    "filter_block": ("oovgeo_filter_block", None),
    # Gegevens: the report of the last import
    "import_report": ("import_report", None),
    # Kaart: the area whose profile is shown
    "kaart_selected": ("oovgeo_kaart_selected", None),
    # Doelen: the selected place and the shortlist versions this user saw (D2)
    "doelen_selected": ("oovgeo_doelen_selected", None),
    "doelen_seen": ("oovgeo_doelen_seen_versions", {}),
    # Interventies: versions the forms were opened at, the flash message, a refused change
    "interventies_seen": ("oovgeo_interventies_seen_versions", {}),
    "interventies_flash": ("oovgeo_interventies_flash", None),
    "interventies_conflict": ("oovgeo_interventies_conflict", None),
    # Presentatie: the pack of this session and the slide shown
    "pack": ("oovgeo_presentatie_pack", None),
    "slide": ("oovgeo_presentatie_slide", 0),
}


def key(name: str) -> str:
    """Return the session key of ``name``."""
    return KEYS[name][0]


def get(name: str) -> Any:
    """Return the value of ``name``, or its default when it is not set."""
    session_key, default = KEYS[name]
    return st.session_state.get(session_key, copy.copy(default))


def setdefault(name: str) -> Any:
    """Return the value of ``name``, storing its default first when it is not set."""
    session_key, default = KEYS[name]
    if session_key not in st.session_state:
        st.session_state[session_key] = copy.copy(default)
    return st.session_state[session_key]


def put(name: str, value: Any) -> None:
    """Store ``value`` under ``name``."""
    st.session_state[key(name)] = value


def clear(name: str) -> Any:
    """Remove ``name`` from the session and return what it held (or its default)."""
    session_key, default = KEYS[name]
    return st.session_state.pop(session_key, copy.copy(default))


def is_set(name: str) -> bool:
    """Tell whether ``name`` holds a value in this session."""
    return key(name) in st.session_state
