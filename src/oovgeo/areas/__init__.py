"""CBS areas (gemeenten, wijken, buurten): read boundary files of any schema and CRS.

Every reader returns one normalised model, a GeoDataFrame in RD New (EPSG:28992) with the
columns of ``AREA_COLUMNS`` (described in :mod:`oovgeo.areas.model`). The rooms:

* ``model``: levels, columns, code patterns, :class:`BoundaryError`, the frame's dtypes;
* ``columns``: column names of the CBS schemas of every year, cell cleaning;
* ``select``: choosing the edition, gemeenten and level to keep;
* ``clean``: reprojection to RD (also without a declared CRS) and geometry repair;
* ``cbs``: :func:`normalise`, one table of any schema into the model;
* ``files``: :func:`read_boundaries`, GeoJSON, GeoPackage, Shapefile and zip;
* ``load``: :func:`load_boundaries`, several files into one checked model;
* ``validation``: :func:`validate`;
* ``population``: :func:`read_population` and :func:`with_population`;
* ``pdok``: the optional PDOK services (boundaries and the Locatieserver geocoder).
"""

from oovgeo.areas.cbs import normalise
from oovgeo.areas.files import read_boundaries
from oovgeo.areas.load import load_boundaries
from oovgeo.areas.model import (
    AREA_COLUMNS,
    CODE_EXAMPLES,
    CODE_PATTERNS,
    LEVELS,
    PREFIX_LEVEL,
    SECRET_CODE_MAX,
    BoundaryError,
    level_of,
    parent_of,
    parse_gemeente_code,
)
from oovgeo.areas.population import read_population, with_population
from oovgeo.areas.validation import validate

__all__ = [
    "AREA_COLUMNS",
    "CODE_EXAMPLES",
    "CODE_PATTERNS",
    "LEVELS",
    "PREFIX_LEVEL",
    "SECRET_CODE_MAX",
    "BoundaryError",
    "level_of",
    "load_boundaries",
    "normalise",
    "parent_of",
    "parse_gemeente_code",
    "read_boundaries",
    "read_population",
    "validate",
    "with_population",
]
