"""The only Streamlit package: ``frame()`` for every page, login, navigation.

Every page file starts with ``ctx = frame(page="...")``. ``frame`` shows the login and stops
the page before any data access when nobody is logged in (A1), stops it when the role may not
open the page (A3), draws the navigation with only the role's pages and returns the settings,
the store and the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from oovgeo import access
from oovgeo.config import ConfigError, Settings, load_settings
from oovgeo.services import auth
from oovgeo.services import operations as ops
from oovgeo.static_assets import ensure_static, use_local_assets
from oovgeo.store.db import Engine
from oovgeo.ui import state

ROOT = Path(__file__).resolve().parents[3]

# The login key, for tests that seed a logged-in session (ui.state owns every key).
IDENTITY_KEY = state.key("identity")
# "presenting" is set while the session presents a meeting pack: every page leads back to the
# presentation, and only a new login leaves it (the screen may be left unattended in a room).


# The page registry lives in access (paths, labels, icons and roles in one table).
PAGES = access.PAGES


@dataclass(frozen=True)
class Context:
    """The settings, store engine and identity of the current session."""

    settings: Settings
    engine: Engine
    identity: access.Identity

    def audit(self, action: str, obj: str, **detail) -> None:
        """Record something this user did (export, view of point data)."""
        auth.record_event(
            self.engine, self.identity, action, obj, origin=origin(), detail=detail or None
        )


def origin() -> str:
    """Where the request comes from, for the audit log."""
    ip = getattr(st.context, "ip_address", None)
    return f"app {ip}" if ip else "app"


def _oidc_identity(settings: Settings) -> access.Identity | None:
    if not st.user.is_logged_in:
        return None
    known = state.get("identity")
    if known is not None:
        return known
    claims = st.user.to_dict()
    role = auth.oidc_role(
        claims, settings.get("auth.oidc_roles_claim"), settings.get("auth.oidc_role_map")
    )
    name = str(claims.get("email") or claims.get("sub") or "?")
    identity = access.Identity(
        name=name, role=role or "", method="oidc", logged_in_at=datetime.now(UTC)
    )
    engine = ops.open_store(settings)
    auth.record_event(
        engine, identity, "login", name, origin=origin(), result="ok" if role else "geen_rol"
    )
    state.put("identity", identity)
    return identity


def current_identity(settings: Settings) -> access.Identity | None:
    """Return the logged-in identity, or None (also when the session has expired)."""
    if settings.get("auth.mode") == "oidc":
        identity = _oidc_identity(settings)
    else:
        identity = state.get("identity")
    if identity is None:
        return None
    if auth.session_expired(identity, datetime.now(UTC), settings.get("auth.session_hours")):
        auth.record_event(
            ops.open_store(settings), identity, "session_expired", identity.name, origin=origin()
        )
        state.clear("identity")
        state.put("expired", True)
        if identity.method == "oidc":
            st.logout()
        return None
    return identity


def _login(settings: Settings) -> None:
    """Show the login screen; touches the store only when a login is submitted."""
    st.title("oovgeo · inloggen")
    if state.clear("expired"):
        st.info("Uw sessie is verlopen. Log opnieuw in.")
    if settings.get("auth.mode") == "oidc":
        if st.button("Inloggen met het gemeenteaccount"):
            st.login()
        return
    with st.form("login"):
        username = st.text_input("Gebruikersnaam")
        password = st.text_input("Wachtwoord", type="password")
        submitted = st.form_submit_button("Inloggen")
    if not submitted:
        return
    engine = ops.open_store(settings)
    identity = auth.authenticate(engine, username, password, origin=origin())
    if identity is not None:
        state.put("identity", identity)
        st.rerun()
    if auth.user_count(engine) == 0:
        st.error(
            "Er zijn nog geen gebruikers. Maak een beheerder aan met "
            "`oovgeo users add NAAM --rol beheerder`."
        )
    else:
        st.error(
            "Onjuiste gebruikersnaam of wachtwoord, of het account is (tijdelijk) geblokkeerd."
        )


def _logout(settings: Settings, identity: access.Identity) -> None:
    auth.record_event(ops.open_store(settings), identity, "logout", identity.name, origin=origin())
    state.clear("identity")
    if identity.method == "oidc":
        st.logout()


def start_presentation(meeting: str, on: str) -> None:
    """Lock this session into presenting ``meeting`` of date ``on`` (ISO)."""
    state.put("presenting", {"meeting": meeting, "date": on})


def presenting() -> dict | None:
    """Return the presentation state, or None when not presenting."""
    return state.get("presenting")


def end_presentation(settings: Settings, identity: access.Identity) -> None:
    """Leave the presentation by logging out: the normal view comes back after a login."""
    state.clear("presenting")
    _logout(settings, identity)


# No sidebar, no menu, large type: the screen shows the slide and nothing to click through.
_PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="collapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stElementToolbar"] {display: none !important;}
.block-container {padding-top: 1.5rem; max-width: 100% !important;}
.block-container p, .block-container li {font-size: 1.5rem; line-height: 1.45;}
.block-container td, .block-container th {font-size: 1.2rem;}
</style>
"""


def _navigation(settings: Settings, identity: access.Identity) -> None:
    st.sidebar.markdown("### oovgeo")
    for page, info in PAGES.items():
        if access.may_open(identity.role, page):
            st.sidebar.page_link(info.path, label=info.label, icon=info.icon)
    st.sidebar.caption(
        f"Ingelogd als {identity.name} ({access.ROLE_LABELS.get(identity.role, identity.role)})"
    )
    st.sidebar.button("Uitloggen", on_click=_logout, args=(settings, identity))


def frame(page: str) -> Context:
    """Check login and role, draw the navigation; stop the page when access is not allowed."""
    st.set_page_config(page_title="oovgeo", page_icon=":material/map:", layout="wide")
    try:
        settings = load_settings()
        access.check_role_map(settings.oidc_role_map)  # role names live in access, not config
    except ConfigError as exc:
        st.error(f"De configuratie is niet in orde: {exc}")
        st.stop()
    identity = current_identity(settings)
    if identity is None:
        _login(settings)
        st.stop()
    if presenting() is not None:
        if page != "presentatie":
            st.switch_page(PAGES["presentatie"].path)
        st.html(_PRESENTATION_CSS)
    elif not access.may_open(identity.role, page):
        st.error("Deze pagina is niet beschikbaar voor uw rol.")
        _navigation(settings, identity)
        st.stop()
    else:
        _navigation(settings, identity)
    if settings.get("maps.assets") == "local":
        ensure_static(ROOT / "static")
        use_local_assets()
    return Context(settings=settings, engine=ops.open_store(settings), identity=identity)
