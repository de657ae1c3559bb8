"""Context layers beside signals and interventions: camera areas, business parks, BRP checks.

Pure: a file in, features in RD out (no store, no Streamlit). ``read`` reads GeoJSON,
GeoPackage and CSV with coordinates, reprojects to RD and says per feature why it was
skipped; the soorten and their Dutch labels are ``vocab.CONTEXT_KINDS``. BRP address checks
(``vocab.CONTEXT_PERSONAL``) are addresses of people: points only, keeping geometry, date and
reference and nothing else.
"""

from __future__ import annotations

from oovgeo.context.read import FEATURE_COLUMNS, ContextError, ContextFile, read_context_file

__all__ = ["FEATURE_COLUMNS", "ContextError", "ContextFile", "read_context_file"]
