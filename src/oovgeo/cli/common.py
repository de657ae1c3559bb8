"""What every ``oovgeo`` command shares: a Dutch argument parser, JSON output, error output.

argparse speaks English ("usage:", "show this help message and exit", "the following
arguments are required"); :class:`DutchParser` says it in Dutch, and a wrong call raises
:class:`UsageError` so that ``main`` can answer it like any other error (exit 2, ``{"fout"}``
on ``--json``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

JSON_HELP = "druk het verslag af als JSON (sleutels in het Nederlands), voor scripts"
HELP_HELP = "toon deze hulp en stop"

# argparse's messages (Python 3.11/3.12) and their Dutch wording
_MESSAGES = (
    (r"the following arguments are required: (.*)", r"deze argumenten ontbreken: \1"),
    (r"unrecognized arguments: (.*)", r"onbekende argumenten: \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"\1: ongeldige keuze \2 (kies uit \3)",
    ),
    (r"argument (.*?): invalid int value: (.*)", r"\1: \2 is geen geheel getal"),
    (r"argument (.*?): invalid float value: (.*)", r"\1: \2 is geen getal"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"\1: ongeldige waarde \3"),
    (r"argument (.*?): expected one argument", r"\1: verwacht een waarde"),
    (r"argument (.*?): expected at least one argument", r"\1: verwacht minstens één waarde"),
    (r"argument (.*?): not allowed with argument (.*)", r"\1: niet samen met \2"),
    (r"ambiguous option: (.*?) could match (.*)", r"optie \1 is dubbelzinnig: \2"),
)


class UsageError(Exception):
    """The command line itself is wrong; the message is Dutch, ``usage`` the command's usage."""

    def __init__(self, message: str, usage: str):
        super().__init__(message)
        self.usage = usage


def dutch_message(message: str) -> str:
    """Return argparse's English error message in Dutch (unchanged when unknown).

    >>> dutch_message("the following arguments are required: --tabel")
    'deze argumenten ontbreken: --tabel'
    """
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _DutchFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[no-untyped-def]
        # argparse itself passes prefix "" to build a subcommand's name: keep that
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class DutchParser(argparse.ArgumentParser):
    """An ArgumentParser with Dutch headings and help, raising UsageError on a wrong call."""

    def __init__(self, *args: Any, **kwargs: Any):
        wants_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _DutchFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        if wants_help:
            self.add_argument("-h", "--help", action="help", help=HELP_HELP)

    def error(self, message: str):  # type: ignore[override]
        """Raise UsageError (argparse would print English and exit)."""
        raise UsageError(dutch_message(message), self.format_usage())


def add_json(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` with its Dutch help."""
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (non-ASCII kept, dates as text)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, as_json: bool) -> int:
    """Report an error: ``Fout: ...`` on stderr, ``{"fout": ...}`` on stdout for --json; 2."""
    print(f"Fout: {message}", file=sys.stderr)
    if as_json:  # a script reading stdout learns why, too
        print_json({"fout": message})
    return 2
