"""The only Streamlit package: ``frame()`` for every page, navigation, identity, loaders.

Every page file starts with ``ctx = frame(page="...")``. ``frame`` stops the page before any
data access when nobody may see it, draws the navigation for the user's role and returns
the settings, the store and the identity.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from oovgeo import operations as ops
from oovgeo.config import ConfigError, Settings, load_settings
from oovgeo.static_assets import ensure_static, use_local_assets

ROOT = Path(__file__).resolve().parents[3]

ROLES = ("beheerder", "coordinator", "analist", "manager", "presentatie")


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the app folder, as st.page_link wants it
    label: str
    icon: str
    roles: frozenset[str]


PAGES: dict[str, PageInfo] = {
    "start": PageInfo("app.py", "Start", ":material/home:", frozenset(ROLES)),
    "data": PageInfo(
        "pages/1_Gegevens.py", "Gegevens", ":material/upload_file:", frozenset({"beheerder"})
    ),
}


@dataclass(frozen=True)
class Identity:
    name: str
    role: str
    development: bool = False


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    identity: Identity


def _loopback(address: str | None) -> bool:
    if not address or address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def development_identity(
    settings: Settings, env=os.environ, address: str | None = None
) -> Identity | None:
    """The stand-in identity used until real login exists, or None.

    Three locks, so it cannot be switched on by accident in production: the environment must
    ask for it (``oovgeo serve`` does, unless ``--productie``), the configuration must not
    say ``auth.production = true``, and the server must listen on a loopback address only.
    """
    if env.get("OOVGEO_DEV_IDENTITY") != "1" or settings.get("auth.production"):
        return None
    if not _loopback(address):
        return None
    role = env.get("OOVGEO_DEV_ROLE", "beheerder")
    return Identity(name="ontwikkelaar", role=role if role in ROLES else "", development=True)


def _navigation(identity: Identity) -> None:
    st.sidebar.markdown("### oovgeo")
    for info in PAGES.values():
        if identity.role in info.roles:
            st.sidebar.page_link(info.path, label=info.label, icon=info.icon)
    suffix = " (ontwikkelmodus)" if identity.development else ""
    st.sidebar.caption(f"Ingelogd als {identity.name}, rol {identity.role}{suffix}")


def frame(page: str) -> Context:
    """Check access, draw the navigation; stop the page when access is not allowed."""
    st.set_page_config(page_title="oovgeo", page_icon=":material/map:", layout="wide")
    try:
        settings = load_settings()
    except ConfigError as exc:
        st.error(f"De configuratie is niet in orde: {exc}")
        st.stop()
    identity = development_identity(settings, address=st.get_option("server.address"))
    if identity is None:
        st.error(
            "Niet ingelogd. Inloggen is nog niet beschikbaar in deze versie; start de app "
            "lokaal met `oovgeo serve`."
        )
        st.stop()
    info = PAGES[page]
    if identity.role not in info.roles:
        st.error("Deze pagina is niet beschikbaar voor uw rol.")
        st.stop()
    _navigation(identity)
    if settings.get("maps.assets") == "local":
        ensure_static(ROOT / "static")
        use_local_assets()
    return Context(settings=settings, engine=ops.open_store(settings), identity=identity)
