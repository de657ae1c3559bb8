"""Run the ``oovgeo`` command in-process and read its ``--json`` output."""

from __future__ import annotations

import json

from oovgeo.cli import main


def cli_json(capsys, *args) -> dict:
    """Run ``oovgeo ARGS``, assert exit 0 and return the printed JSON."""
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)
