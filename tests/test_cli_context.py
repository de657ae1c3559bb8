"""``oovgeo context``: load, list and remove as a user runs them; refusals exit 2 in Dutch."""

from __future__ import annotations

import json

import pytest
from context_support import CENTRE, square, write_brp_csv_rd, write_geojson_wgs84

from oovgeo.cli import main

X, Y = CENTRE


@pytest.fixture
def cli(home, monkeypatch, capsys):
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)

    def run(*args: str, code: int = 0) -> tuple[str, str]:
        capsys.readouterr()
        assert main(["context", *args]) == code
        out = capsys.readouterr()
        return out.out, out.err

    return run


def test_load_says_what_it_loaded_and_that_a_reload_replaces(cli, tmp_path):
    cams = write_geojson_wgs84(
        tmp_path / "cam.geojson", [square(X, Y), square(X, Y + 800)], ["A", "B"]
    )
    out, _ = cli("load", str(cams), "--soort", "camera", "--naam", "Camera's centrum")
    assert "Contextlaag Cameratoezicht 'Camera's centrum' geladen uit cam.geojson: 2 van 2" in out
    assert "een volgende load van soort camera vervangt deze laag" in out
    out, _ = cli("load", str(cams), "--soort", "camera")
    assert "vervangt de vorige laag van soort camera 'Camera's centrum' (2 objecten" in out
    listed = json.loads(cli("list", "--json")[0])["lagen"]
    assert [(layer["soort"], layer["vlakken"], layer["naam"]) for layer in listed] == [
        ("camera", 2, "Cameratoezicht")
    ]


def test_load_json_has_dutch_keys_and_the_skipped_reasons(cli, tmp_path):
    brp = write_brp_csv_rd(tmp_path / "brp.csv", [(X, Y), (0, 0), (X + 5, Y)])
    data = json.loads(cli("load", str(brp), "--soort", "brp_controle", "--json")[0])
    assert (data["gelezen"], data["geladen"], data["punten"], data["vlakken"]) == (3, 2, 2, 0)
    assert data["overgeslagen"] == {"coördinaat is 0": 1}
    assert data["vervangen"] is None
    assert any("niet bewaard" in n for n in data["opmerkingen"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{kapot", "kan bestand niet lezen"),
        ('{"type": "FeatureCollection", "features": []}', "geen geometrie"),
    ],
)
def test_refusals_exit_2_with_a_dutch_message_and_json(cli, tmp_path, content, message):
    path = tmp_path / "laag.geojson"
    path.write_text(content, "utf-8")
    out, err = cli("load", str(path), "--soort", "camera", "--json", code=2)
    assert message in json.loads(out)["fout"]
    assert err.startswith("Fout: ") and message in err
    out, err = cli("load", str(tmp_path / "weg.csv"), "--soort", "overig", code=2)
    assert out == "" and "bestaat niet" in err
    assert json.loads(cli("list", "--json")[0]) == {"lagen": []}  # nothing was stored


def test_remove(cli, tmp_path):
    cams = write_geojson_wgs84(tmp_path / "cam.geojson", [square(X, Y)], ["A"])
    cli("load", str(cams), "--soort", "camera")
    out, _ = cli("remove", "--soort", "camera")
    assert "Contextlaag Cameratoezicht verwijderd (1 objecten)" in out
    _, err = cli("remove", "--soort", "camera", code=2)
    assert "geen contextlaag van soort 'camera'" in err
    assert "Geen contextlagen geladen" in cli("list")[0]
