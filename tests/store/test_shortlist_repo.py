"""Shortlist of intervention targets and the agreements matrix (journey 2; D1, D2, A6, O4)."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from oovgeo.ingest.readers import read_table
from oovgeo.report.matrix import COLUMNS, SHEET, MatrixError, export_matrix, parse_deadline
from oovgeo.services.matrix_import import import_matrix
from oovgeo.shortlist import STATUSES, ConflictError, ShortlistError
from oovgeo.store import audit
from oovgeo.store.schema import audit_log, shortlist_history
from oovgeo.store.shortlist_repo import (
    add_item,
    get_item,
    history,
    list_items,
    update_item,
)

REASON = "4 signalen uit 3 bronnen, laatste 12 dagen geleden"


def _add(engine, candidate="BU06220101:ondermijning", title="Loods Industrieweg", **extra):
    args = {
        "candidate_id": candidate,
        "title": title,
        "x": 81234.5,
        "y": 435678.9,
        "buurt_code": "BU06220101",
        "wijk_code": "WK062201",
        "themes": ["ondermijning", "arbeidsmigranten"],
        "reason": REASON,
        "meeting": "Integraal overleg 14-10",
        "partners": ["politie", "Belastingdienst"],
        "actor": "coordinator1",
        "origin": "test",
    }
    args.update(extra)
    return add_item(engine, **args)


def _update(engine, item, actor="coordinator1", **changes):
    return update_item(
        engine, item["id"], expected_version=item["version"], actor=actor, origin="test", **changes
    )


def _audit_rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()


# --- store -----------------------------------------------------------------------------------


def test_add_update_list_and_history(store):
    engine, _ = store
    item = _add(engine, adres="Industrieweg 12")
    assert item["version"] == 1 and item["status"] == "voorgesteld"
    assert item["themes"] == ["ondermijning", "arbeidsmigranten"]
    assert item["partners"] == ["politie", "Belastingdienst"]
    assert item["created_at"].tzinfo is not None

    changed = _update(
        engine,
        item,
        action="Controle met politie",
        owner="Team Toezicht",
        deadline=date(2026, 3, 1),
    )
    assert changed["version"] == 2
    assert get_item(engine, item["id"]) == changed  # committed, as returned

    frame = list_items(engine)
    assert list(frame["id"]) == [item["id"]]
    row = frame.iloc[0]
    assert (row["owner"], row["deadline"], row["adres"]) == (
        "Team Toezicht",
        date(2026, 3, 1),
        "Industrieweg 12",
    )

    steps = history(engine, item["id"])
    assert list(steps["version"]) == [1, 2]
    assert list(steps["kind"]) == ["aangemaakt", "gewijzigd"]
    assert steps.iloc[0]["changes"]["status"] == [None, "voorgesteld"]
    assert steps.iloc[1]["changes"]["owner"] == ["", "Team Toezicht"]
    assert steps.iloc[1]["changes"]["deadline"] == [None, "2026-03-01"]
    assert "eigenaar: (leeg) → Team Toezicht" in steps.iloc[1]["summary"]

    # the same changes again are no change: no new version, no history row
    same = _update(engine, changed, owner=" Team Toezicht ")
    assert same["version"] == 2 and len(history(engine, item["id"])) == 2


def test_one_open_item_per_candidate(store):
    engine, _ = store
    first = _add(engine)
    with pytest.raises(ShortlistError, match="staat al op de shortlist"):
        _add(engine, title="Dubbel")
    other = _add(engine, candidate=None, title="Handmatig toegevoegd")
    _add(engine, candidate=None, title="Nog een handmatig item")  # no candidate: no check
    _update(engine, first, status="afgewezen", rejection_reason="Al in onderzoek bij politie")
    again = _add(engine, title="Opnieuw voorgesteld")  # the first is closed now
    assert [i for i in list_items(engine)["id"]] == [other["id"], other["id"] + 1, again["id"]]
    assert len(list_items(engine, include_closed=True)) == 4


def test_invalid_input_is_refused_in_dutch(store):
    engine, _ = store
    with pytest.raises(ShortlistError, match="'casus' is verplicht"):
        _add(engine, title="  ")
    with pytest.raises(ShortlistError, match="geen ';'"):
        _add(engine, themes=["a;b"])
    item = _add(engine)
    with pytest.raises(ShortlistError, match="kunnen niet gewijzigd worden: buurt"):
        _update(engine, item, buurt_code="BU0")
    with pytest.raises(ShortlistError, match="bestaat niet"):
        update_item(engine, 999, expected_version=1, actor="a", origin="test", owner="x")
    with pytest.raises(ShortlistError, match="Onbekende status 'klaar'"):
        _update(engine, item, status="klaar")
    with pytest.raises(ShortlistError, match="datum"):
        _update(engine, item, deadline="01-03-2026")
    assert get_item(engine, item["id"])["version"] == 1


def test_status_changes_in_the_store(store):
    engine, _ = store
    item = _add(engine)
    item = _update(engine, item, status="ingepland")  # skipping 'besproken'
    with pytest.raises(ShortlistError, match="niet terug"):
        _update(engine, item, status="besproken")
    with pytest.raises(ShortlistError, match="reden op om dit item af te wijzen"):
        _update(engine, item, status="afgewezen")
    with pytest.raises(ShortlistError, match="hoort alleen bij de status 'afgewezen'"):
        _update(engine, item, rejection_reason="waarom niet")
    item = _update(engine, item, status="uitgevoerd")
    with pytest.raises(ShortlistError, match="Vul de uitkomst in"):
        _update(engine, item, status="afgesloten")
    item = _update(engine, item, status="afgesloten", outcome="Pand gesloten, 2 boetes")
    assert (item["status"], item["version"]) == ("afgesloten", 4)
    with pytest.raises(ShortlistError, match="afgesloten en kan niet meer gewijzigd"):
        _update(engine, item, owner="iemand anders")
    with pytest.raises(ShortlistError, match="niet meer gewijzigd"):
        _update(engine, item, status="afgewezen", rejection_reason="toch niet")

    rejected = _add(engine, candidate="K2")
    rejected = _update(engine, rejected, status="afgewezen", rejection_reason="Geen capaciteit")
    with pytest.raises(ShortlistError, match="afgewezen en kan niet meer gewijzigd"):
        _update(engine, rejected, status="besproken", rejection_reason="")
    assert [get_item(engine, i["id"])["version"] for i in (item, rejected)] == [4, 2]


def test_concurrent_edit_is_a_conflict_not_an_overwrite(store):
    engine, _ = store
    item = _add(engine)
    session_a = get_item(engine, item["id"])
    session_b = get_item(engine, item["id"])
    assert session_a["version"] == session_b["version"] == 1

    _update(engine, session_a, actor="anna", owner="Politie", status="besproken")
    with pytest.raises(ConflictError, match="gewijzigd door anna om") as caught:
        _update(engine, session_b, actor="bram", owner="Belastingdienst")
    assert "laad opnieuw" in str(caught.value) and caught.value.version == 2

    now = get_item(engine, item["id"])
    assert (now["owner"], now["status"], now["version"]) == ("Politie", "besproken", 2)
    assert list(history(engine, item["id"])["changed_by"]) == ["coordinator1", "anna"]
    conflict = [r for r in _audit_rows(engine) if r["result"] == "conflict"]
    assert [(r["actor"], r["object"]) for r in conflict] == [("bram", f"shortlist:{item['id']}")]


def test_audit_rows_hold_no_free_text_and_the_chain_verifies(store):
    engine, _ = store
    item = _add(engine, adres="Industrieweg 12")
    item = _update(engine, item, owner="Team Toezicht", action="Controle", status="besproken")
    _update(engine, item, status="afgewezen", rejection_reason="Geheim opsporingsbelang")
    rows = [r for r in _audit_rows(engine) if r["object"] == f"shortlist:{item['id']}"]
    assert [(r["action"], r["result"]) for r in rows] == [
        ("shortlist_add", "ok"),
        ("shortlist_change", "ok"),
        ("shortlist_change", "ok"),
    ]
    assert json.loads(rows[1]["detail"]) == {
        "velden": ["action", "owner", "status"],
        "versie": 2,
        "status": ["voorgesteld", "besproken"],
    }
    everything = " ".join(r["detail"] + r["object"] for r in _audit_rows(engine))
    for secret in ("Industrieweg", "Team Toezicht", "Controle", "Geheim", REASON, "Loods"):
        assert secret not in everything
    with engine.connect() as conn:
        assert audit.verify(conn) is None


# --- agreements matrix -----------------------------------------------------------------------


def _sheet_rows(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    header = [c.value for c in ws[3]]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    return wb, ws, {name: i + 1 for i, name in enumerate(header)}, rows


def _no_formulas(data: bytes) -> None:
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def _saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_matrix_export_is_formula_free_with_a_status_list(store):
    engine, _ = store
    _add(engine, title="=1+1", adres="@SUM(A1)")
    _add(engine, candidate="K2", title="Woning Hoofdstraat", adres=None)
    data = export_matrix(list_items(engine), meeting="Integraal overleg", meeting_date=date.today())
    _no_formulas(data)
    wb, ws, col, rows = _sheet_rows(data)
    assert [c.value for c in ws[3]] == list(COLUMNS)
    assert "Integraal overleg" in ws["A1"].value and date.today().strftime("%d-%m-%Y") in (
        ws["A1"].value
    )
    first, second = sorted(rows)
    assert ws.cell(rows[first], col["casus"]).value == "'=1+1"
    assert ws.cell(rows[first], col["locatie"]).value == "'@SUM(A1)"
    assert ws.cell(rows[second], col["locatie"]).value == "BU06220101"  # no address: the buurt
    assert ws.cell(rows[first], col["thema's"]).value == "ondermijning, arbeidsmigranten"
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"' + ",".join(STATUSES) + '"'
    assert str(validation.sqref) == "I4:I5"
    table = read_table(data, "matrix.xlsx")  # the import reads the notes as title rows
    assert table.columns == list(COLUMNS) and len(table.rows) == 2


def test_matrix_round_trip(store):
    engine, _ = store
    a = _add(engine, candidate="K1", title="Loods Industrieweg")
    b = _add(engine, candidate="K2", title="Woning Hoofdstraat")
    c = _add(engine, candidate="K3", title="Bedrijfspand Havenweg")
    data = export_matrix(list_items(engine), meeting="Integraal overleg 14-10")

    wb, ws, col, rows = _sheet_rows(data)
    ws.cell(rows[a["id"]], col["afgesproken actie"]).value = "Integrale controle"
    ws.cell(rows[a["id"]], col["eigenaar"]).value = '=HYPERLINK("x")'
    ws.cell(rows[a["id"]], col["deadline"]).value = "15-3-2026"
    ws.cell(rows[a["id"]], col["status"]).value = "ingepland"
    ws.cell(rows[b["id"]], col["afgesproken actie"]).value = "Bestuurlijke rapportage"
    ws.cell(rows[b["id"]], col["eigenaar"]).value = "Politie"
    ws.cell(rows[b["id"]], col["deadline"]).value = datetime(2026, 4, 1)  # an Excel date cell
    ws.cell(rows[b["id"]], col["status"]).value = "besproken"
    edited = _saved(wb)
    assert 'HYPERLINK("x")</f>' in _sheet_xml(edited)  # really a formula in the workbook

    report = import_matrix(engine, edited, "matrix.xlsx", actor="coordinator1", origin="test")
    assert report == {"rows": 3, "updated": 2, "unchanged": 1, "conflicts": [], "rejected": []}
    got_a, got_b, got_c = (get_item(engine, i["id"]) for i in (a, b, c))
    assert (got_a["owner"], got_a["deadline"], got_a["status"], got_a["version"]) == (
        '=HYPERLINK("x")',  # the formula's text, stored as text
        date(2026, 3, 15),
        "ingepland",
        2,
    )
    assert (got_a["action"], got_b["owner"], got_b["deadline"], got_b["status"]) == (
        "Integrale controle",
        "Politie",
        date(2026, 4, 1),
        "besproken",
    )
    assert got_c["version"] == 1

    # the next export neutralises the stored formula text, and a round trip keeps it as is
    again = export_matrix(list_items(engine), meeting="Integraal overleg 21-10")
    _no_formulas(again)
    _, ws2, col2, rows2 = _sheet_rows(again)
    assert ws2.cell(rows2[a["id"]], col2["eigenaar"]).value == '\'=HYPERLINK("x")'
    assert ws2.cell(rows2[a["id"]], col2["deadline"]).value == "15-03-2026"
    report = import_matrix(engine, again, "matrix.xlsx", actor="coordinator1", origin="test")
    assert report["unchanged"] == 3 and report["updated"] == 0
    assert get_item(engine, a["id"])["owner"] == '=HYPERLINK("x")'

    # importing the first edited matrix once more (as after an interrupted import) is a no-op
    report = import_matrix(engine, edited, "matrix.xlsx", actor="coordinator1", origin="test")
    assert (report["unchanged"], report["conflicts"]) == (3, [])

    imports = [r for r in _audit_rows(engine) if r["action"] == "shortlist_import"]
    assert len(imports) == 3 and json.loads(imports[0]["detail"])["bijgewerkt"] == 2
    with engine.connect() as conn:
        assert audit.verify(conn) is None


def _sheet_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_stale_matrix_reports_a_conflict_and_applies_the_rest(store):
    engine, _ = store
    a = _add(engine, candidate="K1")
    b = _add(engine, candidate="K2")
    data = export_matrix(list_items(engine), meeting="Integraal overleg")
    # meanwhile a colleague changes item a in the app
    update_item(engine, a["id"], expected_version=1, actor="anna", origin="test", owner="Wijkagent")

    wb, ws, col, rows = _sheet_rows(data)
    for item in (a, b):
        ws.cell(rows[item["id"]], col["eigenaar"]).value = "Handhaving"
        ws.cell(rows[item["id"]], col["status"]).value = "besproken"
    report = import_matrix(engine, _saved(wb), "oud.xlsx", actor="bram", origin="test")
    assert report == {
        "rows": 2,
        "updated": 1,
        "unchanged": 0,
        "conflicts": [a["id"]],
        "rejected": [],
    }
    stale, fresh = get_item(engine, a["id"]), get_item(engine, b["id"])
    assert (stale["owner"], stale["status"], stale["version"]) == ("Wijkagent", "voorgesteld", 2)
    assert (fresh["owner"], fresh["status"], fresh["version"]) == ("Handhaving", "besproken", 2)
    results = [(r["actor"], r["action"], r["result"]) for r in _audit_rows(engine)][-3:]
    assert results == [
        ("bram", "shortlist_change", "conflict"),
        ("bram", "shortlist_change", "ok"),
        ("bram", "shortlist_import", "gedeeltelijk"),
    ]


def test_matrix_rows_are_rejected_with_dutch_reasons(sqlite_store):
    engine, _ = sqlite_store
    items = [_add(engine, candidate=f"K{i}", title=f"Casus {i}") for i in range(6)]
    ids = [i["id"] for i in items]
    update_item(engine, ids[1], expected_version=1, actor="a", origin="t", status="ingepland")
    data = export_matrix(list_items(engine), meeting="Overleg")
    wb, ws, col, rows = _sheet_rows(data)
    ws.cell(rows[ids[0]], col["status"]).value = "klaar"
    ws.cell(rows[ids[1]], col["status"]).value = "besproken"  # backwards from ingepland
    ws.cell(rows[ids[2]], col["deadline"]).value = "31-02-2026"
    ws.cell(rows[ids[3]], col["status"]).value = "afgewezen"  # without a reason
    ws.cell(rows[ids[4]], col["status"]).value = "afgewezen"
    ws.cell(rows[ids[4]], col["reden afwijzing"]).value = "Valt buiten het beleid"
    ws.cell(rows[ids[5]], col["nr"]).value = 999
    ws.cell(rows[ids[5]], col["eigenaar"]).value = "Iemand"
    extra = ws.max_row + 1
    ws.cell(extra, col["nr"]).value = ids[4]  # the same nr twice
    ws.cell(extra, col["status"]).value = "besproken"
    report = import_matrix(engine, _saved(wb), "matrix.xlsx", actor="c", origin="test")
    reasons = dict(report["rejected"])
    assert reasons[rows[ids[0]]].startswith("status 'klaar' bestaat niet; kies uit: voorgesteld")
    assert "niet terug van 'ingepland' naar 'besproken'" in reasons[rows[ids[1]]]
    assert (
        reasons[rows[ids[2]]] == "deadline '31-02-2026' is geen geldige datum (gebruik dd-mm-jjjj)"
    )
    assert "reden op om dit item af te wijzen" in reasons[rows[ids[3]]]
    assert reasons[rows[ids[5]]] == "nr 999 bestaat niet op de shortlist"
    assert reasons[extra] == f"nr {ids[4]} staat meer dan eens in de matrix"
    assert (report["rows"], report["updated"], report["conflicts"]) == (7, 1, [])
    assert get_item(engine, ids[4])["status"] == "afgewezen"
    assert [get_item(engine, i)["version"] for i in ids[:4]] == [1, 2, 1, 1]


def test_a_file_that_is_no_matrix_is_refused(sqlite_store):
    engine, _ = sqlite_store
    _add(engine)
    data = b"nr;versie;status\n1;1;besproken\n"
    with pytest.raises(MatrixError, match="'afgesproken actie', 'eigenaar', 'deadline'"):
        import_matrix(engine, data, "matrix.csv", actor="c", origin="test")
    assert get_item(engine, 1)["version"] == 1


def test_parse_deadline():
    assert parse_deadline("01-03-2026") == date(2026, 3, 1)
    assert parse_deadline("1/3/26") == date(2026, 3, 1)
    assert parse_deadline("2026-03-01") == date(2026, 3, 1)
    assert parse_deadline("") is None
    for bad in ("03-31-2026", "volgende week", "1-3-1899", "=TODAY()"):
        with pytest.raises(ValueError, match="geen geldige datum"):
            parse_deadline(bad)


# --- killed writers (D1, D2) -----------------------------------------------------------------

WRITER = """
import sys
from oovgeo.store.db import make_engine
from oovgeo.store.shortlist_repo import get_item, update_item

