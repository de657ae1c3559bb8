"""Roles, pages and actions (access.py): pure, no store, no Streamlit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from oovgeo import access
from oovgeo.access import Identity
from oovgeo.config import ConfigError


def who(role: str) -> Identity:
    return Identity("t", role, "local", datetime.now(UTC))


def test_every_listed_role_has_a_label_and_protected_roles_exist():
    assert set(access.ROLE_LABELS) == set(access.ROLES)
    assert access.PROTECTED_ROLES <= set(access.ROLES)


@pytest.mark.parametrize("role", [*access.ROLES, "", "hacker"])
def test_may_takes_an_identity_or_a_bare_role(role):
    for action in access.ACTION_ROLES:
        assert access.may(who(role), action) == access.may(role, action)
    for page in access.PAGES:
        assert access.may_open(who(role), page) == access.may_open(role, page)


def test_unknown_roles_actions_and_pages_are_refused():
    assert not access.may("hacker", "import")
    assert not access.may("beheerder", "fly")
    assert not access.may_open("beheerder", "geheim")
    assert not access.may(None, "view_points")


def test_require_fails_closed():
    access.require(who("beheerder"), "view_audit")
    with pytest.raises(access.AccessDenied, match="geen toegang"):
        access.require(who("analist"), "view_audit")
    with pytest.raises(access.AccessDenied):
        access.require(None, "view_points")


def test_protected_identities():
    assert who("manager").protected and who("presentatie").protected
    assert not who("analist").protected


def test_cli_identity_is_a_beheerder():
    me = access.cli_identity()
    assert me.role == "beheerder" and me.method == "cli" and me.name.startswith("cli:")


def test_role_map_with_an_unknown_role_is_refused_in_dutch():
    access.check_role_map({"OOV-beheer": "beheerder"})
    with pytest.raises(ConfigError, match="onbekende rol"):
        access.check_role_map({"OOV-beheer": "superuser"})


def test_every_page_role_is_a_known_role_and_every_page_file_exists():
    root = Path(__file__).resolve().parents[1]
    for name, page in access.PAGES.items():
        assert page.roles <= set(access.ROLES), name
        assert (root / page.path).is_file(), page.path
