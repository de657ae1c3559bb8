"""Local accounts in the ``users`` table: read, add and change one account.

The rules (valid names, strong passwords, known roles) live in ``oovgeo.services.auth``;
this module only stores what it is given, inside the caller's transaction where one is passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection, Row

from oovgeo.store.schema import users

# Columns a user listing shows (never the password hash).
LISTED = ("username", "role", "active", "created_at", "last_login")


def get_user(conn: Connection, username: str) -> Row | None:
    """Return the account row of ``username`` (with its password hash), or None."""
    return conn.execute(select(users).where(users.c.username == username)).first()


def insert_user(
    conn: Connection, username: str, password_hash: str, role: str, created_at: datetime
) -> None:
    """Add an active account."""
    conn.execute(
        users.insert().values(
            username=username,
            password_hash=password_hash,
            role=role,
            active=True,
            created_at=created_at,
        )
    )


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    """Change columns (role, active, last_login, password_hash) of one account."""
    conn.execute(users.update().where(users.c.id == user_id).values(**values))


def count_users(engine: Engine) -> int:
    """How many local accounts exist."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


def list_users(engine: Engine) -> list[dict]:
    """Every account's listed columns, ordered by name."""
    with engine.connect() as conn:
        query = select(*[users.c[name] for name in LISTED]).order_by(users.c.username)
        rows = conn.execute(query).mappings().all()
    return [dict(r) for r in rows]
