"""Local accounts, passwords, login and sessions (A2, A5, A7).

Local accounts keep argon2 password hashes in the store (``store/users_repo.py``); with
OpenID Connect the identity provider authenticates and ``oidc_role`` maps its claims to a
role. Roles and who may do what are in ``oovgeo.access``. Every change and every login
attempt is audited in the same transaction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from oovgeo import dutch
from oovgeo.access import ROLES, Identity, check_role_map
from oovgeo.store import audit, users_repo
from oovgeo.store.db import Engine, writing

MIN_PASSWORD_LENGTH = 12
FAILED_LOGIN_LIMIT = 5  # failed attempts per account ...
FAILED_LOGIN_WINDOW = timedelta(minutes=15)  # ... within this window block further tries
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# A few passwords every attacker tries first; the length rule catches most others.
_COMMON = {
    "wachtwoord",
    "password",
    "welkom",
    "welkom01",
    "welkom123",
    "qwerty",
    "123456",
    "gemeente",
    "vlaardingen",
    "oovgeo",
    "admin",
    "beheerder",
    "geheim",
    "zomer",
    "winter",
}

_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal valid names.
_DUMMY_HASH = _hasher.hash("oovgeo-dummy-password-for-timing")


class AccountError(ValueError):
    """A user-management request is invalid (message in Dutch)."""


def session_expired(identity: Identity, now: datetime, hours: float) -> bool:
    """Whether a login made at ``identity.logged_in_at`` is older than ``hours`` at ``now``."""
    return now - identity.logged_in_at > timedelta(hours=hours)


def oidc_role(claims: dict, claim: str, role_map: dict[str, str]) -> str | None:
    """Find the role of an OpenID Connect user from a claim holding one group or a list.

    With several matching groups the role with the most rights wins (order of ``ROLES``);
    no match means no access. A map naming an unknown role raises ``ConfigError``
    (``access.check_role_map``).

    >>> oidc_role({"groups": ["oov-analisten", "iedereen"]}, "groups",
    ...           {"oov-analisten": "analist", "oov-beheer": "beheerder"})
    'analist'
    """
    check_role_map(role_map)
    value = claims.get(claim)
    groups = [value] if isinstance(value, str) else list(value or [])
    roles = {role_map[g] for g in groups if g in role_map and role_map[g] in ROLES}
    return next((r for r in ROLES if r in roles), None)


# --------------------------------------------------------------------------- accounts


def password_problems(username: str, password: str) -> list[str]:
    """Why a password is too weak (empty list = acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"minstens {MIN_PASSWORD_LENGTH} tekens")
    lowered = password.lower()
    if any(word in lowered for word in _COMMON) and len(password) < 16:
        problems.append("geen veelgebruikt woord (of gebruik een zin van 16+ tekens)")
    if username and username.lower() in lowered:
        problems.append("mag de gebruikersnaam niet bevatten")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]"))
    if classes < 3 and len(password) < 20:
        problems.append(
            "drie soorten tekens (kleine letters, hoofdletters, cijfers, leestekens) "
            "of minstens 20 tekens"
        )
    if len(set(password)) < 5:
        problems.append("niet steeds dezelfde tekens")
    return problems


def _known_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"onbekende rol '{role}'; kies uit {', '.join(ROLES)}")


def add_user(engine: Engine, username: str, password: str, role: str, *, actor: str) -> None:
    """Create an active local account after checking name, role and password strength."""
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise AccountError("gebruikersnaam: 2-64 tekens, kleine letters, cijfers, . _ of -")
    _known_role(role)
    problems = password_problems(username, password)
    if problems:
        raise AccountError("wachtwoord te zwak: " + "; ".join(problems))
    with writing(engine) as conn:
        if users_repo.get_user(conn, username) is not None:
            raise AccountError(f"gebruiker '{username}' bestaat al")
        users_repo.insert_user(conn, username, _hasher.hash(password), role, datetime.now(UTC))
        audit.record(conn, actor=actor, action="user_add", obj=username, detail={"rol": role})


