"""Local accounts, passwords, lockout, OIDC role mapping and session expiry (services/auth.py).

The users/audit/purge commands are tested in tests/test_cli.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from oovgeo.access import Identity
from oovgeo.services import auth
from oovgeo.store import schema

GOOD = "Lange-zin met 4 woorden!"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Kort1!", "minstens 12"),
        ("Welkom01welkom!", "veelgebruikt"),
        ("alleenkleineletters", "drie soorten"),
        ("jan.jansen-Geheim1", "gebruikersnaam"),
        ("aaaaaaaaaaaaaaaaaaaaaaaa", "dezelfde tekens"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert any(problem in p for p in auth.password_problems("jan.jansen", password))


@pytest.mark.parametrize("password", [GOOD, "correct paard batterij nietje", "Xk7#pQ2!vL9@"])
def test_reasonable_passwords_pass(password):
    assert auth.password_problems("jan", password) == []


def test_accounts_roles_and_audit(store):
    engine, _ = store
    auth.add_user(engine, "Jan", GOOD, "analist", actor="test")
    with pytest.raises(auth.AccountError, match="bestaat al"):
        auth.add_user(engine, "jan", GOOD, "analist", actor="test")
    with pytest.raises(auth.AccountError, match="te zwak"):
        auth.add_user(engine, "piet", "wachtwoord", "analist", actor="test")
    with pytest.raises(auth.AccountError, match="onbekende rol"):
        auth.add_user(engine, "piet", GOOD, "superuser", actor="test")
    who = auth.authenticate(engine, "JAN ", GOOD, origin="test")
    assert who is not None and who.name == "jan" and who.role == "analist"
    auth.set_role(engine, "jan", "manager", actor="test")
    assert auth.authenticate(engine, "jan", GOOD, origin="test").role == "manager"
    auth.set_active(engine, "jan", False, actor="test")
    assert auth.authenticate(engine, "jan", GOOD, origin="test") is None
    review = auth.access_review(engine)
    assert review.loc[0, "rol"] == "manager" and review.loc[0, "actief"] == "nee"
    assert "role_change" in review.loc[0, "wijzigingen"]
    with engine.connect() as conn:
        stored = conn.execute(select(schema.users.c.password_hash)).scalar_one()
        log = " ".join(str(r) for r in conn.execute(select(schema.audit_log)).all())
    assert stored.startswith("$argon2") and GOOD not in stored
    assert GOOD not in log  # never a password in the audit log


def test_five_failed_logins_block_the_account_for_a_while(sqlite_store):
    engine, _ = sqlite_store
    auth.add_user(engine, "jan", GOOD, "analist", actor="test")
    start = datetime.now(UTC)
    for i in range(auth.FAILED_LOGIN_LIMIT):
        assert auth.authenticate(engine, "jan", f"fout{i}", origin="t", now=start) is None
    assert auth.authenticate(engine, "jan", GOOD, origin="t", now=start) is None  # blocked
    later = start + auth.FAILED_LOGIN_WINDOW + timedelta(minutes=1)
    assert auth.authenticate(engine, "jan", GOOD, origin="t", now=later) is not None
    with engine.connect() as conn:
        results = (
            conn.execute(
                select(schema.audit_log.c.result).where(schema.audit_log.c.action == "login")
            )
            .scalars()
            .all()
        )
    assert results == ["mislukt"] * 5 + ["geblokkeerd", "ok"]


def test_unknown_user_is_refused_and_audited(sqlite_store):
    engine, _ = sqlite_store
    assert auth.authenticate(engine, "niemand", GOOD, origin="t") is None
    with engine.connect() as conn:
        row = conn.execute(select(schema.audit_log)).one()
    assert (row.action, row.object, row.result) == ("login", "niemand", "mislukt")


def test_oidc_roles_from_groups():
    mapping = {"OOV-beheer": "beheerder", "OOV-analyse": "analist", "MT": "manager"}
    assert auth.oidc_role({"groups": ["MT", "OOV-analyse"]}, "groups", mapping) == "analist"
    assert auth.oidc_role({"groups": "OOV-beheer"}, "groups", mapping) == "beheerder"
    assert auth.oidc_role({"groups": ["iedereen"]}, "groups", mapping) is None
    assert auth.oidc_role({}, "groups", mapping) is None


def test_session_expiry():
    who = Identity("jan", "analist", "local", datetime(2026, 1, 1, 8, tzinfo=UTC))
    assert not auth.session_expired(who, datetime(2026, 1, 1, 15, 59, tzinfo=UTC), 8)
    assert auth.session_expired(who, datetime(2026, 1, 1, 16, 1, tzinfo=UTC), 8)
