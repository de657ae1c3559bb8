"""`oovgeo boundaries|population|police` with every reference file, alone and combined.

In-process (``cli.main``): each call either loads (exit 0) or says in Dutch why not (exit 2);
a traceback would fail the test with the exception itself.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
from conftest import SHARED

from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.store.areas_repo import active_edition, load_areas
from oovgeo.store.db import make_engine

FILES = sorted(path.name for path in SHARED.iterdir()) if SHARED.exists() else []
GEO = [name for name in FILES if name.endswith(".geojson")]
# English that the OS, GDAL or argparse would put in a message
ENGLISH = re.compile(r"Errno|No such file|not recognized|Traceback|Permission denied|usage:")


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOVGEO_CONFIG", raising=False)
    return home


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_dutch_refusal(code: int, err: str) -> str:
    assert code == 2, err
    assert err.startswith("Fout: ") and not ENGLISH.search(err), err
    return err


def stored(home):
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        edition = active_edition(conn)
    areas = load_areas(engine, edition) if edition else None
    engine.dispose()
    return areas


# What each reference file does on its own; a file added to ../shared/data later still has to
# load or be refused in Dutch (test_every_file_alone_loads_or_is_refused_in_dutch).
ALONE = {
    "buurten_2025.geojson": (0, "1 gemeente, 8 wijken, 40 buurten"),
    "wijken_2025.geojson": (0, "1 gemeente, 8 wijken"),
    "wijken_2025_uit_buurten.geojson": (0, "1 gemeente, 8 wijken"),
    "gemeenten_2025.geojson": (2, "alleen gemeentegrenzen (GM0622, editie 2025), geen wijken"),
    "gebiedscodes_2025.csv": (2, "oovgeo boundaries names gebiedscodes_2025.csv"),
    "README.md": (2, "README.md is geen GeoJSON, GeoPackage, Shapefile"),
}


def test_the_reference_folder_is_what_this_test_expects():
    assert set(ALONE) <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_every_file_alone_loads_or_is_refused_in_dutch(home, capsys, name):
    code, out, err = run(capsys, "boundaries", "load", SHARED / name)
    expected_code, text = ALONE.get(name, (code, ""))
    if code == 2:
        assert_dutch_refusal(code, err)
    assert code == expected_code, err
    assert text in (out if code == 0 else err)
    if code == 2:
        assert stored(home) is None  # a refused file changes nothing


@pytest.mark.parametrize("names", list(itertools.combinations(FILES, 2)))
def test_every_pair_loads_or_is_refused_in_dutch(home, capsys, names):
    code, out, err = run(capsys, "boundaries", "load", *(SHARED / n for n in names))
    if code == 2:
        assert_dutch_refusal(code, err)
    else:
        assert code == 0 and out.startswith("Gebiedsindeling 2025 geladen: ")
    # a pair loads exactly when it has boundaries with wijken or buurten and nothing else
    usable = set(names) <= set(GEO) and set(names) != {"gemeenten_2025.geojson"}
    assert (code == 0) == usable, (names, err)


def test_the_three_layers_load_and_name_the_wijken_that_do_not_nest(home, capsys):
    layers = ("gemeenten_2025.geojson", "wijken_2025.geojson", "buurten_2025.geojson")
    code, out, err = run(capsys, "boundaries", "load", *(SHARED / n for n in layers), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["gebieden"] == {"gemeente": 1, "wijk": 8, "buurt": 40}
    warned = [w.split()[1] for w in report["waarschuwingen"] if w.startswith("wijk ")]
    assert "WK062201" in warned and "WK062205" in warned
    # the same wijken rebuilt from their buurten nest: no warning
    nested = ("gemeenten_2025.geojson", "wijken_2025_uit_buurten.geojson", "buurten_2025.geojson")
    code, out, err = run(capsys, "boundaries", "load", *(SHARED / n for n in nested), "--json")
    assert code == 0 and json.loads(out)["waarschuwingen"] == []


def test_loading_wijken_alone_after_the_buurten_keeps_the_buurten(home, capsys):
    code, _, err = run(capsys, "boundaries", "load", SHARED / "buurten_2025.geojson")
    assert code == 0, err
    code, _, err = run(capsys, "boundaries", "load", SHARED / "wijken_2025.geojson")
    assert "al 40 buurten" in assert_dutch_refusal(code, err)
    assert (stored(home)["level"] == "buurt").sum() == 40  # nothing was replaced


def test_a_code_list_renames_the_areas_in_use(home, capsys, tmp_path):
    code, _, err = run(capsys, "boundaries", "names", SHARED / "gebiedscodes_2025.csv")
    assert "nog geen gebiedsindeling geladen" in assert_dutch_refusal(code, err)

    assert run(capsys, "boundaries", "load", SHARED / "buurten_2025.geojson")[0] == 0
    own = tmp_path / "namen.csv"
    own.write_text(
        "statcode;statnaam;jaar\n"
        "WK062201;Centrum;2025\n"  # as it is
        "WK062203;Vettenoord;2025\n"  # renamed
        "BU06220101;Indische buurt (Oost);2025\n"  # renamed
        "BU06229999;Bestaat niet;2025\n"  # not in the edition
        "BU06060101;Schiedam Centrum;2025\n"  # another gemeente
        "WK062202;Westwijk oud;2024\n",  # another year
        encoding="utf-8",
    )
    code, out, err = run(capsys, "boundaries", "names", own, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert {k: report[k] for k in ("codes", "hernoemd", "ongewijzigd", "niet_gevonden")} == {
        "codes": 6,
        "hernoemd": 2,
        "ongewijzigd": 1,
        "niet_gevonden": 1,
    }
    assert (report["andere_gemeente"], report["ander_jaar"]) == (1, 1)
    assert report["niet_gevonden_codes"] == ["BU06229999"]
    names = stored(home).set_index("code")["name"]
    assert names["WK062203"] == "Vettenoord" and names["WK062202"] == "Westwijk"
    assert names["BU06220101"] == "Indische buurt (Oost)"

    code, out, _ = run(capsys, "boundaries", "names", SHARED / "gebiedscodes_2025.csv")
    assert code == 0
    assert "(90 codes) in gebiedsindeling 2025: 2 hernoemd, 47 al zo" in out
    assert "41 van andere gemeenten" in out  # Schiedam and Maassluis


def test_a_code_list_of_another_year_is_refused(home, capsys, tmp_path):
    assert run(capsys, "boundaries", "load", SHARED / "buurten_2025.geojson")[0] == 0
    old = tmp_path / "codes_2024.csv"
    old.write_text("statcode,statnaam,jaar\nWK062201,Centrum,2024\n", encoding="utf-8")
    code, _, err = run(capsys, "boundaries", "names", old)
    assert "codelijst van 2024; de gebiedsindeling in gebruik is 2025" in assert_dutch_refusal(
        code, err
    )


# Every command that reads a file, with a file that is not there (and whether it has --json).
READERS = [
    (("boundaries", "load", "{missing}"), True),
    (("boundaries", "names", "{missing}"), True),
    (("population", "load", "{missing}"), True),
    (("police", "import", "{missing}", "--tabel", "47022NED"), True),
    (("import", "signals", "{missing}"), True),
    (("restore", "{missing}"), True),
    (("demo", "--boundaries", "{missing}"), False),
]


@pytest.mark.parametrize(
    ("command", "has_json"), READERS, ids=[" ".join(c[:2]) for c, _ in READERS]
)
def test_a_missing_file_is_named_in_dutch(home, capsys, tmp_path, command, has_json):
    missing = tmp_path / "weg.csv"
    args = [part.format(missing=missing) for part in command]
    code, out, err = run(capsys, *args)
    assert str(missing) in assert_dutch_refusal(code, err)
    assert "niet gevonden" in err or "bestaat niet" in err
    assert out == ""
    if has_json:  # a script reading stdout learns why, too
        code, out, err = run(capsys, *args, "--json")
        assert str(missing) in assert_dutch_refusal(code, err)
        assert json.loads(out) == {"fout": err.removeprefix("Fout: ").strip()}


def test_a_folder_instead_of_a_file(home, capsys, tmp_path):
    code, _, err = run(capsys, "police", "import", tmp_path, "--tabel", "47022NED", "--json")
    assert f"{tmp_path} is een map, geen bestand" in assert_dutch_refusal(code, err)
    code, _, err = run(capsys, "boundaries", "load", tmp_path)
    assert "is een map, geen bestand" in assert_dutch_refusal(code, err)


def test_the_population_report_counts_what_was_skipped(home, capsys, tmp_path):
    assert run(capsys, "boundaries", "load", SHARED / "buurten_2025.geojson")[0] == 0
    table = tmp_path / "85984NED_UntypedDataSet_07122025_101500.csv"
    table.write_text(
        '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AantalInwoners_5"\n'
        '"0";"NL00      ";"Nederland ";"Land      ";"NL00      ";"  17942942"\n'
        '"1";"BU06220101";"Vlaardingen";"Buurt     ";"BU06220101";"      1235"\n'
        '"2";"BU06220102";"Vlaardingen";"Buurt     ";"BU06220102";"         ."\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "population", "load", table, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["rijen"], report["overgeslagen"], report["onbekend"]) == (2, 1, 1)
    assert report["jaren"] == [2024]