def _existing(conn, username: str):
    row = users_repo.get_user(conn, username)
    if row is None:
        raise AccountError(f"gebruiker '{username}' bestaat niet")
    return row


def set_role(engine: Engine, username: str, role: str, *, actor: str) -> None:
    """Give an account another role."""
    _known_role(role)
    with writing(engine) as conn:
        row = _existing(conn, username)
        users_repo.update_user(conn, row.id, role=role)
        audit.record(
            conn,
            actor=actor,
            action="role_change",
            obj=username,
            detail={"van": row.role, "naar": role},
        )


def set_active(engine: Engine, username: str, active: bool, *, actor: str) -> None:
    """Block (``active=False``) or unblock an account."""
    with writing(engine) as conn:
        row = _existing(conn, username)
        users_repo.update_user(conn, row.id, active=active)
        audit.record(
            conn, actor=actor, action="user_enable" if active else "user_disable", obj=username
        )


def user_count(engine: Engine) -> int:
    """How many local accounts exist."""
    return users_repo.count_users(engine)


def list_users(engine: Engine) -> list[dict]:
    """Name, role, active, created_at and last_login of every account."""
    return users_repo.list_users(engine)


def _recent_failures(conn, username: str, now: datetime) -> int:
    since = now - FAILED_LOGIN_WINDOW
    rows = audit.recent_results(conn, "login", username, FAILED_LOGIN_LIMIT)
    failures = 0
    for at, result in rows:  # consecutive failures, newest first, inside the window
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        if result == "ok" or at < since:
            break
        failures += 1
    return failures


def authenticate(
    engine: Engine, username: str, password: str, *, origin: str, now: datetime | None = None
) -> Identity | None:
    """Check a local account's password; audit the attempt; return the identity or None."""
    now = now or datetime.now(UTC)
    username = username.strip().lower()[:64]
    with writing(engine) as conn:
        if _recent_failures(conn, username, now) >= FAILED_LOGIN_LIMIT:
            audit.record(
                conn,
                actor=username or "?",
                action="login",
                obj=username,
                result="geblokkeerd",
                origin=origin,
            )
            return None
        row = users_repo.get_user(conn, username)
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
            ok = row is not None and row.active
        except (VerificationError, InvalidHashError):
            ok = False
        if row is None or not ok:
            audit.record(
                conn,
                actor=username or "?",
                action="login",
                obj=username,
                result="mislukt",
                origin=origin,
            )
            return None
        values: dict[str, object] = {"last_login": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        users_repo.update_user(conn, row.id, **values)
        audit.record(conn, actor=username, action="login", obj=username, origin=origin)
    return Identity(name=username, role=row.role, method="local", logged_in_at=now)


def record_event(
    engine: Engine,
    identity: Identity,
    action: str,
    obj: str,
    *,
    origin: str,
    result: str = "ok",
    detail: dict | None = None,
) -> None:
    """Audit something a user did in the app (logout, export, view of point data)."""
    with writing(engine) as conn:
        audit.record(
            conn,
            actor=identity.name,
            action=action,
            obj=obj,
            result=result,
            origin=origin,
            detail=detail,
        )


_ACCOUNT_ACTIONS = ["user_add", "role_change", "user_disable", "user_enable"]


def access_review(engine: Engine) -> pd.DataFrame:
    """Users, roles, status, last login and role changes: the yearly access review (A7)."""
    with engine.connect() as conn:
        changes = audit.entries(conn, _ACCOUNT_ACTIONS)
    history: dict[str, list[str]] = {}
    for obj, at, actor, action, detail in changes:
        history.setdefault(obj, []).append(f"{dutch.day(at)} {action} door {actor} {detail}")
    rows = [
        {
            "gebruiker": u["username"],
            "rol": u["role"],
            "actief": "ja" if u["active"] else "nee",
            "aangemaakt": u["created_at"],
            "laatste_login": u["last_login"],
            "wijzigingen": " | ".join(history.get(u["username"], [])),
        }
        for u in list_users(engine)
    ]
    return pd.DataFrame(
        rows, columns=["gebruiker", "rol", "actief", "aangemaakt", "laatste_login", "wijzigingen"]
    )
