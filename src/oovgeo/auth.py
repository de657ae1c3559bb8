"""Identities, roles, local accounts and who may do what (A2, A3, A5, A7).

Everything here is decided on the server and defaults to no access: a role or action that is
not listed is refused. Local accounts keep argon2 password hashes; with OpenID Connect the
identity provider authenticates and ``oidc_role`` maps its claims to a role.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select

from oovgeo.store import audit, schema
from oovgeo.store.db import writing

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
# Which role may open which page; a page missing here is open to nobody.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "start": _ALL,
    "kaart": _ALL,
    "trends": frozenset({"beheerder", "coordinator", "analist", "manager"}),
    "vergelijken": frozenset({"beheerder", "coordinator", "analist", "manager"}),
    "doelen": frozenset({"beheerder", "coordinator"}),
    "interventies": frozenset({"beheerder", "coordinator"}),
    "data": frozenset({"beheerder"}),
    "audit": frozenset({"beheerder"}),
    "presentatie": _ALL,
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


class AccessDenied(PermissionError):
    """The identity's role may not do this (message in Dutch)."""


class AccountError(ValueError):
    """A user-management request is invalid (message in Dutch)."""


@dataclass(frozen=True)
class Identity:
    name: str
    role: str
    method: str  # 'local' | 'oidc' | 'cli'
    logged_in_at: datetime

    @property
    def protected(self) -> bool:
        return self.role in PROTECTED_ROLES


def cli_identity() -> Identity:
    """Whoever runs the ``oovgeo`` command: shell access to the server means full access."""
    name = os.environ.get("SUDO_USER") or os.environ.get("USER") or "cli"
    return Identity(
        name=f"cli:{name}", role="beheerder", method="cli", logged_in_at=datetime.now(UTC)
    )


def may_open(role: str | None, page: str) -> bool:
    return role in PAGE_ROLES.get(page, frozenset())


def may(role: str | None, action: str) -> bool:
    return role in ACTION_ROLES.get(action, frozenset())


def require(identity: Identity | None, action: str) -> None:
    """Raise ``AccessDenied`` unless ``identity`` may do ``action``; data functions call this."""
    if identity is None or not may(identity.role, action):
        raise AccessDenied("U heeft geen toegang tot deze gegevens.")


def session_expired(identity: Identity, now: datetime, hours: float) -> bool:
    return now - identity.logged_in_at > timedelta(hours=hours)


def oidc_role(claims: dict, claim: str, role_map: dict[str, str]) -> str | None:
    """The role for an OpenID Connect user, from a claim holding a group or a list of them.

    With several matching groups the role with the most rights wins (order of ``ROLES``);
    no match means no access.

    >>> oidc_role({"groups": ["oov-analisten", "iedereen"]}, "groups",
    ...           {"oov-analisten": "analist", "oov-beheer": "beheerder"})
    'analist'
    """
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


def _user(conn, username: str):
    return conn.execute(select(schema.users).where(schema.users.c.username == username)).first()


def add_user(engine: Engine, username: str, password: str, role: str, *, actor: str) -> None:
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise AccountError("gebruikersnaam: 2-64 tekens, kleine letters, cijfers, . _ of -")
    if role not in ROLES:
        raise AccountError(f"onbekende rol '{role}'; kies uit {', '.join(ROLES)}")
    problems = password_problems(username, password)
    if problems:
        raise AccountError("wachtwoord te zwak: " + "; ".join(problems))
    with writing(engine) as conn:
        if _user(conn, username) is not None:
            raise AccountError(f"gebruiker '{username}' bestaat al")
        conn.execute(
            schema.users.insert().values(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                active=True,
                created_at=datetime.now(UTC),
            )
        )
        audit.record(conn, actor=actor, action="user_add", obj=username, detail={"rol": role})


def set_role(engine: Engine, username: str, role: str, *, actor: str) -> None:
    if role not in ROLES:
        raise AccountError(f"onbekende rol '{role}'; kies uit {', '.join(ROLES)}")
    with writing(engine) as conn:
        row = _user(conn, username)
        if row is None:
            raise AccountError(f"gebruiker '{username}' bestaat niet")
        conn.execute(schema.users.update().where(schema.users.c.id == row.id).values(role=role))
        audit.record(
            conn,
            actor=actor,
            action="role_change",
            obj=username,
            detail={"van": row.role, "naar": role},
        )


def set_active(engine: Engine, username: str, active: bool, *, actor: str) -> None:
    with writing(engine) as conn:
        row = _user(conn, username)
        if row is None:
            raise AccountError(f"gebruiker '{username}' bestaat niet")
        conn.execute(schema.users.update().where(schema.users.c.id == row.id).values(active=active))
        audit.record(
            conn, actor=actor, action="user_enable" if active else "user_disable", obj=username
        )


def user_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.users)).scalar_one()


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(
                    schema.users.c.username,
                    schema.users.c.role,
                    schema.users.c.active,
                    schema.users.c.created_at,
                    schema.users.c.last_login,
                ).order_by(schema.users.c.username)
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


def _recent_failures(conn, username: str, now: datetime) -> int:
    a = schema.audit_log
    since = now - FAILED_LOGIN_WINDOW
    rows = conn.execute(
        select(a.c.at, a.c.result)
        .where(a.c.action == "login", a.c.object == username)
        .order_by(a.c.id.desc())
        .limit(FAILED_LOGIN_LIMIT)
    ).all()
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
        row = _user(conn, username)
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
            ok = row is not None and row.active
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            audit.record(
                conn,
                actor=username or "?",
                action="login",
                obj=username,
                result="mislukt",
                origin=origin,
            )
            return None
        values = {"last_login": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        conn.execute(schema.users.update().where(schema.users.c.id == row.id).values(**values))
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


def access_review(engine: Engine) -> pd.DataFrame:
    """Users, roles, status, last login and role changes: the yearly access review (A7)."""
    a = schema.audit_log
    with engine.connect() as conn:
        changes = conn.execute(
            select(a.c.object, a.c.at, a.c.actor, a.c.action, a.c.detail)
            .where(a.c.action.in_(["user_add", "role_change", "user_disable", "user_enable"]))
            .order_by(a.c.id)
        ).all()
    history: dict[str, list[str]] = {}
    for obj, at, actor, action, detail in changes:
        history.setdefault(obj, []).append(f"{at:%Y-%m-%d} {action} door {actor} {detail}")
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
