"""The ``oovgeo`` command line speaks Dutch: help, version, wrong calls and JSON report keys."""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from apptest_support import build_demo_home
from conftest import SHARED

from oovgeo.cli import build_parser, main

# Commands left out of the walk (none: `oovgeo import` has Dutch help and keys too).
NOT_HERE: set[tuple[str, ...]] = set()

ARGPARSE_ENGLISH = {"show this help message and exit", "show program's version number and exit"}


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Yield (path, parser, help of the command) for every command and subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                yield (*path, name), child, helps.get(name)
                yield from _commands(child, (*path, name))


def _walk():
    parser = build_parser()
    yield ("oovgeo",), parser, parser.description
    for path, child, text in _commands(parser):
        if path[:1] not in {p[:1] for p in NOT_HERE}:
            yield path, child, text


def test_every_command_and_option_has_a_dutch_help_text():
    missing = []
    for path, parser, text in _walk():
        where = " ".join(path)
        if not text:
            missing.append(f"{where} (de opdracht zelf)")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{where} {name}")
            elif action.help in ARGPARSE_ENGLISH:
                missing.append(f"{where} {name}: Engelse standaardtekst")
    assert not missing, "geen (Nederlandse) helptekst:\n" + "\n".join(missing)


def test_help_is_dutch(capsys):
    with pytest.raises(SystemExit) as done:
        main(["boundaries", "load", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("gebruik: oovgeo boundaries load")
    assert "argumenten:" in text and "opties:" in text and "toon deze hulp en stop" in text
    assert "usage" not in text and "options:" not in text.replace("opties:", "")


def test_version_comes_from_the_package_metadata(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"oovgeo {version('oovgeo')}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["police", "import", "x.csv"], "deze argumenten ontbreken: --tabel"),
        (["police", "import", "x.csv", "--tabel", "1"], "--tabel: ongeldige keuze '1'"),
        (
            ["boundaries", "load", "a.geojson", "--editie", "2x"],
            "--editie: '2x' is geen geheel getal",
        ),
        (["status", "--jsn"], "onbekende argumenten: --jsn"),
    ],
)
def test_a_wrong_call_is_answered_in_dutch(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gebruik: oovgeo ") and f"Fout: {message}" in err
    assert main([*argv, "--json"]) == 2
    assert message in json.loads(capsys.readouterr().out)["fout"]


# --- every --json report has Dutch keys ----------------------------------------------------

# Key words that are not Dutch but fine: statistical notation, file formats, loanwords.
ALLOWED = {"p", "bh", "z", "pai", "ci", "n", "m", "12m", "a", "b", "pptx", "pdf", "database"}
ALLOWED |= {"batch", "batches", "code", "codes", "effect", "intact", "max", "min", "s", "id"}
# The Dutch words the reports use now; a new key word is added here after a look.
DUTCH = set(
    """aantal actief afgewezen andere ander bestand beschermd bijgewerkt bron buiten buurt
    cellen compleet controle dagen datum definitief behouden dia door editie eenheid eerste
    fout gebieden gebroken gebruikt gegevens gemeente gemiddelde gevonden gewone groep hernoemd
    herplaatst hoog indeling inwoners interventies jaar jaartotaal jaren kop klasse laag laatste
    landelijk maanden maat melding methode naam niet niveau nieuw notities of oordeel op opgeteld
    ongewijzigd onbekend onvolledige overgeslagen overleg per periode plaatsing publiek
    quarantaine raster regel regels regio reeks rijen signalen soort som spreiding straal tabel
    tekst tellingen thema toelichting tot totaal uitkomst van verwijderd volledig vorig
    waarschuwingen warmtekaart weken wijk zinnen zin peildatum import profiel gelezen dubbel
    tekencodering scheidingsteken werkblad exportdatum uit afwijzingsredenen gekoppeld kolommen
    opgeslagen persoonsgegevens afwijzingen vorige geaccepteerd sluitend rij veld uitleg waarde
    reden label labels in nog ouder lagen geladen punten vlakken opmerkingen vervangen status
    partners sinds voettekst""".split()
)
# Maps whose keys are data (theme, source and placement codes, levels), not report keys.
DATA_MAPS = ("*per_thema", "*per_bron", "*per_plaatsing", "*gebieden", "*herplaatst.*")
DATA_MAPS += ("*afwijzingsredenen", "*niet_gekoppeld.*", "*labels_in_quarantaine", "*plaatsing")


def _keys(value, path: str = ""):
    if isinstance(value, dict):
        for key, child in value.items():
            yield path, key
            here = f"{path}.{key}" if path else key
            if not any(fnmatch.fnmatch(here, pattern) for pattern in DATA_MAPS):
                yield from _keys(child, here)
    elif isinstance(value, list):
        for child in value:
            yield from _keys(child, path)


def _json_commands() -> set[tuple[str, ...]]:
    return {
        path
        for path, parser, _ in _walk()
        if any("--json" in action.option_strings for action in parser._actions)
    }


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    if not SHARED.exists():
        pytest.fail(f"reference data missing: {SHARED}")
    return build_demo_home(tmp_path_factory), tmp_path_factory.mktemp("data_home")


def _population(folder: Path) -> Path:
    path = folder / "85984NED.csv"
    path.write_text(
        "ID;WijkenEnBuurten;Codering_3;AantalInwoners_5\n0;NL00;NL00;17942942\n"
        "1;BU06220101;BU06220101;1235\n",
        encoding="utf-8",
    )
    return path


def _mor_export(folder: Path) -> Path:
    path = folder / "meldingen_2025-06-01.csv"
    path.write_text(
        "Meldingnummer;Datum melding;Categorie;Kanaal;Buurtcode\n"
        "A1;01-05-2025;Drugs;MOR;BU06220101\nA2;02-05-2025;Woonoverlast;Balie;BU06220101\n"
        "Totaal: 2\n",
        encoding="utf-8",
    )
    return path


def _camera_area(folder: Path) -> Path:
    ring = [[4.34, 51.905], [4.345, 51.905], [4.345, 51.908], [4.34, 51.908], [4.34, 51.905]]
    feature = {"type": "Feature", "properties": {"naam": "Centrum"}}
    feature["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    path = folder / "camera.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.mark.slow  # builds the demo and runs every analysis once
def test_every_json_report_has_dutch_keys(homes, tmp_path, monkeypatch, capsys):
    demo, data = homes
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOVGEO_CONFIG", raising=False)
    monkeypatch.setenv("OOVGEO_BOUNDARIES_PDOK_URL", "http://127.0.0.1:9/{year}")  # offline
    police = Path(__file__).parent / "fixtures" / "police" / "misdrijven_47022_vlaardingen.csv"
    # (home, arguments) per command with --json, in order: writes come last on each home
    calls = {
        ("boundaries", "load"): (data, [SHARED / "buurten_2025.geojson"]),
        ("boundaries", "names"): (data, [SHARED / "gebiedscodes_2025.csv"]),
        ("boundaries", "fetch"): (data, []),  # no network: the error report {"fout"}
        ("population", "load"): (data, [_population(tmp_path)]),
        ("police", "import"): (data, [police, "--tabel", "47022NED"]),
        ("import",): (data, ["signals", _mor_export(tmp_path)]),
        ("labels", "lijst"): (data, []),
        ("labels", "koppel"): (data, ["thema", "Drugs", "ondermijning"]),
        ("context", "load"): (data, [_camera_area(tmp_path), "--soort", "camera"]),
        ("context", "list"): (data, []),
        ("context", "remove"): (data, ["--soort", "camera"]),
        ("nieuw",): (demo, ["--out", tmp_path / "nieuw.xlsx"]),
        ("status",): (demo, []),
        ("compare",): (demo, []),
        ("trends",): (demo, []),
        ("hotspots",): (demo, []),
        ("effect",): (demo, []),
        ("export",): (demo, ["kaart"]),
        ("quarantine", "export"): (demo, ["--out", tmp_path / "q.csv"]),
        ("audit", "verify"): (demo, []),
        ("pack",): (demo, ["--meeting", "integraal", "--out", tmp_path / "pakket"]),
        ("backup",): (demo, [tmp_path / "b.sqlite"]),
        ("restore",): (demo, [tmp_path / "b.sqlite"]),
        ("purge",): (demo, []),
    }
    assert _json_commands() == set(calls), "give every --json command its arguments here"
    english = []
    for command, (home, args) in calls.items():
        monkeypatch.setenv("OOVGEO_HOME", str(home))
        capsys.readouterr()
        code = main([*command, *map(str, args), "--json"])
        out = capsys.readouterr().out
        assert code in (0, 2) and out, command
        report = json.loads(out)
        if command != ("boundaries", "fetch"):
            assert code == 0 and "fout" not in report, (command, report)
        for path, key in _keys(report):
            words = [w for w in re.split(r"[_']", key.lower()) if w]
            if not all(w in DUTCH or w in ALLOWED or w.isdigit() for w in words):
                english.append(f"{' '.join(command)}: {path}.{key}".replace(": .", ": "))
    assert not english, "niet-Nederlandse sleutels:\n" + "\n".join(sorted(set(english)))
