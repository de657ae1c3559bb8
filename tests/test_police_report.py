"""The police import accounts for every row of the file: rows = used + skipped per reason."""

from __future__ import annotations

import json

import pytest

from oovgeo.cli import main
from oovgeo.police import read_police_csv


def _row(category: str, area: str, period: str, count: int) -> str:
    # 47022NED typed CSV: padded keys, ID first, names after the measure
    return f"0;{category:<7};{area:<10};{period};{count};Naam;Soort"


def _export() -> tuple[str, dict]:
    """A 47022NED export whose every row has a known fate, and that fate per reason."""
    rows = []
    for area in ("GM0622", "WK062201"):  # used: 2 categories x 2 areas x 3 months
        for category in ("0.0.0", "1.1.1"):
            rows += [_row(category, area, f"2024MM0{m}", m) for m in (1, 2, 3)]
            rows.append(_row(category, area, "2024JJ00", 6))  # year totals: 4
    rows.append(_row("1.1.1", "GM0622", "2024KW01", 6))  # a quarter: 1
    rows += [_row("0.0.0", "NL00", f"2024MM0{m}", 999) for m in (1, 2, 3)]  # national: 3
    rows.append(_row("0.0.0", "NL00", "2024JJ00", 9999))  # national year total: 1
    rows.append(_row("0.0.0", "LD03", "2024MM01", 500))  # landsdeel: 1
    rows += [_row("1.1.1", "GM0606", f"2024MM0{m}", 7) for m in (1, 2, 3)]  # Schiedam: 3
    rows.append(_row("1.1.1", "GM0606", "2024JJ00", 21))  # Schiedam year total: 1
    header = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1;Gemeentenaam_2;SoortRegio_3"
    expected = {
        "rijen": 26,
        "gebruikt": 12,
        "overgeslagen": {
            "landelijk_of_regio": 5,
            "andere_gemeente": 4,
            "jaartotaal": 4,
            "andere_periode": 1,
        },
    }
    return "\n".join([header, *rows]) + "\n", expected


def test_every_row_has_one_reason():
    text, expected = _export()
    report = read_police_csv(
        text.encode(), "47022NED.csv", table="47022NED", gemeenten=["GM0622"]
    ).attrs["report"]
    assert {key: report[key] for key in expected} == expected
    assert report["rijen"] == report["gebruikt"] + sum(report["overgeslagen"].values())


@pytest.fixture
def cli_home(tmp_path, monkeypatch):
    monkeypatch.setenv("OOVGEO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OOVGEO_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOVGEO_CONFIG", raising=False)
    return tmp_path


def test_the_command_says_what_it_used_and_skipped(cli_home, capsys):
    text, expected = _export()
    path = cli_home / "47022NED_TypedDataSet.csv"
    path.write_text(text, encoding="utf-8")

    assert main(["police", "import", str(path), "--tabel", "47022NED"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Het bestand heeft 26 rijen: 12 gebruikt, 14 overgeslagen: ")
    for part in (
        "5 landelijk of regio (zoals NL00)",
        "4 andere gemeente",
        "4 jaartotaal (JJ00)",
        "1 andere periode",
        "Van de 12 gebruikte rijen: 12 nieuw",
    ):
        assert part in said

    assert main(["police", "import", str(path), "--tabel", "47022NED", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {key: report[key] for key in expected} == expected
    assert (report["nieuw"], report["ongewijzigd"], report["bijgewerkt"]) == (0, 12, 0)
    assert report["melding"].endswith("alle 12 gebruikte rijen stonden al zo in de database.")
    assert report["tabel"] == "47022NED" and report["onvolledige_maanden"] == ["2024-03"]
