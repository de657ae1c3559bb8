"""``oovgeo nieuw``: the Doorstuurlijst lists exactly the signals dated on or after D, per partner.

The expected side is written out here: plain SQL on the demo records and the forwarding
setting as a person reads it from the TOML file (no call into the app's new-since code).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from apptest_support import build_demo_home
from openpyxl import load_workbook
from sqlalchemy import text

from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.store import schema
from oovgeo.store.db import make_engine

# The forwarding of this test's configuration file, as a person reads it.
TOML = """
[[forwarding]]
code = "politie"
label = "Politie"
themes = ["ondermijning", "woninginbraak", "jeugdoverlast"]

[[forwarding]]
code = "jongerenwerk"
label = "Jongerenwerk"
themes = ["jeugdoverlast"]
"""
FORWARDED = {
    "Politie": ("ondermijning", "woninginbraak", "jeugdoverlast"),
    "Jongerenwerk": ("jeugdoverlast",),
}
NOT_FORWARDED = "Niet doorgezet"  # every other theme


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = build_demo_home(tmp_path_factory)
    config = home / "doorsturen.toml"
    config.write_text(TOML, encoding="utf-8")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    return home, config, make_engine(settings.database_url)


def run(capsys, monkeypatch, home: Path, *args: str) -> tuple[int, dict]:
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    capsys.readouterr()
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def expected(engine, since: date, themes: tuple[str, ...], inside: bool = True) -> set[tuple]:
    """(dossiernummer, datum, adres) of the signals dated on or after ``since``."""
    names = ", ".join(f"'{t}'" for t in themes)
    where = f"thema {'IN' if inside else 'NOT IN'} ({names})"
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT dossiernummer, datum, adres FROM signals WHERE datum >= :d AND {where}"),
            {"d": since.isoformat()},
        ).all()
    return {(n, date.fromisoformat(str(d)[:10]), a) for n, d, a in rows}


def listed(sheet: pd.DataFrame) -> list[tuple]:
    return [
        (n, pd.Timestamp(d).date(), a)
        for n, d, a in zip(sheet["Dossiernummer"], sheet["Datum"], sheet["Adres"], strict=True)
    ]


def boundary_day(engine) -> date:
    """A day a week before the newest signal with signals on it and on the day before."""
    with engine.connect() as conn:
        days = {
            date.fromisoformat(str(d)[:10])
            for d in conn.execute(text("SELECT DISTINCT datum FROM signals")).scalars()
        }
    day = max(days) - timedelta(days=7)
    while not (day in days and day - timedelta(days=1) in days):
        day -= timedelta(days=1)
    return day


def test_the_list_holds_exactly_the_signals_of_d_and_after_per_partner(
    demo, capsys, monkeypatch, tmp_path
):
    home, config, engine = demo
    since = boundary_day(engine)
    out = tmp_path / "lijst.xlsx"
    code, summary = run(
        capsys, monkeypatch, home, "--config", str(config), "nieuw", "--sinds",
        since.isoformat(), "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["Overzicht", "Politie", "Jongerenwerk", NOT_FORWARDED]
    all_forwarded = tuple(t for themes in FORWARDED.values() for t in themes)
    truth = {label: expected(engine, since, themes) for label, themes in FORWARDED.items()}
    truth[NOT_FORWARDED] = expected(engine, since, all_forwarded, inside=False)
    for label, want in truth.items():
        got = listed(sheets[label])
        assert len(got) == len(set(got)) == len(want), label
        assert set(got) == want, label
    # the boundary day: the signals of D are in, those of the day before are not
    days = {d for rows in truth.values() for _, d, _ in rows}
    assert min(days) == since
    shown_days = {d for label in truth for _, d, _ in listed(sheets[label])}
    assert min(shown_days) == since and since - timedelta(days=1) not in shown_days
    # a jeugdoverlast signal goes to both partners; --json counts every signal once
    both = truth["Politie"] & truth["Jongerenwerk"]
    assert both and summary["signalen"] == len(set().union(*truth.values()))
    assert {p["naam"]: p["signalen"] for p in summary["partners"]} == {
        label: len(rows) for label, rows in truth.items()
    }
    # one day later: exactly the signals dated D drop out
    with engine.connect() as conn:
        on_d = conn.execute(
            text("SELECT count(*) FROM signals WHERE datum = :d"), {"d": since.isoformat()}
        ).scalar_one()
    code, later = run(
        capsys, monkeypatch, home, "--config", str(config), "nieuw", "--sinds",
        (since + timedelta(days=1)).isoformat(), "--out", str(tmp_path / "l2.xlsx"), "--json",
    )  # fmt: skip
    assert code == 0 and on_d > 0
    assert later["signalen"] == summary["signalen"] - on_d


def test_the_workbook_has_real_dates_dutch_headers_and_a_summary_per_theme(
    demo, capsys, monkeypatch, tmp_path
):
    home, config, engine = demo
    since = boundary_day(engine)
    out = tmp_path / "lijst.xlsx"
    code, summary = run(
        capsys, monkeypatch, home, "--config", str(config), "nieuw", "--sinds",
        since.isoformat(), "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0
    wb = load_workbook(out)
    sheet = wb["Politie"]
    assert [c.value for c in sheet[1]] == [
        "Datum", "Thema", "Bron", "Wijk", "Buurt", "Adres", "Dossiernummer",
    ]  # fmt: skip
    first = sheet["A2"]
    assert first.is_date and first.number_format == "DD-MM-YYYY"
    assert first.value.date() == since
    assert sheet["B2"].value in {"Ondermijning", "Woninginbraak", "Jeugdoverlast"}
    # the summary sheet: the counts per partner and theme, recounted with SQL
    overview = pd.read_excel(out, sheet_name="Overzicht", skiprows=4)
    assert list(overview.columns) == ["Partner", "Thema", "Aantal"]
    with engine.connect() as conn:
        per_theme = dict(
            conn.execute(
                text("SELECT thema, count(*) FROM signals WHERE datum >= :d GROUP BY thema"),
                {"d": since.isoformat()},
            ).all()
        )
    politie = overview[overview["Partner"] == "Politie"].set_index("Thema")["Aantal"]
    assert politie.to_dict() == {
        "Ondermijning": per_theme["ondermijning"],
        "Woninginbraak": per_theme["woninginbraak"],
        "Jeugdoverlast": per_theme["jeugdoverlast"],
    }
    assert "op of na" in wb["Overzicht"]["A2"].value  # the rule, in words, above the table


def test_partner_filter_csv_and_the_audit_row(demo, capsys, monkeypatch, tmp_path):
    home, config, engine = demo
    since = boundary_day(engine)
    out = tmp_path / "jongerenwerk.csv"
    code, summary = run(
        capsys, monkeypatch, home, "--config", str(config), "nieuw", "--sinds",
        since.isoformat(), "--partner", "jongerenwerk", "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str)
    assert set(table["Partner"]) == {"Jongerenwerk"}
    want = expected(engine, since, FORWARDED["Jongerenwerk"])
    got = {
        (n, date(int(d[6:]), int(d[3:5]), int(d[:2])), a)
        for n, d, a in zip(table["Dossiernummer"], table["Datum"], table["Adres"], strict=True)
    }
    assert got == want and len(table) == len(want)
    assert [p["code"] for p in summary["partners"]] == ["jongerenwerk"]
    assert summary["signalen"] == len(want)
    with engine.connect() as conn:
        row = conn.execute(
            schema.audit_log.select()
            .where(schema.audit_log.c.object == "nieuw_sinds")
            .order_by(schema.audit_log.c.id.desc())
        ).first()
    assert (row.action, row.origin) == ("export", "cli") and row.actor.startswith("cli:")
    detail = json.loads(row.detail)
    assert detail["per_partner"] == {"jongerenwerk": len(want)}
    assert detail["sinds"] == since.isoformat() and detail["partner"] == "jongerenwerk"
    addresses = {a for _, _, a in want}
    assert not any(a in row.detail for a in addresses)  # counts only, never an address


def test_the_default_start_is_the_last_meeting_and_the_default_forwarding_applies(
    demo, capsys, monkeypatch, tmp_path
):
    home, _, engine = demo
    # the two-weekly follow-up has no dates configured: D is two weeks before today
    since = date.today() - timedelta(days=14)
    code, summary = run(
        capsys, monkeypatch, home, "nieuw", "--partner", "zorgteam", "--out",
        str(tmp_path / "z.csv"), "--json",
    )  # fmt: skip
    assert code == 0 and summary["sinds"] == since.isoformat()
    # README: the Zorg- en veiligheidsteam receives these four themes by default
    themes = ("zorg_veiligheid", "woonoverlast", "brandveiligheid", "mensenhandel")
    assert summary["signalen"] == len(expected(engine, since, themes))
    assert summary["partners"][0]["naam"] == "Zorg- en veiligheidsteam"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--partner", "brandweer"], "onbekende partner 'brandweer'"),
        (["--meeting", "gio"], "onbekend overleg 'gio'"),
        (["--sinds", "2099-01-01"], "ligt in de toekomst"),
        (["--sinds", "13-10"], "geen datum"),
    ],
)
def test_bad_choices_exit_2_with_a_dutch_reason(demo, capsys, monkeypatch, tmp_path, args, message):
    home, _, _ = demo
    out = tmp_path / "x.xlsx"
    code, answer = run(capsys, monkeypatch, home, "nieuw", *args, "--out", str(out), "--json")
    assert code == 2 and message in answer["fout"]
    assert not out.exists()


def test_an_unknown_file_type_is_refused(demo, capsys, monkeypatch, tmp_path):
    home, _, _ = demo
    code, answer = run(
        capsys, monkeypatch, home, "nieuw", "--out", str(tmp_path / "x.pdf"), "--json"
    )
    assert code == 2 and ".xlsx of .csv" in answer["fout"]
