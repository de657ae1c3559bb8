"""The "Hoe lees ik dit?" note beside protected figures (P3)."""

from __future__ import annotations

import streamlit as st

from oovgeo.privacy import Disclosure
from oovgeo.vocab import protection_note


def how_to_read(disclosure: Disclosure) -> None:
    """Show the method note under an expander; nothing for exact (core team) figures."""
    if not disclosure.protected:
        return
    with st.expander("Hoe lees ik dit? (afgeschermde cijfers)"):
        st.markdown(
            protection_note(disclosure.threshold, disclosure.perturbation).removeprefix(
                "Hoe lees ik dit? "
            )
        )
