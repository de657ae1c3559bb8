"""Roles, and which role may open which page and do which action (A2, A3, A5).

Pure: no store, no Streamlit. Both the store (``store/records.py`` checks ``require`` before
returning point data) and the UI (navigation, page guards) read these tables. Everything
defaults to no access: a role, page or action that is not listed is refused.

Example
-------
>>> may("analist", "view_exact_figures"), may("manager", "view_exact_figures")
(True, False)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from oovgeo.config import ConfigError

ROLES = ("beheerder", "coordinator", "analist", "manager", "presentatie")
ROLE_LABELS = {
    "beheerder": "Beheerder",
    "coordinator": "Coördinator interventies",
    "analist": "Analist / beleid",
    "manager": "Manager",
    "presentatie": "Presentatie (partneroverleg)",
}
# Roles that only ever see protected aggregates (A4, P3).
PROTECTED_ROLES = frozenset({"manager", "presentatie"})

_ALL = frozenset(ROLES)
_STAFF = frozenset({"beheerder", "coordinator", "analist", "manager"})
_TEAM = frozenset({"beheerder", "coordinator"})
_ADMIN = frozenset({"beheerder"})


@dataclass(frozen=True)
class Page:
    """A page of the app: its file, label and icon, and the roles that may open it."""

    path: str  # relative to the app folder, as st.page_link wants it
    label: str
    icon: str
    roles: frozenset[str]


# The one page registry, in navigation order: the UI draws its menu from it and the guards
# read its roles. A page missing here is open to nobody.
PAGES: dict[str, Page] = {
    "start": Page("app.py", "Start", ":material/home:", _ALL),
    "kaart": Page("pages/3_Kaart.py", "Kaart", ":material/map:", _ALL),
    "trends": Page("pages/4_Trends.py", "Trends", ":material/show_chart:", _STAFF),
    "vergelijken": Page(
        "pages/5_Vergelijken.py", "Vergelijken", ":material/compare_arrows:", _STAFF
    ),
    "doelen": Page("pages/6_Doelen.py", "Doelen", ":material/target:", _TEAM),
    "interventies": Page("pages/7_Interventies.py", "Interventies", ":material/task_alt:", _TEAM),
    "data": Page("pages/1_Gegevens.py", "Gegevens", ":material/upload_file:", _ADMIN),
    "audit": Page("pages/2_Audit.py", "Audit en toegang", ":material/policy:", _ADMIN),
    "presentatie": Page("pages/8_Presentatie.py", "Presentatie", ":material/slideshow:", _ALL),
}
# Which role may do which action; an action missing here is allowed to nobody.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "view_exact_figures": frozenset({"beheerder", "coordinator", "analist"}),
    "view_points": frozenset({"beheerder", "coordinator"}),
    "import": frozenset({"beheerder"}),
    "export_quarantine": frozenset({"beheerder"}),
    "view_audit": frozenset({"beheerder"}),
    "manage_users": frozenset({"beheerder"}),
}


class AccessDenied(PermissionError):
    """The identity's role may not do this (message in Dutch)."""


@dataclass(frozen=True)
class Identity:
    """Who is logged in: name, role, how they logged in ('local', 'oidc', 'cli') and when."""

    name: str
    role: str
    method: str  # 'local' | 'oidc' | 'cli'
    logged_in_at: datetime

    @property
    def protected(self) -> bool:
        """Whether this identity sees only protected aggregates."""
        return self.role in PROTECTED_ROLES


def cli_identity() -> Identity:
    """Whoever runs the ``oovgeo`` command: shell access to the server means full access."""
    name = os.environ.get("SUDO_USER") or os.environ.get("USER") or "cli"
    return Identity(
        name=f"cli:{name}", role="beheerder", method="cli", logged_in_at=datetime.now(UTC)
    )


def _role(who: Identity | str | None) -> str | None:
    return who.role if isinstance(who, Identity) else who


def may_open(who: Identity | str | None, page: str) -> bool:
    """Whether an identity (or a bare role) may open ``page``."""
    entry = PAGES.get(page)
    return entry is not None and _role(who) in entry.roles


def may(who: Identity | str | None, action: str) -> bool:
    """Whether an identity (or a bare role) may do ``action``."""
    return _role(who) in ACTION_ROLES.get(action, frozenset())


def require(identity: Identity | None, action: str) -> None:
    """Raise ``AccessDenied`` unless ``identity`` may do ``action``; data functions call this."""
    if identity is None or not may(identity, action):
        raise AccessDenied("U heeft geen toegang tot deze gegevens.")


def check_role_map(role_map: dict[str, str]) -> None:
    """Refuse an OIDC group -> role map (``auth.oidc_role_map``) naming an unknown role.

    >>> check_role_map({"oov-beheer": "beheerder"})
    >>> check_role_map({"mt": "baas"})
    Traceback (most recent call last):
    oovgeo.config.ConfigError: instelling auth.oidc_role_map: onbekende rol(len) {'mt': 'baas'}
    """
    bad = {g: r for g, r in role_map.items() if r not in ROLES}
    if bad:
        raise ConfigError(f"instelling auth.oidc_role_map: onbekende rol(len) {bad}")
