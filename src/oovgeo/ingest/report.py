"""The reconciliation report of one import: every row accepted, rejected, duplicate or skipped."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from oovgeo.config.codes import UNKNOWN
from oovgeo.ingest.rules import RULE_TEXT, WARNING_TEXT, Rejection

# Why a row was neither accepted nor rejected; every skipped row carries one of these.
SKIP_TEXT = {
    "voettekst": "voettekst of totaalregel aan het eind van het bestand, geen record",
    "ouder_dan_opgeslagen": "ouder dan wat er al is; niets gewijzigd",
}
FIELD_TEXT = {"bron": "bron", "partners": "partner", "uitkomst": "uitkomst"}
MAX_ROWS_IN_REPORT = 1_000  # rejections and skipped rows listed one by one

# Dutch keys of the JSON report (``to_dict``), by attribute: one place, so the CLI, the batch
# record and the audit speak the same words.
_KEYS = {
    "kind": "soort",
    "filename": "bestand",
    "profile": "profiel",
    "status": "status",
    "batch_id": "batch",
    "rows_in": "rijen_gelezen",
    "inserted": "nieuw",
    "updated": "bijgewerkt",
    "rejected": "afgewezen",
    "duplicates": "dubbel",
    "edition": "editie",
    "encoding": "tekencodering",
    "delimiter": "scheidingsteken",
    "sheet": "werkblad",
    "export_date": "exportdatum",
    "export_date_from": "exportdatum_uit",
    "placement": "plaatsing",
    "reasons": "afwijzingsredenen",
    "warnings": "waarschuwingen",
    "unmapped": "niet_gekoppeld",
    "dropped_columns": "kolommen_niet_opgeslagen",
    "sensitive_columns": "kolommen_persoonsgegevens",
    "rejections": "afwijzingen",
    "skipped_rows": "overgeslagen_rijen",
    "previous_batch": "vorige_batch",
}
_REJECTION_KEYS = {
    "row": "rij",
    "field": "veld",
    "rule": "regel",
    "message": "uitleg",
    "value": "waarde",
}


@dataclass
class ImportReport:
    """Counts and outcome of one file import."""

    kind: str
    filename: str
    profile: str
    status: str  # 'geimporteerd' | 'al_geimporteerd' | 'vrijgegeven'
    batch_id: int | None
    rows_in: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    duplicates: int = 0
    edition: int | None = None
    encoding: str = ""
    delimiter: str | None = None
    sheet: str | None = None
    export_date: str | None = None  # ISO date the export's versions are dated by
    export_date_from: str = ""  # opgegeven | bestandsnaam | importdatum
    placement: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # "field:rule" -> rows
    warnings: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> label -> rows
    dropped_columns: list[str] = field(default_factory=list)
    sensitive_columns: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)  # first ones only
    # every skipped row: {"rij": n, "reden": SKIP_TEXT key, "id": source id or ""}
    skipped_rows: list[dict] = field(default_factory=list)
    previous_batch: int | None = None

    @property
    def accepted(self) -> int:
        """Return the number of rows inserted or updated."""
        return self.inserted + self.updated

    @property
    def skipped(self) -> dict[str, int]:
        """Return the skipped rows counted per reason."""
        counts: dict[str, int] = {}
        for row in self.skipped_rows:
            counts[row["reden"]] = counts.get(row["reden"], 0) + 1
        return counts

    @property
    def reconciles(self) -> bool:
        """Return True when all input rows are accounted for."""
        accounted = self.accepted + self.rejected + self.duplicates + len(self.skipped_rows)
        return self.rows_in == accounted

    def to_dict(self) -> dict:
        """Return the report with Dutch keys, with the derived counts."""
        data = {_KEYS[k]: v for k, v in asdict(self).items()}
        data["afwijzingen"] = [
            {_REJECTION_KEYS.get(k, k): v for k, v in asdict(r).items()} for r in self.rejections
        ]
        data["overgeslagen_rijen"] = self.skipped_rows[:MAX_ROWS_IN_REPORT]
        data["overgeslagen"] = self.skipped
        data["geaccepteerd"] = self.accepted
        data["sluitend"] = self.reconciles
        return data

    def summary(self) -> list[str]:
        """Return the report as short Dutch lines for the screen and the terminal."""
        if self.status == "al_geimporteerd":
            return [
                f"{self.filename}: dit bestand is al geïmporteerd (batch {self.previous_batch}); "
                "er is niets gewijzigd."
            ]
        skipped = len(self.skipped_rows)
        lines = [
            f"{self.filename}: {self.rows_in} rijen gelezen, {self.accepted} geaccepteerd "
            f"({self.inserted} nieuw, {self.updated} bijgewerkt), {self.rejected} afgewezen, "
            f"{self.duplicates} dubbel, {skipped} overgeslagen."
        ]
        for key, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            fname, rule = key.split(":", 1)
            lines.append(f"  afgewezen {n}x: {fname}: {RULE_TEXT.get(rule, rule)}")
        for reason, n in sorted(self.skipped.items()):
            rows = [str(r["rij"]) for r in self.skipped_rows if r["reden"] == reason]
            shown = ", ".join(rows[:20]) + (", ..." if len(rows) > 20 else "")
            lines.append(f"  overgeslagen {n}x: {SKIP_TEXT.get(reason, reason)} (rij {shown})")
        for code, n in sorted(self.warnings.items()):
            lines.append(f"  let op {n}x: {WARNING_TEXT.get(code, code)}")
        for fname, labels in sorted(self.unmapped.items()):
            listed = ", ".join(
                f"'{label}' {n}x" for label, n in sorted(labels.items(), key=lambda kv: -kv[1])
            )
            lines.append(
                f"  let op: {FIELD_TEXT.get(fname, fname)} niet gekoppeld, opgeslagen als "
                f"'{UNKNOWN}': {listed}"
            )
        if self.sensitive_columns:
            lines.append(
                "  niet opgeslagen (persoonsgegevens/vrije tekst): "
                + ", ".join(self.sensitive_columns)
            )
        other = [c for c in self.dropped_columns if c not in self.sensitive_columns]
        if other:
            lines.append("  niet opgeslagen (geen oovgeo-veld): " + ", ".join(other))
        return lines
