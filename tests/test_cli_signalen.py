"""`oovgeo import signals FILE.json`: Signalen by content, and {"fout"} with exit 2 when bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oovgeo.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "signalen"


@pytest.fixture
def cli_home(tmp_path, monkeypatch, shared_data):
    home = tmp_path / "home"
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOVGEO_CONFIG", raising=False)
    assert main(["boundaries", "load", str(shared_data / "buurten_2025.geojson")]) == 0
    return home


def _run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_file_is_imported_as_signalen_whatever_the_profile(cli_home, capsys, tmp_path):
    # a download without extension, recognised by its content
    download = tmp_path / "signals"
    download.write_bytes((FIXTURES / "api_signals.json").read_bytes())
    code, out, _ = _run(capsys, "import", "signals", str(download), "--json")
    report = json.loads(out)
    assert code == 0 and report["profiel"] == "signalen" and report["rijen_gelezen"] == 15
    assert report["sluitend"] is True and report["nieuw"] == 11

    code, out, _ = _run(capsys, "import", "signals", str(FIXTURES / "geography.geojson"))
    assert code == 0 and "geography.geojson: 11 rijen gelezen, 9 geaccepteerd" in out
    code, out, _ = _run(capsys, "import", "signals", str(FIXTURES / "geography.geojson"))
    assert code == 0 and "al geïmporteerd" in out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{kapot", "geen geldige JSON"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
            '{"type": "LineString", "coordinates": [[4.3, 51.9], [4.4, 51.9]]}, "properties": {}}]}',
            "LineString, geen punt",
        ),
        ('{"hallo": "wereld"}', "geen Signalen-export"),
    ],
)
def test_bad_json_gives_fout_and_exit_2(cli_home, capsys, tmp_path, content, words):
    bad = tmp_path / "meldingen.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "import", "signals", str(bad), "--json")
    assert code == 2
    answer = json.loads(out)
    assert list(answer) == ["fout"] and words in answer["fout"]
    assert err.startswith("Fout:") and "Traceback" not in err


def test_json_as_interventions_is_refused(cli_home, capsys):
    code, out, err = _run(
        capsys, "import", "interventions", str(FIXTURES / "api_signals.json"), "--json"
    )
    assert code == 2 and "geen interventies" in json.loads(out)["fout"]
