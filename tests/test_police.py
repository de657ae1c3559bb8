"""Police open data (47022NED misdrijven, 47024NED overlast): reading, crosswalk and storage."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy
from sqlalchemy import func, select

from oovgeo import police
from oovgeo.config import DEFAULT_THEMES
from oovgeo.police import TOTAL, PoliceImportError, read_police_csv
from oovgeo.store import schema
from oovgeo.store.police_repo import load_police, police_counts, store_police

FIXTURES = Path(__file__).parent / "fixtures" / "police"
MISDRIJVEN = FIXTURES / "misdrijven_47022_vlaardingen.csv"
OVERLAST = FIXTURES / "overlast_47024_vlaardingen.csv"
JAN, FEB, MAR = (pd.Timestamp(2024, m, 1) for m in (1, 2, 3))
MAY, JUN = pd.Timestamp(2024, 5, 1), pd.Timestamp(2024, 6, 1)


def _read(path: Path = MISDRIJVEN, table: str = "47022NED", **kwargs) -> pd.DataFrame:
    kwargs.setdefault("gemeenten", ["GM0622"])
    return read_police_csv(path.read_bytes(), path.name, table=table, **kwargs)


def _csv(text: str, name: str = "export.csv", table: str = "47022NED", **kwargs):
    kwargs.setdefault("gemeenten", ["GM0622"])
    return read_police_csv(text.encode("utf-8"), name, table=table, **kwargs)


def _cells(frame: pd.DataFrame) -> dict[tuple[str, str, pd.Timestamp], int | None]:
    return {
        (c, a, m): None if pd.isna(n) else int(n)
        for c, a, m, n in zip(
            frame["category"], frame["area_code"], frame["month"], frame["count"], strict=True
        )
    }


# Every monthly cell the 47022 fixture holds for Vlaardingen (None = unknown).
EXPECTED_47022 = {
    (TOTAL, "GM0622", JAN): 25,
    (TOTAL, "GM0622", FEB): 20,
    (TOTAL, "GM0622", MAR): 6,
    ("1.1.1", "GM0622", JAN): 12,
    ("1.1.1", "GM0622", FEB): 10,
    ("1.1.1", "GM0622", MAR): 3,
    ("3.1.1", "GM0622", JAN): 4,
    ("3.1.1", "GM0622", FEB): None,
    ("3.1.1", "GM0622", MAR): 1,
    ("1.4.5", "GM0622", JAN): 9,
    ("1.4.5", "GM0622", FEB): 7,
    ("1.4.5", "GM0622", MAR): 2,
    (TOTAL, "WK062201", JAN): 11,
    (TOTAL, "WK062201", FEB): 4,
    (TOTAL, "WK062201", MAR): 2,
    ("1.1.1", "WK062201", JAN): 5,
    ("1.1.1", "WK062201", FEB): 0,
    ("1.1.1", "WK062201", MAR): 1,
    ("3.1.1", "WK062201", JAN): 2,
    ("3.1.1", "WK062201", FEB): 1,
    ("3.1.1", "WK062201", MAR): 0,
    ("1.4.5", "WK062201", JAN): None,
    ("1.4.5", "WK062201", FEB): 3,
    ("1.4.5", "WK062201", MAR): 1,
    (TOTAL, "BU06220101", JAN): 2,
    (TOTAL, "BU06220101", FEB): 1,
    (TOTAL, "BU06220101", MAR): 0,
    ("1.1.1", "BU06220101", JAN): 2,
    ("1.1.1", "BU06220101", FEB): 1,
    ("1.1.1", "BU06220101", MAR): 0,
}


# --- 47022NED: every trap in one file ------------------------------------------------------


def test_fixture_is_cp1252_and_semicolon_separated():
    data = MISDRIJVEN.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.splitlines()[0].count(b";") == 6
    frame = _read()
    assert any("Windows-1252" in w for w in frame.attrs["report"]["waarschuwingen"])


def test_exact_monthly_counts_per_category_and_area():
    frame = _read()
    assert list(frame.columns) == police.COLUMNS
    assert _cells(frame) == EXPECTED_47022
    assert set(frame["table"]) == {"47022NED"}
    assert str(frame["count"].dtype) == "Int64"
    assert frame["incomplete"].dtype == bool


def test_padded_keys_are_stripped():
    frame = _read()
    for column in ("category", "area_code"):
        assert all(value == value.strip() for value in frame[column])
    assert {"1.1.1", "3.1.1", "1.4.5", TOTAL} == set(frame["category"])
    assert "1.1.1  " in MISDRIJVEN.read_bytes().decode("cp1252")  # the trap is in the file


def test_yearly_rows_are_not_months_and_never_added():
    frame = _read()
    assert set(frame["month"]) == {JAN, FEB, MAR}
    assert frame.attrs["report"]["overgeslagen"]["jaartotaal"] == 8
    burglary = frame[(frame["category"] == "1.1.1") & (frame["area_code"] == "GM0622")]
    assert int(burglary["count"].sum()) == 12 + 10 + 3  # not + the 2024JJ00 row of 25


def test_total_is_its_own_category_and_never_added_to_its_parts():
    frame = _read()
    sums = police.sum_categories(frame)
    got = {
        (a, m): None if pd.isna(n) else int(n)
        for a, m, n in zip(sums["area_code"], sums["month"], sums["count"], strict=True)
    }
    # Sum of the parts as put in the fixture; the total row (25, 11, ...) is not part of it.
    assert got[("GM0622", JAN)] == 12 + 4 + 9
    assert got[("GM0622", MAR)] == 3 + 1 + 2
    assert got[("WK062201", FEB)] == 0 + 1 + 3
    assert got[("BU06220101", JAN)] == 2
    # A sum with an unknown part is unknown, not a smaller number.
    assert got[("GM0622", FEB)] is None
    assert got[("WK062201", JAN)] is None
    total = frame[(frame["category"] == TOTAL) & (frame["area_code"] == "GM0622")]
    assert total.set_index("month")["count"].to_dict() == {JAN: 25, FEB: 20, MAR: 6}


def test_sums_keep_levels_apart():
    sums = police.sum_categories(_read())
    assert set(zip(sums["level"], sums["area_code"], strict=True)) == {
        ("gemeente", "GM0622"),
        ("wijk", "WK062201"),
        ("buurt", "BU06220101"),
    }


def test_unknown_is_na_never_zero():
    frame = _read()
    cells = _cells(frame)
    assert cells[("3.1.1", "GM0622", FEB)] is None  # "." in the file
    assert cells[("1.4.5", "WK062201", JAN)] is None  # empty cell in the file
    assert cells[("1.1.1", "WK062201", FEB)] == 0  # a real zero stays zero
    assert frame.attrs["report"]["onbekend_aantal"] == 2
    assert int(frame["count"].isna().sum()) == 2


def test_only_the_last_month_is_incomplete():
    frame = _read()
    assert frame.groupby("month")["incomplete"].agg(["all", "any"]).to_dict("index") == {
        JAN: {"all": False, "any": False},
        FEB: {"all": False, "any": False},
        MAR: {"all": True, "any": True},
    }
    assert frame.attrs["report"]["onvolledige_maanden"] == ["2024-03"]


def test_provisional_mark_makes_a_month_incomplete():
    text = (
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
        "1.1.1;GM0622;2024MM01;4\n"
        "1.1.1;GM0622;2024MM02*;5\n"
        "1.1.1;GM0622;2024MM03;6\n"
    )
    frame = _csv(text)
    assert frame.set_index("month")["incomplete"].to_dict() == {JAN: False, FEB: True, MAR: True}


def test_levels_and_other_gemeenten():
    frame = _read()
    assert frame.groupby("level")["area_code"].unique().map(sorted).to_dict() == {
        "buurt": ["BU06220101"],
        "gemeente": ["GM0622"],
        "wijk": ["WK062201"],
    }
    report = frame.attrs["report"]
    assert report["overgeslagen"]["andere_gemeente"] == 6  # GM1900 and WK190001, three months
    assert report["overgeslagen"]["landelijk_of_regio"] == 1  # NL00
    other = _read(gemeenten=["1900"])
    assert set(other["area_code"]) == {"GM1900", "WK190001"}
    assert set(other["count"]) == {99, 98}
    # The last month of the *file* is incomplete, whichever gemeente is kept.
    assert set(other.loc[other["incomplete"], "month"]) == {MAR}


def test_several_gemeenten():
    both = _read(gemeenten=["GM0622", "GM1900"])
    assert len(both) == 30 + 6


def test_no_rows_for_the_gemeente():
    with pytest.raises(PoliceImportError, match="geen maandcijfers .* GM0599"):
        _read(gemeenten=["GM0599"])


def test_bad_gemeente_setting():
    with pytest.raises(PoliceImportError, match="gemeentecode"):
        _read(gemeenten=["Vlaardingen"])
    with pytest.raises(PoliceImportError, match="geen gemeente"):
        _read(gemeenten=[])


# --- columns, formats and refusals -----------------------------------------------------------


def test_labelled_header_names_with_codes_are_accepted():
    text = (
        "Soort misdrijf;Wijken en buurten;Perioden;Geregistreerde misdrijven (aantal)\n"
        "0.0.0  ;GM0622    ;2024MM01;5\n"
        "1.1.1  ;GM0622    ;2024MM01;5\n"
    )
    assert _cells(_csv(text)) == {(TOTAL, "GM0622", JAN): 5, ("1.1.1", "GM0622", JAN): 5}


def test_comma_separated_and_first_measure_column():
    text = (
        "ID,SoortMisdrijf,WijkenEnBuurten,Perioden,GeregistreerdeMisdrijven_1,"
        "GeregistreerdeMisdrijvenPer1000Inwoners_2\n"
        "0,1.1.1,WK062201,2024MM01,7,3.5\n"
    )
    assert _cells(_csv(text)) == {("1.1.1", "WK062201", JAN): 7}


def test_labelled_export_is_refused():
    text = (
        "Soort misdrijf;Wijken en buurten;Perioden;Geregistreerde misdrijven (aantal)\n"
        "Totaal misdrijven;Vlaardingen;2024 maart;25\n"
        "1.1.1 Diefstal/inbraak woning;Vlaardingen Centrum;2024 maart;3\n"
    )
    with pytest.raises(PoliceImportError) as info:
        _csv(text)
    message = str(info.value)
    assert "omschrijvingen in plaats van codes" in message
    assert "2024 maart" in message and "rij 2" in message
    assert "CSV met codes" in message


def test_a_few_bad_codes_are_listed_by_row():
    text = (
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
        "1.1.1;GM0622;2024MM01;4\n"
        "1.1.1;GM0622;2024MM02;4\n"
        "1.1.1;GM0622;2024/03;4\n"
    )
    with pytest.raises(PoliceImportError, match=r"rij 4: geen geldige periode"):
        _csv(text)


def test_missing_columns_are_named():
    text = "SoortMisdrijf;Perioden;Aantal\n1.1.1;2024MM01;3\n"
    with pytest.raises(PoliceImportError) as info:
        _csv(text)
    assert "WijkenEnBuurten" in str(info.value)
    assert "GeregistreerdeMisdrijven" in str(info.value)


def test_nuisance_file_offered_as_crime_table_gets_a_hint():
    with pytest.raises(PoliceImportError, match="lijkt op tabel 47024NED"):
        _read(OVERLAST, table="47022NED")


def test_unknown_table():
    with pytest.raises(PoliceImportError, match="Onbekende politietabel '47018NED'"):
        _read(table="47018NED")


def test_counts_must_be_whole_numbers_and_dash_is_nihil():
    text = (
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
        "1.1.1;GM0622;2024MM01;-\n"
        "1.1.1;GM0622;2024MM02;x\n"
        "1.1.1;GM0622;2024MM03;4.0\n"
    )
    assert _cells(_csv(text)) == {
        ("1.1.1", "GM0622", JAN): 0,
        ("1.1.1", "GM0622", FEB): None,
        ("1.1.1", "GM0622", MAR): 4,
    }
    bad = text.replace(";4.0\n", ";3,5\n")
    with pytest.raises(PoliceImportError, match=r"rij 4: aantal is geen geheel getal .*3,5"):
        _csv(bad)


def test_duplicate_cells_are_refused():
    text = (
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n"
        "1.1.1;GM0622;2024MM01;4\n"
        "1.1.1  ;GM0622    ;2024MM01;5\n"
    )
    with pytest.raises(PoliceImportError, match=r"meer dan eens \(rij 2, 3\)"):
        _csv(text)


def test_unreadable_file_becomes_police_import_error():
    with pytest.raises(PoliceImportError, match="leeg"):
        read_police_csv(b"", "leeg.csv", table="47022NED", gemeenten=["GM0622"])


# --- 47024NED ----------------------------------------------------------------------------------


def test_nuisance_fixture():
    frame = _read(OVERLAST, table="47024NED")
    cells = _cells(frame)
    assert cells[(TOTAL, "GM0622", MAY)] == 30
    assert cells[("OVL0001", "GM0622", MAY)] == 10
    assert cells[("OVL0004", "WK062202", JUN)] is None  # empty cell
    assert cells[(TOTAL, "WK062202", JUN)] is None  # "."
    assert cells[("OVL0002", "WK062202", JUN)] == 0
    assert len(frame) == 2 * 2 * 6
    assert set(frame["month"]) == {MAY, JUN}
    assert set(frame.loc[frame["incomplete"], "month"]) == {JUN}
    assert frame.attrs["report"]["overgeslagen"]["jaartotaal"] == 6
    sums = police.sum_categories(frame).set_index(["area_code", "month"])["count"]
    assert sums[("GM0622", MAY)] == 10 + 5 + 8 + 4 + 3


def test_nuisance_alternative_and_configured_columns():
    text = (
        "ID;SoortOverlast;WijkenEnBuurten;Perioden;Registraties_1\n"
        "1;OVL0001   ;WK062202  ;2024MM05;3\n"
    )
    assert _cells(_csv(text, table="47024NED")) == {("OVL0001", "WK062202", MAY): 3}
    custom = "Meldingsoort;WijkenEnBuurten;Perioden;Aantal_1\nOVL0001;GM0622;2024MM05;3\n"
    with pytest.raises(PoliceImportError, match="Overlast of SoortOverlast"):
        _csv(custom, table="47024NED")
    frame = _csv(custom, table="47024NED", category_column="Meldingsoort", measure_prefix="Aantal")
    assert _cells(frame) == {("OVL0001", "GM0622", MAY): 3}


def test_unknown_total_key_is_recognised_from_the_numbers():
    without_totals = police.Crosswalk(tables={})
    frame = _read(OVERLAST, table="47024NED", mapping=without_totals)
    assert set(frame.loc[frame["category"] == TOTAL, "count"].dropna()) == {30, 12, 9}
    assert "OVL0000" not in set(frame["category"])
    assert any("OVL0000" in w for w in frame.attrs["report"]["waarschuwingen"])


def test_parts_without_a_total_are_not_mistaken_for_one():
    lines = OVERLAST.read_text("utf-8").splitlines()
    parts_only = "\n".join(line for line in lines if "OVL0000" not in line) + "\n"
    frame = _csv(parts_only, table="47024NED", mapping=police.Crosswalk(tables={}))
    assert TOTAL not in set(frame["category"])
    assert not frame.attrs["report"]["waarschuwingen"]


# --- crosswalk ----------------------------------------------------------------------------------


def test_crosswalk_themes_and_total():
    frame = police.crosswalk(_read())
    themes = dict(zip(frame["category"], frame["theme"], strict=True))
    assert themes["1.1.1"] == "woninginbraak"
    assert themes["3.1.1"] == "ondermijning"
    assert pd.isna(themes["1.4.5"])  # Mishandeling: deliberately without a theme
    assert pd.isna(themes[TOTAL])
    assert police.unmapped_categories(frame) == []


def test_crosswalk_nuisance_and_unmapped():
    frame = police.crosswalk(_read(OVERLAST, table="47024NED"))
    themes = dict(zip(frame["category"], frame["theme"], strict=True))
    assert themes["OVL0001"] == "jeugdoverlast"
    assert themes["OVL0002"] == "zorg_veiligheid"
    assert themes["OVL0003"] == themes["OVL0004"] == "woonoverlast"
    assert pd.isna(themes["OVL0099"]) and pd.isna(themes[TOTAL])
    assert police.unmapped_categories(frame) == [("47024NED", "OVL0099")]
    by_theme = police.sum_categories(frame, by=["level", "area_code", "month", "theme"])
    woon = by_theme[(by_theme["area_code"] == "GM0622") & (by_theme["theme"] == "woonoverlast")]
    assert woon.set_index("month")["count"].to_dict() == {MAY: 8 + 4, JUN: 3 + 2}
    # The total never lands in a theme, so theme sums cannot count it twice; a theme with an
    # unknown part is unknown.
    gm = by_theme[by_theme["area_code"] == "GM0622"]
    assert gm["count"].sum() == 30 + 12  # the two monthly totals, all parts known
    wk_june = by_theme[(by_theme["area_code"] == "WK062202") & (by_theme["month"] == JUN)]
    assert pd.isna(wk_june.set_index("theme")["count"]["woonoverlast"])


def test_shipped_crosswalk_uses_configured_themes_only():
    mapping = police.load_crosswalk()
    assert police.check_crosswalk(mapping, [t["code"] for t in DEFAULT_THEMES]) == []
    assert mapping.table("47022NED").total_keys == {"0.0.0"}
    problems = police.check_crosswalk(mapping, ["woninginbraak"])
    assert any("'ondermijning'" in p for p in problems)


def test_own_crosswalk_file(tmp_path):
    path = tmp_path / "koppeling.toml"
    path.write_text(
        '[tables.47022NED]\ntotal_keys = ["0.0.0"]\n'
        '[tables.47022NED.themes]\n"1.4.5" = "zorg_veiligheid"\n',
        encoding="utf-8",
    )
    mapping = police.load_crosswalk(path)
    frame = police.crosswalk(_read(), mapping)
    assert set(frame.loc[frame["category"] == "1.4.5", "theme"]) == {"zorg_veiligheid"}
    assert police.unmapped_categories(frame, mapping) == [
        ("47022NED", "1.1.1"),
        ("47022NED", "3.1.1"),
    ]


def test_crosswalk_refuses_a_themed_total():
    with pytest.raises(PoliceImportError, match="totaalcategorie 0.0.0"):
        police.parse_crosswalk(
            '[tables.47022NED]\ntotal_keys = ["0.0.0"]\n'
            '[tables.47022NED.themes]\n"0.0.0" = "ondermijning"\n'
        )
    with pytest.raises(PoliceImportError, match="geen geldige TOML"):
        police.parse_crosswalk("[tables\n")


# --- store ----------------------------------------------------------------------------------------


def _audit_rows(engine):
    with engine.connect() as conn:
        return conn.execute(
            select(schema.audit_log.c.object, schema.audit_log.c.detail).where(
                schema.audit_log.c.action == "import_police"
            )
        ).all()


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(police_counts)).scalar_one()


def test_store_and_reimport_is_idempotent(store):
    engine, _ = store
    frame = _read()
    first = store_police(engine, frame, filename=MISDRIJVEN.name, actor="anna")
    assert {k: first[k] for k in ("read", "inserted", "updated", "unchanged")} == {
        "read": 30,
        "inserted": 30,
        "updated": 0,
        "unchanged": 0,
    }
    again = store_police(engine, _read(), filename=MISDRIJVEN.name, actor="anna")
    assert {k: again[k] for k in ("inserted", "updated", "unchanged", "kept_complete")} == {
        "inserted": 0,
        "updated": 0,
        "unchanged": 30,
        "kept_complete": 0,
    }
    assert again["message"].startswith("Geen wijzigingen")
    assert _stored(engine) == 30
    audits = _audit_rows(engine)
    assert [obj for obj, _ in audits] == [MISDRIJVEN.name] * 2
    assert json.loads(audits[1][1])["unchanged"] == 30

    loaded = load_police(engine)
    assert _cells(loaded) == EXPECTED_47022  # NA stays NA through the database
    assert loaded.loc[loaded["incomplete"], "month"].unique().tolist() == [MAR]
    assert str(loaded["count"].dtype) == "Int64"


def test_newer_export_replaces_and_older_cannot_undo(store):
    engine, _ = store
    old = _read()
    store_police(engine, old, filename="maart.csv", actor="anna")

    newer = old.copy()
    newer["incomplete"] = False  # March is complete in the April export
    fix = (
        (newer["category"] == "1.1.1") & (newer["area_code"] == "GM0622") & (newer["month"] == FEB)
    )
    newer.loc[fix, "count"] = 11  # the police corrected February
    april = old[old["month"] == MAR].assign(month=pd.Timestamp(2024, 4, 1), incomplete=True)
    newer = pd.concat([newer, april], ignore_index=True)
    result = store_police(engine, newer, filename="april.csv", actor="anna")
    assert {k: result[k] for k in ("read", "inserted", "updated", "unchanged")} == {
        "read": 40,
        "inserted": 10,  # April
        "updated": 11,  # March no longer incomplete (10) and the February correction
        "unchanged": 19,
    }
    loaded = load_police(engine)
    cells = _cells(loaded)
    assert cells[("1.1.1", "GM0622", FEB)] == 11
    assert set(loaded.loc[loaded["incomplete"], "month"]) == {pd.Timestamp(2024, 4, 1)}
    assert set(loaded.loc[loaded["month"] == FEB, "filename"]) == {"maart.csv", "april.csv"}

    # Importing the March export again must not make March incomplete again.
    back = store_police(engine, old, filename="maart.csv", actor="anna")
    assert back["kept_complete"] == 10
    assert back["updated"] == 1  # the older February figure (the file says so)
    assert "niet overgenomen" in back["message"]
    assert not load_police(engine).query("month == @MAR")["incomplete"].any()


def test_store_is_one_transaction(store):
    engine, _ = store
    frame = _read()
    broken = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # one key twice
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store_police(engine, broken, filename="kapot.csv", actor="anna")
    assert _stored(engine) == 0
    assert _audit_rows(engine) == []


def test_load_filters(store):
    engine, _ = store
    store_police(engine, _read(), filename="m.csv", actor="anna")
    store_police(engine, _read(OVERLAST, table="47024NED"), filename="o.csv", actor="anna")
    assert set(load_police(engine, table="47024NED")["table"]) == {"47024NED"}
    wijk = load_police(engine, level="wijk")
    assert set(wijk["area_code"]) == {"WK062201", "WK062202"}
    burglary = load_police(engine, themes=["woninginbraak"])
    assert set(burglary["category"]) == {"1.1.1"} and len(burglary) == 9
    woon = load_police(engine, themes=["woonoverlast", "jeugdoverlast"], level="gemeente")
    assert set(woon["theme"]) == {"woonoverlast", "jeugdoverlast"}
    assert TOTAL not in set(woon["category"])
    assert list(woon.columns) == [
        "table",
        "category",
        "theme",
        "area_code",
        "level",
        "month",
        "count",
        "incomplete",
        "imported_at",
        "filename",
    ]
    empty = load_police(engine, table="47022NED", level="buurt", themes=["radicalisering"])
    assert empty.empty
