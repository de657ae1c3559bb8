"""The signals new since a date: the rows for the core team, the counts for everybody (issue 14).

"New since *D*" means a report date (``datum``) on or after *D*, optionally up to an inclusive
last day; when a signal was imported does not matter. Both functions select exactly the same
records, so the counts of the core team are the lengths of its lists.

Every report counts: no same-address rule (``counting.same_address_days``), because each
report is forwarded on its own. Protected counts (P3) are sums of record weights, counted
through ``counts_repo.counted_records`` like every other protected figure.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import FromClause

from oovgeo.access import Identity, require
from oovgeo.store import schema
from oovgeo.store.counts_repo import Filters, counted_records

ROW_COLUMNS = ("id", "datum", "thema", "bron", "wijk_code", "buurt_code", "adres", "dossiernummer")


def _window(tbl: FromClause, since: date, until: date | None) -> list:
    conds = [tbl.c.datum >= since]
    if until is not None:
        conds.append(tbl.c.datum <= until)
    return conds


def new_signal_rows(
    conn: Connection, identity: Identity, since: date, until: date | None = None
) -> list[tuple]:
    """Return ``ROW_COLUMNS`` of every signal dated ``since`` .. ``until``, by date and id.

    Rows hold addresses: only for roles that may see point data (A4), whoever asks.
    """
    require(identity, "view_points")
    tbl = schema.signals
    query = (
        select(*[tbl.c[c] for c in ROW_COLUMNS])
        .where(*_window(tbl, since, until))
        .order_by(tbl.c.datum, tbl.c.id)
    )
    return [tuple(r) for r in conn.execute(query)]


def new_signal_counts(
    conn: Connection, since: date, until: date | None = None, perturbation: float = 0.0
) -> dict[str, int]:
    """Count the signals dated ``since`` .. ``until`` per theme code.

    ``perturbation`` 0 counts exactly; q > 0 gives protected figures (``Disclosure.count_share``).
    """
    filters = Filters(since, until or date.max, "signals").counted_as(perturbation)
    tbl = counted_records(conn, filters, since)
    query = (
        select(tbl.c.thema, func.count()).where(*_window(tbl, since, until)).group_by(tbl.c.thema)
    )
    return {theme: int(n) for theme, n in conn.execute(query)}