engine = make_engine(sys.argv[1])
item_id = int(sys.argv[2])
version = get_item(engine, item_id)["version"]
print("start", flush=True)
while True:
    item = update_item(
        engine, item_id, expected_version=version, actor="schrijver", origin="test",
        action=f"stap {version}",
    )
    version = item["version"]
    print(f"ok {version}", flush=True)
"""


@pytest.mark.slow  # runs a writer in a subprocess and kills it
def test_killed_writer_loses_no_acknowledged_change(sqlite_store):
    engine, settings = sqlite_store
    item = _add(engine)
    rng = random.Random()
    acknowledged = 1
    for _ in range(4):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, settings.database_url, str(item["id"])],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout.readline().strip() == "start"
            for _ in range(rng.randint(1, 40)):
                line = writer.stdout.readline()
                acknowledged = max(acknowledged, int(line.split()[1]))
            time.sleep(rng.uniform(0, 0.02))
        finally:
            writer.kill()  # SIGKILL: no cleanup, maybe in the middle of a commit
            rest = writer.stdout.read()  # acknowledged before the kill, still in the pipe
            writer.wait()
        for line in rest.splitlines():
            if line.startswith("ok "):
                acknowledged = max(acknowledged, int(line.split()[1]))

        stored = get_item(engine, item["id"])
        assert stored["version"] >= acknowledged
        assert stored["action"] == f"stap {stored['version'] - 1}"
        with engine.connect() as conn:
            versions = conn.execute(
                select(shortlist_history.c.version)
                .where(shortlist_history.c.shortlist_id == item["id"])
                .order_by(shortlist_history.c.version)
            ).scalars()
            assert list(versions) == list(range(1, stored["version"] + 1))
            assert audit.verify(conn) is None
        path = settings.database_url.split(":///", 1)[1]
        con = sqlite3.connect(path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
    assert acknowledged > 4
