"""Persistence: schema, engine, repositories, audit log, backup and restore."""

# Load the schema first: police_repo defines its table on schema.metadata, and schema adds it
# to TABLE_ORDER, so importing police_repo directly must find schema already complete.
from oovgeo.store import schema  # noqa: E402,F401
