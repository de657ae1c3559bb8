"""The reconciliation report of one import: every row accepted, rejected or duplicate."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from oovgeo.ingest.rules import RULE_TEXT, WARNING_TEXT, Rejection


@dataclass
class ImportReport:
    """Counts and outcome of one file import."""

    kind: str
    filename: str
    profile: str
    status: str  # 'geimporteerd' | 'al_geimporteerd'
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
    placement: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # "field:rule" -> rows
    warnings: dict[str, int] = field(default_factory=dict)
    dropped_columns: list[str] = field(default_factory=list)
    sensitive_columns: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)  # first ones only
    previous_batch: int | None = None

    @property
    def accepted(self) -> int:
        """Return the number of rows inserted or updated."""
        return self.inserted + self.updated

    @property
    def reconciles(self) -> bool:
        """Return True when all input rows are accounted for."""
        return self.rows_in == self.accepted + self.rejected + self.duplicates

    def to_dict(self) -> dict:
        """Return the report as a dict, with the derived counts."""
        data = asdict(self)
        data["accepted"] = self.accepted
        data["reconciles"] = self.reconciles
        return data

    def summary(self) -> list[str]:
        """Return the report as short Dutch lines for the screen and the terminal."""
        if self.status == "al_geimporteerd":
            return [
                f"{self.filename}: dit bestand is al geïmporteerd (batch {self.previous_batch}); "
                "er is niets gewijzigd."
            ]
        lines = [
            f"{self.filename}: {self.rows_in} rijen gelezen, {self.accepted} geaccepteerd "
            f"({self.inserted} nieuw, {self.updated} bijgewerkt), {self.rejected} afgewezen, "
            f"{self.duplicates} dubbel."
        ]
        for key, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            fname, rule = key.split(":", 1)
            lines.append(f"  afgewezen {n}x: {fname}: {RULE_TEXT.get(rule, rule)}")
        for code, n in sorted(self.warnings.items()):
            lines.append(f"  let op {n}x: {WARNING_TEXT.get(code, code)}")
        if self.sensitive_columns:
            lines.append(
                "  niet opgeslagen (persoonsgegevens/vrije tekst): "
                + ", ".join(self.sensitive_columns)
            )
        other = [c for c in self.dropped_columns if c not in self.sensitive_columns]
        if other:
            lines.append("  niet opgeslagen (geen oovgeo-veld): " + ", ".join(other))
        return lines
