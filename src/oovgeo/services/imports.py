"""The import service: one file in, every row accounted for, one transaction.

Used by the CLI, the Data page and the demo alike. For each row the outcome is exactly one of:
accepted (inserted or updated by its source id), rejected (with row number, field, rule and a
masked value; the row goes to quarantine), duplicate, or skipped (a footer line, or a version
older than the stored one). ``rows_in == accepted + rejected + duplicates + skipped`` always
holds, and the report says so. The checks live in ``oovgeo.ingest``, the
SQL in ``oovgeo.store.imports_repo``; this module runs them in order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from oovgeo.config import Settings
from oovgeo.ingest import parse, signalen
from oovgeo.ingest.columns import canonical_frame, check_required, match_columns
from oovgeo.ingest.footers import footer_positions, without_rows
from oovgeo.ingest.locate import Geocoder
from oovgeo.ingest.placement import AreaIndex
from oovgeo.ingest.plan import plan_rows, quarantine_rows, row_hashes
from oovgeo.ingest.profiles import FIELDS, ID_FIELD, KindProfile, Profile, is_sensitive_header
from oovgeo.ingest.readers import RawTable, read_table
from oovgeo.ingest.report import ImportReport
from oovgeo.ingest.rules import RULE_TEXT, ImportError_, Rejection
from oovgeo.ingest.validate import Valid, validate
from oovgeo.store import audit, imports_repo
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import Connection, Engine, writing

Progress = Callable[[str, int, int], None]

MAX_REJECTIONS_IN_REPORT = 1_000
# A date in a file name ("export_2026-11-30.csv", "meldingen 20261130.xlsx") dates the export.
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def _no_progress(stage: str, done: int, total: int) -> None:
    """Report nothing."""


@dataclass
class ImportJob:
    """One file to import and who imports it, with the settings and profile to use."""

    settings: Settings
    profile: Profile
    kind: str
    data: bytes
    filename: str
    actor: str = "cli"
    origin: str = "cli"
    today: date = field(default_factory=date.today)
    geocoder: Geocoder | None = None
    progress: Progress = _no_progress
    export_date: date | None = None  # the date the export was made, when the user says it


def export_date(job: ImportJob) -> tuple[date, str]:
    """Return the date an export's versions carry, and where it came from.

    Given by the user, else a date in the file name, else the import day (a file without
    either is taken to be today's export).
    """
    if job.export_date is not None:
        return job.export_date, "opgegeven"
    match = _NAME_DATE.search(job.filename)
    if match:
        try:
            found = date(*(int(g) for g in match.groups()))
        except ValueError:
            found = None
        if found is not None and found <= job.today:
            return found, "bestandsnaam"
    return job.today, "importdatum"


@dataclass
class Checked:
    """A file read and validated, ready to be written."""

    table: RawTable
    found: dict[str, int]
    sha: str
    edition: int
    valid: Valid


def import_file(
    engine: Engine,
    settings: Settings,
    profile: Profile,
    *,
    kind: str,
    data: bytes,
    filename: str,
    actor: str = "cli",
    origin: str = "cli",
    today: date | None = None,
    geocoder: Geocoder | None = None,
    progress: Progress | None = None,
    export_day: date | None = None,
) -> ImportReport:
    """Import one CSV/XLSX file (or Signalen JSON) of ``kind`` ('signals' or 'interventions').

    Raises ``ImportError_`` (or a ``ReadError``) when the file as a whole cannot be used; then
    nothing is written. Otherwise returns the report; everything was written in one
    transaction.
    """
    job = ImportJob(
        settings=settings,
        profile=profile,
        kind=kind,
        data=data,
        filename=filename,
        actor=actor,
        origin=origin,
        today=today or date.today(),
        geocoder=geocoder,
        progress=progress or _no_progress,
        export_date=export_day,
    )
    return run(engine, job)


def run(engine: Engine, job: ImportJob) -> ImportReport:
    """Import ``job``'s file; see ``import_file``."""
    if job.kind not in FIELDS:
        raise ImportError_(f"onbekende soort import '{job.kind}'")
    table, not_stored = _read(job)
    kp = job.profile.kind(job.kind)
    found = match_columns(table.columns, kp)
    check_required(job.kind, found, kp, table.columns)
    sha = hashlib.sha256(job.data).hexdigest()
    report = ImportReport(
        kind=job.kind,
        filename=job.filename,
        profile=job.profile.name,
        status="geimporteerd",
        batch_id=None,
        rows_in=len(table.rows),
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )
    used = set(found.values())
    report.dropped_columns = [c for i, c in enumerate(table.columns) if i not in used]
    report.sensitive_columns = [c for c in report.dropped_columns if is_sensitive_header(c)]
    report.dropped_columns += not_stored
    report.sensitive_columns += not_stored
    # a spreadsheet or CSV may end in totals lines; a JSON export has none
    footers = footer_positions(table) if job.profile.system != signalen.SYSTEM else []
    report.skipped_rows = [
        {"rij": table.row_numbers[i], "reden": "voettekst", "id": ""} for i in footers
    ]
    table = without_rows(table, footers)

    with engine.connect() as conn:
        earlier = imports_repo.previous_import(conn, job.kind, sha, job.profile.name)
    if earlier is not None:
        return _noop(engine, job, report, earlier)
    day, day_from = export_date(job)
    report.export_date, report.export_date_from = day.isoformat(), day_from
    checked = check_rows(engine, job, table, found, report, export_day=day)
    checked.sha = sha
    with writing(engine) as conn:
        write(conn, job, report, checked)
    return report


def kind_profile(
    conn: Connection, profile: Profile, kind: str, extra: dict[str, dict[str, str]] | None = None
) -> KindProfile:
    """Return the profile's columns for ``kind`` with the label mappings of the Gegevens page.

    A mapping made in the app wins over the profile's own values: it is the later decision.
    ``extra`` holds mappings not stored yet (a mapping being made releases its rows with it).
    """
    kp = profile.kind(kind)
    mapped = imports_repo.label_aliases(conn)
    for fname, more in (extra or {}).items():
        mapped[fname] = {**mapped.get(fname, {}), **more}
    merged = {f: {**kp.values.get(f, {}), **mapped.get(f, {})} for f in {*kp.values, *mapped}}
    return replace(kp, values=merged)


def check_rows(
    engine: Engine,
    job: ImportJob,
    table: RawTable,
    found: dict[str, int],
    report: ImportReport,
    *,
    export_day: date,
    extra_labels: dict[str, dict[str, str]] | None = None,
) -> Checked:
    """Validate and place the rows of ``table``; nothing is written. Fills ``report``."""
    with engine.connect() as conn:
        edition = active_edition(conn, job.settings.get("boundaries.edition"))
        kp = kind_profile(conn, job.profile, job.kind, extra_labels)
        shortlist_ids = imports_repo.shortlist_ids(conn) if "shortlist_id" in found else set()
    if edition is None:
        raise ImportError_(
            "er zijn nog geen gebiedsgrenzen geladen; laad ze eerst "
            "(oovgeo boundaries load BESTAND) of maak de demo (oovgeo demo)"
        )
    report.edition = edition
    index = AreaIndex(load_areas(engine, edition))

    raw = canonical_frame(table, found)
    job.progress("controleren", 0, len(raw))
    valid = validate(
        raw,
        np.asarray(table.row_numbers),
        kind=job.kind,
        kp=kp,
        settings=job.settings,
        index=index,
        today=job.today,
        export_date=export_day,
        geocoder=job.geocoder,
        ragged=set(table.ragged_rows),
        shortlist_ids=shortlist_ids,
    )
    job.progress("controleren", len(raw), len(raw))
    report.warnings = {k: v for k, v in valid.warnings.items() if v}
    report.unmapped = valid.unmapped
    return Checked(table, found, "", edition, valid)


def _read(job: ImportJob) -> tuple[RawTable, list[str]]:
    """Read the file as a table; also return the fields the reader left unread (P1).

    A Signalen export (JSON) is read by its own reader, and only with a Signalen profile;
    ``operations.run_import`` picks that profile for any JSON file.
    """
    limits = {
        "max_bytes": job.settings.get("import.max_file_mb") * 1024 * 1024,
        "max_rows": job.settings.get("import.max_rows"),
    }
    is_json = signalen.looks_like_json(job.data, job.filename)
    if not is_json and job.profile.system != signalen.SYSTEM:
        return read_table(job.data, job.filename, **limits), []
    if job.profile.system != signalen.SYSTEM:
        raise ImportError_(
            f"{job.filename} is een JSON-bestand; importeer het met het profiel "
            f"'{signalen.PROFILE}' (Signalen)."
        )
    if job.kind != "signals":
        raise ImportError_(
            "een Signalen-bestand bevat meldingen, geen interventies; importeer het als signalen."
        )
    read = signalen.read_signalen(
        job.data, job.filename, crosswalk=_signalen_crosswalk(job.settings), **limits
    )
    return read.table, read.not_stored


def _signalen_crosswalk(settings: Settings) -> signalen.Crosswalk:
    """Return the shipped Signalen crosswalk, extended by the municipality's own file."""
    own = settings.get("import.signalen_crosswalk")
    if own:
        return signalen.load_crosswalk(Path(own), required=True)
    return signalen.load_crosswalk(settings.home / "signalen_crosswalk.toml")


def _noop(engine: Engine, job: ImportJob, report: ImportReport, earlier: int) -> ImportReport:
    """Report a file that was imported before; nothing changes but the audit log."""
    report.status = "al_geimporteerd"
    report.previous_batch = earlier
    with writing(engine) as conn:
        rows_in = imports_repo.batch_rows_in(conn, earlier)
        for name in ("inserted", "updated", "rejected", "duplicates"):
            setattr(report, name, 0)
        # Nothing changes: every row is reported as already present (accepted earlier,
        # or in quarantine from that earlier batch).
        report.duplicates = report.rows_in
        report.skipped_rows = []
        audit.record(
            conn,
            actor=job.actor,
            action="import",
            obj=f"{report.kind}:{report.filename}",
            result="al_geimporteerd",
            origin=job.origin,
            detail={"vorige_batch": earlier, "rijen": rows_in},
        )
    return report


def _good_rows(job: ImportJob, valid: Valid) -> pd.DataFrame:
    """Return the valid rows with their row hash and keep-until date."""
    good = valid.frame[~valid.bad].copy()
    good["row_hash"] = row_hashes(good, job.kind) if len(good) else pd.Series(dtype=object)
    months = job.settings.get(f"retention.{job.kind}_months")
    # keep-until (P2): the record's date plus the retention term of its kind
    good["keep_until"] = (pd.to_datetime(good["datum"]) + pd.DateOffset(months=months)).dt.date
    return good


def _conflict_rejections(conflicts: pd.DataFrame, table: RawTable, kind: str) -> list[Rejection]:
    """Reject rows whose id came earlier in the same file with other content."""
    row_numbers = np.asarray(table.row_numbers)
    return [
        Rejection(
            row=int(row_numbers[pos]),
            field=ID_FIELD[kind],
            rule="dubbel_in_bestand",
            message=RULE_TEXT["dubbel_in_bestand"],
            value=parse.mask_value(str(sid)),
        )
        for pos, sid in conflicts["source_id"].items()
    ]


def write(conn: Connection, job: ImportJob, report: ImportReport, checked: Checked) -> None:
    """Write batch, records, quarantine and audit of one file on ``conn`` (one transaction)."""
    kind, system = job.kind, job.profile.system
    good = _good_rows(job, checked.valid)
    rejections = list(checked.valid.rejections)

    batch_id = imports_repo.insert_batch(
        conn,
        kind=kind,
        filename=report.filename,
        sha=checked.sha,
        profile=job.profile.name,
        actor=job.actor,
        rows_in=report.rows_in,
    )
    report.batch_id = batch_id
    plan = plan_rows(good, imports_repo.existing_records(conn, kind, system))
    rejections += _conflict_rejections(plan.conflicts, checked.table, kind)
    row_numbers = np.asarray(checked.table.row_numbers)
    report.skipped_rows += [
        {"rij": int(row_numbers[pos]), "reden": "ouder_dan_opgeslagen", "id": str(sid)}
        for pos, sid in plan.older["source_id"].items()
    ]
    report.skipped_rows.sort(key=lambda r: r["rij"])

    common = {"batch_id": batch_id, "edition": checked.edition, "source_system": system}
    imports_repo.write_records(
        conn,
        kind,
        plan.inserts,
        plan.updates,
        common,
        lambda done, total: job.progress("schrijven", done, total),
    )
    report.inserted, report.updated = len(plan.inserts), len(plan.updates)
    report.duplicates = plan.duplicates
    report.placement = dict(Counter(plan.inserts["placement"]) + Counter(plan.updates["placement"]))

    keep = job.today + timedelta(days=job.settings.get("retention.quarantine_days"))
    quarantined = quarantine_rows(
        checked.table, checked.found, rejections, batch_id=batch_id, kind=kind, keep_until=keep
    )
    imports_repo.store_quarantine(conn, quarantined)
    report.rejected = len(quarantined)
    report.reasons = dict(Counter(f"{r.field}:{r.rule}" for r in rejections))
    report.rejections = sorted(rejections, key=lambda r: r.row)[:MAX_REJECTIONS_IN_REPORT]
    if not report.reconciles:  # a bug, never a data problem: refuse to commit
        raise RuntimeError(f"import does not reconcile: {report.to_dict()}")
    imports_repo.finish_batch(conn, batch_id, report.to_dict())
    audit.record(
        conn,
        actor=job.actor,
        action="import",
        obj=f"{kind}:{report.filename}",
        origin=job.origin,
        detail={
            "batch": batch_id,
            "rijen": report.rows_in,
            "nieuw": report.inserted,
            "bijgewerkt": report.updated,
            "afgewezen": report.rejected,
            "dubbel": report.duplicates,
            "overgeslagen": len(report.skipped_rows),
        },
    )
