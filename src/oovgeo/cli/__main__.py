"""``python -m oovgeo.cli``: the same as the ``oovgeo`` command."""

import sys

from oovgeo.cli import main

sys.exit(main())
