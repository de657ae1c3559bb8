"""Database schema (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Geometries are stored as WKB in RD New (EPSG:28992) so no spatial extension is needed;
placement happens in Python with shapely.
"""

from __future__ import annotations

import secrets

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Raise with every change to a table and add the step to store/migrate.py: create_all makes
# missing tables but never changes an existing one.
SCHEMA_VERSION = 6

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

areas = Table(
    "areas",
    metadata,
    Column("edition", Integer, primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("level", String(10), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parent_code", String(16)),
    Column("gemeente_code", String(8), nullable=False),
    Column("inhabitants", Integer),
    Column("land_ha", Float),
    Column("geometry", LargeBinary, nullable=False),
)

# Inhabitants per area code and year, from population files (CBS Kerncijfers or code,year,
# inhabitants), wijk/gemeente sums of buurten, or the demo's synthetic figures. The boundary
# file's own ``areas.inhabitants`` stays as the fallback for areas without a row here.
population = Table(
    "population",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("inhabitants", Integer),  # NULL: secret or unknown
    Column("source", String(32), nullable=False),  # bestand | som van buurten | synthetisch
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # signals | interventions
    Column("filename", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("profile", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(128), nullable=False),
    Column("rows_in", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("report", Text, nullable=False),  # JSON of the full report
    Index("ix_batches_sha", "kind", "file_sha256"),
)

# Columns shared by signals and interventions: where a record is and how it got there.
# placement: 'punt' (coordinates inside an area), 'nabij' (coordinates within the tolerance
# outside every area, given to the nearest), 'gebied' (only an area code was known),
# 'geocode' (address geocoded), 'geen' (not placeable in the current edition).


RECORD_KEY = "telsleutel"


def new_record_key() -> float:
    """Return a fresh record key: uniform in [0, 1), from the operating system's randomness.

    Not derived from the record's content or id, so nobody can compute it from the data.
    """
    return secrets.randbelow(2**32) / 2**32


def _placed_columns() -> list[Column]:
    return [
        Column("datum", Date, nullable=False),
        Column("thema", String(40), nullable=False),
        Column("x", Float),
        Column("y", Float),
        Column("placement", String(10), nullable=False),
        Column("source_area_code", String(16)),  # area code as given in the file
        Column("buurt_code", String(16)),
        Column("wijk_code", String(16)),
        Column("gemeente_code", String(8)),
        Column("edition", Integer),
        Column("adres", String(200)),
        Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
        Column("row_hash", String(64), nullable=False),
        Column("keep_until", Date, nullable=False),
        Column("version", Integer, nullable=False, default=1),
        # P3: the record key (schema 4), drawn once at insert and never changed. It decides
        # whether protected figures count this record 0, 1 or 2 times (counts_repo.record_weight).
        # Nullable only so that the migration can add it; the migration fills every row.
        Column(RECORD_KEY, Float, default=new_record_key),
        # Schema 5: the date of the version stored (the source's own change date where the
        # export has one, else the export's date). An export older than this never overwrites
        # the record (versions only move forward). NULL for records from before schema 5.
        Column("version_date", Date),
    ]


signals = Table(
    "signals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_system", String(64), nullable=False),
    Column("source_id", String(100), nullable=False),
    Column("bron", String(40), nullable=False),
    *_placed_columns(),
    Column("postcode", String(8)),
    Column("huisnummer", String(12)),
    Column("dossiernummer", String(60)),
    Column("anoniem", Boolean),
    UniqueConstraint("source_system", "source_id", name="uq_signals_source"),
    Index("ix_signals_datum", "datum"),
    # trends and comparisons group by day and theme: this index serves them in order
    Index("ix_signals_datum_thema", "datum", "thema"),
    Index("ix_signals_buurt", "buurt_code"),
)

interventions = Table(
    "interventions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_system", String(64), nullable=False),
    Column("source_id", String(100), nullable=False),
    *_placed_columns(),
    Column("partners", String(300)),  # ';'-joined partner codes
    Column("uitkomst", String(40)),
    Column("maatregel", String(100)),
    # The shortlist item this intervention came from (schema 2). No foreign key: SQLite can't
    # add one to an existing table; the import checks that the item exists.
    Column("shortlist_id", Integer),
    UniqueConstraint("source_system", "source_id", name="uq_interventions_source"),
    Index("ix_interventions_datum", "datum"),
    Index("ix_interventions_shortlist", "shortlist_id"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", ForeignKey("import_batches.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of {field, rule, message, value}
    Column("row_data", Text, nullable=False),  # JSON {header: value}, allow-listed columns only
    Column("keep_until", Date, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object", String(200), nullable=False),
    Column("result", String(32), nullable=False),
    Column("origin", String(128), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Local accounts (the embedded default; with OpenID Connect the identity provider has them).
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login", DateTime(timezone=True)),
)

# Answers of the PDOK geocoder, so an address is sent at most once.
geocode_cache = Table(
    "geocode_cache",
    metadata,
    Column("query", String(250), primary_key=True),
    Column("x", Float),
    Column("y", Float),
    Column("found", Boolean, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

# The coordinators' list of intervention targets (filled by the targets issue).
shortlist = Table(
    "shortlist",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_id", String(100)),  # the target candidate it was added from, if any
    Column("title", String(200), nullable=False),
    Column("adres", String(200)),
    Column("x", Float),
    Column("y", Float),
    Column("buurt_code", String(16)),
    Column("wijk_code", String(16)),
    Column("themes", String(300), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("meeting", String(100), nullable=False, default=""),
    Column("partners", String(300), nullable=False, default=""),
    Column("status", String(20), nullable=False, default="voorgesteld"),
    Column("action", Text, nullable=False, default=""),  # afgesproken actie
    Column("owner", String(200), nullable=False, default=""),  # eigenaar
    Column("deadline", Date),
    Column("outcome", Text, nullable=False, default=""),  # uitkomst
    Column("rejection_reason", Text, nullable=False, default=""),  # reden van afwijzing
    Column("version", Integer, nullable=False, default=1),
    Column("created_by", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_shortlist_candidate", "candidate_id"),
)

shortlist_history = Table(
    "shortlist_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shortlist_id", ForeignKey("shortlist.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_by", String(128), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("change", Text, nullable=False),  # JSON of the changed fields
)

# Police open-data counts (context for the trends, see oovgeo.police and store/police_repo.py):
# one row per (table, category, area_code, month); ``count`` NULL means unknown (never 0).
police_counts = Table(
    "police_counts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table", String(10), nullable=False),  # 47022NED | 47024NED
    Column("category", String(40), nullable=False),  # police key, or "totaal"
    Column("area_code", String(16), nullable=False),
    Column("level", String(10), nullable=False),  # gemeente | wijk | buurt
    Column("month", Date, nullable=False),  # first day of the month
    Column("count", Integer),  # NULL = unknown
    Column("incomplete", Boolean, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("filename", String(255), nullable=False),
    UniqueConstraint("table", "category", "area_code", "month", name="uq_police_counts_key"),
    Index("ix_police_counts_level_month", "table", "level", "month"),
)


# Schema 5: labels of an export mapped to a configured code on the Gegevens page (beside the
# aliases in the settings). ``alias`` is normalised (parse.normalise_label); a theme label
# mapped here releases the quarantined rows that carried it.
label_aliases = Table(
    "label_aliases",
    metadata,
    Column("field", String(16), primary_key=True),  # thema | bron | partners | uitkomst
    Column("alias", String(200), primary_key=True),
    Column("label", String(200), nullable=False),  # as the export wrote it
    Column("code", String(40), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# Schema 6: context layers (issue 14): camera surveillance areas, business parks, BRP address
# checks and other layers, one per soort (``vocab.CONTEXT_KINDS``); loading a soort again
# replaces its layer. Geometry in RD as WKB, like ``areas``. BRP checks are addresses of
# people: they keep geometry, date and reference only, and ``context_repo.visible_features``
# gives points only to roles that may see points (A4).
context_layers = Table(
    "context_layers",
    metadata,
    Column("soort", String(20), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(128), nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("report", Text, nullable=False),  # JSON: skipped per reason, notes
)

context_features = Table(
    "context_features",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("soort", ForeignKey("context_layers.soort"), nullable=False),
    Column("shape", String(8), nullable=False),  # punt | vlak
    Column("naam", String(200)),  # plain text as in the file; escaped where it is shown
    Column("datum", Date),  # the day of a check, when the file gives one
    Column("referentie", String(60)),
    Column("geometry", LargeBinary, nullable=False),
    Index("ix_context_features_soort", "soort", "shape"),
)


def record_table(kind: str) -> Table:
    """Return the table holding ``kind``: ``signals``, anything else ``interventions``."""
    return signals if kind == "signals" else interventions


# Order in which tables can be filled without breaking foreign keys (backup/restore).
TABLE_ORDER = [
    meta,
    areas,
    population,
    import_batches,
    signals,
    interventions,
    quarantine,
    audit_log,
    users,
    geocode_cache,
    shortlist,
    shortlist_history,
    police_counts,
    label_aliases,
    context_layers,
    context_features,
]
