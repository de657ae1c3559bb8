"""Counting queries over signals and interventions, for the analysis modules.

Every function runs one query and returns plain rows or numbers; the pandas work (tables,
rates, series) happens in ``oovgeo.analysis``. The database does the counting (GROUP BY), so
only small results leave it.

Protected figures (P3) are counted here too, so that no exact count is ever computed for a
protected audience: with ``Filters.perturbation`` = q > 0 every record counts 0, 1 or 2 times
as its record key decides (``record_weight``; 0 and 2 each for a share q/2 of the records).
Every protected figure is then a sum of fixed record weights: tables add up, the same records
always give the same figure, and combining any number of tables, filters and periods teaches
nobody more than those weights. Display rules (``"<k"``) are ``oovgeo.privacy``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import FromClause

from oovgeo.store.schema import RECORD_KEY, record_table


@dataclass(frozen=True)
class Filters:
    """What the user selected; plain values so they can key a cache."""

    start: date
    end: date  # inclusive
    kind: str = "signals"
    themes: tuple[str, ...] = field(default=())  # empty = all
    sources: tuple[str, ...] = field(default=())  # empty = all (signals only)
    # setting counting.same_address_days: a record repeating one of the same theme at the
    # same address within this many days is not counted again (0 = count every record)
    same_address_days: int = 0
    # P3: 0 counts every record once (exact); q > 0 counts protected figures (see the module)
    perturbation: float = 0.0

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """Return the period of equal length just before this one."""
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=self.days - 1), end=end)

    def counted_as(self, perturbation: float) -> Filters:
        """Return these filters counting exactly (0) or as protected figures (q > 0)."""
        return replace(self, perturbation=float(perturbation))


def filter_conditions(tbl: FromClause, filters: Filters) -> list:
    """Return the theme and source conditions of ``filters`` on ``tbl`` (no date conditions)."""
    conds = []
    if filters.themes:
        conds.append(tbl.c.thema.in_(filters.themes))
    if filters.sources and "bron" in tbl.c:
        conds.append(tbl.c.bron.in_(filters.sources))
    return conds


def counted_records(conn: Connection, filters: Filters, first: date) -> FromClause:
    """Return the records to count from ``first`` to ``filters.end`` (a table or subquery).

    With ``filters.same_address_days`` = N > 0 a record counts only when no earlier record
    of the same theme at the same address (``adres``; else postcode + huisnummer) lies
    within N days before it (window function LAG over address and theme, ordered by date
    and id; SQLite and PostgreSQL both have it). Records without an address always count.
    The earlier record may lie before ``first``: the window looks N days further back.
    """
    base = _deduplicated(conn, filters, first)
    q = float(filters.perturbation)
    if q <= 0:
        return base
    return _weighted(base, q)


def record_weight(key: float | None, perturbation: float) -> int:
    """How many times a protected figure counts a record with this record key (P3).

    0 for keys below q/2, 2 for keys from 1 - q/2, else 1; the mean weight is 1, so protected
    figures are unbiased. A record without a key (none should exist) counts once.

    >>> [record_weight(k, 0.2) for k in (0.05, 0.5, 0.95, None)]
    [0, 1, 2, 1]
    """
    if key is None:
        return 1
    return int(key >= perturbation / 2) + int(key >= 1 - perturbation / 2)


def _weighted(base: FromClause, q: float) -> FromClause:
    """Each record of ``base`` as many times as its weight (``record_weight``, in SQL).

    UNION ALL of the records of weight >= 1 and, once more, those of weight 2: every COUNT
    over the result is a protected figure, whatever the caller groups or filters by.
    """
    key = func.coalesce(base.c[RECORD_KEY], 0.5)
    columns = list(base.c)
    once = select(*columns).where(key >= q / 2)
    twice = select(*columns).where(key >= 1 - q / 2)
    return union_all(once, twice).subquery("beschermd")


def _deduplicated(conn: Connection, filters: Filters, first: date) -> FromClause:
    """Return the records from ``first`` (see ``counted_records``) without address repeats."""
    tbl = record_table(filters.kind)
    days = int(filters.same_address_days)
    if days <= 0:
        return tbl
    address = func.nullif(func.trim(tbl.c.adres), "")
    if "postcode" in tbl.c:
        both = and_(tbl.c.postcode.is_not(None), tbl.c.huisnummer.is_not(None))
        pc = case((both, tbl.c.postcode + literal(" ") + tbl.c.huisnummer), else_=None)
        address = func.coalesce(address, pc)
    earlier = func.lag(tbl.c.datum).over(
        partition_by=(address, tbl.c.thema), order_by=(tbl.c.datum, tbl.c.id)
    )
    inner = (
        select(*tbl.c, address.label("_adres"), earlier.label("_eerder"))
        .where(
            tbl.c.datum >= first - timedelta(days=days),
            tbl.c.datum <= filters.end,
            *filter_conditions(tbl, filters),
        )
        .subquery()
    )
    limit = _days_before(conn, inner.c.datum, days)
    keep = or_(inner.c._adres.is_(None), inner.c._eerder.is_(None), inner.c._eerder < limit)
    return select(*[inner.c[c.name] for c in tbl.c]).where(keep).subquery("geteld")


def _days_before(conn: Connection, column, days: int):
    """``column`` minus ``days`` days, in the dialect's date arithmetic."""
    if conn.dialect.name == "sqlite":
        return func.date(column, f"-{days} days")
    return column - days  # PostgreSQL: date - integer is a date


