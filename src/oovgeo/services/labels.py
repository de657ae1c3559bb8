"""Mapping an export's label to a configured code, and releasing the rows it held back.

An unmapped theme label sends its rows to quarantine with the label (``validate._coded``).
``map_label`` stores one mapping ("koppel 'Drugs' aan Ondermijning") and, in the same
transaction, imports every quarantined row that carried the label again, as a release batch of
its own that reconciles like any import. Rows that still fail for another reason go back to
quarantine with only that reason. Mappings of sources, partners and outcomes apply to the next
imports (their earlier rows were stored as 'onbekend', without the label).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from oovgeo.config import Settings
from oovgeo.config.codes import normalise_label
from oovgeo.ingest.columns import match_columns
from oovgeo.ingest.locate import Geocoder
from oovgeo.ingest.profiles import Profile
from oovgeo.ingest.readers import RawTable
from oovgeo.ingest.report import ImportReport
from oovgeo.ingest.rules import UNKNOWN_RULE
from oovgeo.ingest.validate import code_lookup
from oovgeo.services.imports import Checked, ImportJob, check_rows, write
from oovgeo.store import audit, imports_repo
from oovgeo.store.db import Engine, writing

# field of a record -> its code list in the settings
CODE_LISTS = {"thema": "themes", "bron": "sources", "partners": "partners", "uitkomst": "outcomes"}
FIELD_LABELS = {"thema": "thema", "bron": "bron", "partners": "partner", "uitkomst": "uitkomst"}


class LabelError(ValueError):
    """A mapping that cannot be made (message in Dutch); nothing was written."""


@dataclass
class Release:
    """What one mapping did: the rows it released, per release batch."""

    fname: str
    label: str
    code: str
    accepted: int = 0  # released rows now stored (new or updated)
    rejected: int = 0  # released rows still rejected for another reason
    other: int = 0  # duplicates or older versions
    reports: list[ImportReport] = field(default_factory=list)

    def message(self, code_label: str) -> str:
        """Return the Dutch line for the screen and the terminal."""
        line = f"'{self.label}' is gekoppeld aan {code_label}."
        released = self.accepted + self.rejected + self.other
        if self.fname != "thema":
            return line + " Dit geldt voor de volgende imports."
        if not released:
            return line + " Er stonden geen rijen met dit label in quarantaine."
        return (
            f"{line} {released} rijen uit quarantaine opnieuw verwerkt: {self.accepted} "
            f"geaccepteerd, {self.rejected} nog afgewezen om een andere reden, "
            f"{self.other} dubbel of ouder dan wat er al is."
        )


def unmapped_theme_labels(engine: Engine, settings: Settings) -> dict[str, int]:
    """Return the unmapped theme labels that hold rows in quarantine, with their row counts."""
    with engine.connect() as conn:
        rows = imports_repo.quarantined_with(conn, UNKNOWN_RULE["thema"])
    known = _known_labels(settings, engine, "thema")
    counts: Counter = Counter()
    spelling: dict[str, str] = {}
    for row in rows:
        label = _theme_label(row)
        if label and normalise_label(label) not in known:
            norm = normalise_label(label)
            spelling.setdefault(norm, label)
            counts[norm] += 1
    return {spelling[n]: c for n, c in counts.most_common()}


# Reasons that a new validation of the stored row cannot see again: such rows stay in
# quarantine (a row that repeated an id of its file with other content must not now
# overwrite the record of that id).
_NOT_RELEASED = {"dubbel_in_bestand"}


def _theme_label(row: dict) -> str | None:
    for reason in row["reasons"]:
        if reason["rule"] == UNKNOWN_RULE["thema"]:
            return reason["value"]
    return None


def _known_labels(settings: Settings, engine: Engine, fname: str) -> dict[str, str]:
    """Normalised names that already map in ``fname``: codes, labels, aliases, app mappings."""
    known = code_lookup(settings.codes(CODE_LISTS[fname]), {})
    with engine.connect() as conn:
        known.update(imports_repo.label_aliases(conn).get(fname, {}))
    return known


def map_label(
    engine: Engine,
    settings: Settings,
    profiles: dict[str, Profile],
    *,
    fname: str,
    label: str,
    code: str,
    actor: str,
    origin: str = "app",
    today: date | None = None,
    geocoder: Geocoder | None = None,
) -> Release:
    """Map ``label`` of ``fname`` to ``code`` and release the rows it held in quarantine."""
    if fname not in CODE_LISTS:
        raise LabelError(f"onbekend veld '{fname}'; kies uit {', '.join(CODE_LISTS)}")
    labels = settings.labels(CODE_LISTS[fname])
    if code not in {c.code for c in settings.codes(CODE_LISTS[fname])}:
        raise LabelError(f"'{code}' is geen {FIELD_LABELS[fname]} in de instellingen")
    norm = normalise_label(label)
    if not norm:
        raise LabelError("geef het label zoals het in de export staat")
    already = _known_labels(settings, engine, fname).get(norm)
    if already is not None:
        raise LabelError(f"'{label}' is al gekoppeld aan {labels.get(already, already)}")

    release = Release(fname=fname, label=label.strip(), code=code)
    extra = {fname: {norm: code}}
    day = today or date.today()
    batches = _prepare(engine, settings, profiles, norm, extra, actor, origin, day, geocoder)
    with writing(engine) as conn:
        imports_repo.add_label_alias(
            conn, fname=fname, alias=norm, label=release.label, code=code, actor=actor
        )
        for job, report, checked, ids in batches:
            write(conn, job, report, checked)
            if imports_repo.delete_quarantined(conn, ids) != len(ids):
                raise LabelError(
                    "de quarantaine is intussen gewijzigd (een andere import of vrijgave); "
                    "probeer het opnieuw"
                )
            release.accepted += report.accepted
            release.rejected += report.rejected
            release.other += report.duplicates + len(report.skipped_rows)
            release.reports.append(report)
        audit.record(
            conn,
            actor=actor,
            action="label_koppelen",
            obj=f"{fname}:{release.label}"[:200],
            origin=origin,
            detail={
                "code": code,
                "vrijgegeven_batches": [r.batch_id for r in release.reports],
                "geaccepteerd": release.accepted,
                "nog_afgewezen": release.rejected,
            },
        )
    return release


def _prepare(engine, settings, profiles, norm, extra, actor, origin, day, geocoder) -> list:
    """Validate the quarantined rows of this label again, per batch; nothing is written."""
    if "thema" not in extra:
        return []
    with engine.connect() as conn:
        rows = [
            r
            for r in imports_repo.quarantined_with(conn, UNKNOWN_RULE["thema"])
            if normalise_label(_theme_label(r) or "") == norm
            and not any(reason["rule"] in _NOT_RELEASED for reason in r["reasons"])
        ]
        by_batch: dict[int, list[dict]] = {}
        for r in rows:
            by_batch.setdefault(r["batch_id"], []).append(r)
        stored = {b: imports_repo.batch_report(conn, b) for b in by_batch}
    prepared = []
    for batch_id, group in by_batch.items():
        first = group[0]
        profile = profiles.get(first["profile"])
        if profile is None:
            raise LabelError(
                f"profiel '{first['profile']}' van batch {batch_id} bestaat niet meer; "
                "zet het terug om deze rijen vrij te geven"
            )
        table = _table(group)
        kind = first["kind"]
        job = ImportJob(
            settings=settings,
            profile=profile,
            kind=kind,
            data=b"",
            filename=f"vrijgave uit batch {batch_id}",
            actor=actor,
            origin=origin,
            today=day,
            geocoder=geocoder,
        )
        report = ImportReport(
            kind=kind,
            filename=job.filename,
            profile=profile.name,
            status="vrijgegeven",
            batch_id=None,
            rows_in=len(group),
            previous_batch=batch_id,
        )
        export_day = _export_day(stored[batch_id], day)
        report.export_date, report.export_date_from = export_day.isoformat(), "batch"
        found = match_columns(table.columns, profile.kind(kind))
        checked: Checked = check_rows(
            engine, job, table, found, report, export_day=export_day, extra_labels=extra
        )
        seed = f"vrijgave:{batch_id}:{norm}:{datetime.now(UTC).isoformat()}"
        checked.sha = hashlib.sha256(seed.encode()).hexdigest()
        prepared.append((job, report, checked, [r["id"] for r in group]))
    return prepared


def _table(group: list[dict]) -> RawTable:
    """Return the quarantined rows of one batch as the table they were read as."""
    columns: list[str] = []
    for r in group:
        columns += [c for c in r["row_data"] if c not in columns]
    return RawTable(
        columns=columns,
        rows=[[str(r["row_data"].get(c, "")) for c in columns] for r in group],
        row_numbers=[int(r["row_number"]) for r in group],
        encoding="",
        delimiter=None,
        sheet=None,
        # a row with more cells than the header stays rejected for it
        ragged_rows=[
            int(r["row_number"])
            for r in group
            if any(reason["rule"] == "aantal_kolommen" for reason in r["reasons"])
        ],
    )


def _export_day(report: dict, today: date) -> date:
    """Return the date the original batch dated its versions by (today for old batches)."""
    try:
        return date.fromisoformat(str(report.get("exportdatum")))
    except ValueError:
        return today