def _code(tbl: FromClause, level: str):
    return tbl.c.buurt_code if level == "buurt" else tbl.c.wijk_code


def _in_period(tbl: FromClause, filters: Filters) -> list:
    return [
        tbl.c.datum >= filters.start,
        tbl.c.datum <= filters.end,
        *filter_conditions(tbl, filters),
    ]


def area_counts(conn: Connection, filters: Filters, level: str) -> list[tuple[str, int, int]]:
    """``(code, count, prev_count)`` per area at ``level``: this period and the one before.

    Records without a code at ``level`` are left out (see `unplaced_count`).
    """
    tbl = counted_records(conn, filters, filters.previous().start)
    code = _code(tbl, level)
    prev = filters.previous()
    in_now = and_(tbl.c.datum >= filters.start, tbl.c.datum <= filters.end)
    in_prev = and_(tbl.c.datum >= prev.start, tbl.c.datum <= prev.end)
    query = (
        select(
            code.label("code"),
            func.sum(case((in_now, 1), else_=0)).label("count"),
            func.sum(case((in_prev, 1), else_=0)).label("prev_count"),
        )
        .where(
            tbl.c.datum >= prev.start,
            tbl.c.datum <= filters.end,
            code.is_not(None),
            *filter_conditions(tbl, filters),
        )
        .group_by(code)
    )
    return [tuple(r) for r in conn.execute(query)]


def unplaced_count(conn: Connection, filters: Filters, level: str) -> int:
    """Count records of the period that have no area at ``level`` (only an area code, or none)."""
    tbl = counted_records(conn, filters, filters.start)
    query = select(func.count()).where(*_in_period(tbl, filters), _code(tbl, level).is_(None))
    return conn.execute(query).scalar_one()


def point_coordinates(conn: Connection, filters: Filters) -> list[tuple[float, float]]:
    """RD ``(x, y)`` of the point records of the period (server-side use only)."""
    tbl = counted_records(conn, filters, filters.start)
    query = select(tbl.c.x, tbl.c.y).where(*_in_period(tbl, filters), tbl.c.x.is_not(None))
    return [tuple(r) for r in conn.execute(query)]


def grouped(conn: Connection, filters: Filters, keys: list[str]) -> list[tuple]:
    """``(*key values, count)`` per combination of ``keys`` with every key present."""
    tbl = counted_records(conn, filters, filters.start)
    cols = [tbl.c[k] for k in keys]
    query = (
        select(*cols, func.count().label("count"))
        .where(*_in_period(tbl, filters), *[c.is_not(None) for c in cols])
        .group_by(*cols)
    )
    return [tuple(r) for r in conn.execute(query)]


def per_day(conn: Connection, filters: Filters, split: str | None, start: date) -> list[tuple]:
    """``(datum, [split value,] aantal)`` per day from ``start`` to ``filters.end``."""
    tbl = counted_records(conn, filters, start)
    columns = [tbl.c.datum] + ([tbl.c[split]] if split else [])
    query = (
        select(*columns, func.count().label("aantal"))
        .where(tbl.c.datum >= start, tbl.c.datum <= filters.end, *filter_conditions(tbl, filters))
        .group_by(*columns)
    )
    return [tuple(r) for r in conn.execute(query)]  # plain tuples: pandas is slow on Rows


def data_until(conn: Connection, kind: str = "signals") -> dict[str, date]:
    """Per source (or 'alle' for interventions) the latest date present: data runs to there."""
    tbl = record_table(kind)
    if "bron" in tbl.c:
        rows = conn.execute(select(tbl.c.bron, func.max(tbl.c.datum)).group_by(tbl.c.bron)).all()
        return {bron: d for bron, d in rows}
    latest = conn.execute(select(func.max(tbl.c.datum))).scalar()
    return {"alle": latest} if latest else {}


def data_from(conn: Connection, kind: str = "signals") -> date | None:
    """Return the first date present (where the data start), or None for an empty table."""
    tbl = record_table(kind)
    return conn.execute(select(func.min(tbl.c.datum))).scalar()


def _area_period(tbl: FromClause, filters: Filters, level: str, code: str | None) -> list:
    """Conditions for the records of the period, optionally of one area."""
    conds = _in_period(tbl, filters)
    if code is not None:
        conds.append(_code(tbl, level) == code)
    return conds


def count_in_area(conn: Connection, filters: Filters, level: str, code: str | None) -> int:
    """Count records of the period in area ``code`` (None: everywhere)."""
    tbl = counted_records(conn, filters, filters.start)
    query = select(func.count()).where(*_area_period(tbl, filters, level, code))
    return conn.execute(query).scalar_one()


def count_per_value(
    conn: Connection, filters: Filters, column: str, level: str, code: str | None
) -> dict[Any, int]:
    """Count records of the period in area ``code`` (None: all) per value of ``column``."""
    tbl = counted_records(conn, filters, filters.start)
    query = select(tbl.c[column], func.count()).where(*_area_period(tbl, filters, level, code))
    return dict(conn.execute(query.group_by(tbl.c[column])).all())


def dates_in_area(
    conn: Connection, filters: Filters, level: str, code: str, first: date, end: date
) -> list[date]:
    """Return the date of each record in area ``code`` from ``first`` to ``end`` (with themes)."""
    tbl = counted_records(conn, filters, first)
    query = select(tbl.c.datum).where(
        tbl.c.datum >= first,
        tbl.c.datum <= end,
        _code(tbl, level) == code,
        *filter_conditions(tbl, filters),
    )
    return list(conn.execute(query).scalars())
