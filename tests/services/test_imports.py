"""The import engine on messy real-world exports: every row accounted for, nothing lost."""

from __future__ import annotations

import io
import json
from datetime import date

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from sqlalchemy import func, select, text

from oovgeo.access import cli_identity
from oovgeo.ingest.rules import ImportError_
from oovgeo.services import operations as ops
from oovgeo.store import audit, schema
from oovgeo.store.records import quarantine_frame

TODAY = date(2025, 6, 30)
CLI = cli_identity()
TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
HEADER = (
    "melding_id;datum;thema;bron;x;y;lat;lon;buurtcode;postcode;huisnummer;adres;dossiernummer;"
    "anoniem;naam_melder;telefoon;omschrijving"
)


@pytest.fixture
def buurten(shared_data):
    gdf = gpd.read_file(shared_data / "buurten_2025.geojson")
    return gdf[gdf["gm_code"] == "GM0622"].sort_values("statcode").reset_index(drop=True)


def inside(buurten, code):
    """A point well inside buurt ``code`` (RD metres)."""
    geom = buurten.loc[buurten["statcode"] == code].geometry.iloc[0]
    p = geom.buffer(-30).representative_point()
    return round(p.x, 1), round(p.y, 1)


def just_outside(buurten, metres=80.0):
    """A point ``metres`` outside Vlaardingen's outer border."""
    town = shapely.union_all(buurten.geometry.to_numpy())
    centre = town.centroid
    for step in range(200):
        edge = town.exterior.interpolate(step / 200, normalized=True)
        dx, dy = edge.x - centre.x, edge.y - centre.y
        norm = (dx * dx + dy * dy) ** 0.5
        p = shapely.Point(edge.x + dx / norm * metres, edge.y + dy / norm * metres)
        if not town.intersects(p) and 40 < town.distance(p) < 150:
            return round(p.x, 1), round(p.y, 1)
    raise AssertionError("no point found just outside")


def dec(v: float) -> str:
    return f"{v}".replace(".", ",")


def messy_csv(buurten) -> bytes:
    """A Windows-1252, semicolon export with every problem a real one has."""
    ax, ay = inside(buurten, "BU06220101")
    bx, by = inside(buurten, "BU06220202")
    lon, lat = TO_WGS84.transform(*inside(buurten, "BU06220401"))
    ox, oy = just_outside(buurten)
    rows = [
        f"M1;03-02-2025;ondermijning;meld_een_vermoeden;{dec(ax)};{dec(ay)};;;;3131AB;12;Hoofdstraat 12;Z/25/1;ja;Jan Jansen;0612345678;buurman dealt",
        f"M2;04-02-2025;woonoverlast;meldpunt_overlast;{dec(by)};{dec(bx)};;;;;;;;nee;;;",
        f"M3;05-02-2025;jeugdoverlast;politie;;;{dec(round(lat, 6))};{dec(round(lon, 6))};;;;;;;;;",
        f"M4;06-02-2025;jeugdoverlast;politie;;;{round(lon, 6)};{round(lat, 6)};;;;;;;;;",
        "M5;07-02-2025;woninginbraak;wijkagent;;;;;BU06220101;;;;;;;;",
        "M6;08-02-2025;woonoverlast;boa;136000;455000;;;;;;;;;;;",
        "M7;09-02-2025;woonoverlast;boa;0;0;;;;;;;;;;;",
        "M8;10-02-2025;woonoverlast;boa;;;;;;;;;;;;;",
        f"M9;10-02-2030;woonoverlast;boa;{dec(ax)};{dec(ay)};;;;;;;;;;;",
        f"M10;11-02-2025;Fietsendiefstal;boa;{dec(ax)};{dec(ay)};;;;;;;;;;;",
        f"M11;;woonoverlast;buurman;{dec(ax)};{dec(ay)};;;;;;;;;;;",
        f"M1;03-02-2025;ondermijning;meld_een_vermoeden;{dec(ax)};{dec(ay)};;;;3131AB;12;Hoofdstraat 12;Z/25/1;ja;Jan Jansen;0612345678;buurman dealt",
        f'M12;12-02-2025;ondermijning;riec;{dec(ax)};{dec(ay)};;;;;;"=HYPERLINK(""http://x"")";<img src=x onerror=alert(1)>;;;;',
        f"M13;13-02-2025;Ondermijning;Meld een Vermoeden;{dec(bx)};{dec(by)};;;;;;;;;;;",
        f"M14;14-02-2025;woonoverlast;woningcorporatie;{dec(bx)};{dec(by)};;;;;;Ëmmastraat 3 – achter;;;;;",
        f"M15;15-02-2025;arbeidsmigranten;boa;{dec(ox)};{dec(oy)};;;;;;;;;;;",
        "M16;16-02-2025;woonoverlast;boa;83000;;;;;;;;;;;;",
        "",
        f"M17;17-02-2025;woonoverlast;boa;{dec(ax)};{dec(ay)};;;;;;;;;;;;extra",
    ]
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252")


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _import(engine, settings, data, name="export.csv", kind="signals", profile="generiek"):
    return ops.run_import(
        engine, settings, kind=kind, data=data, filename=name, profile_name=profile, today=TODAY
    )


def test_messy_export_accounts_for_every_row(vlaardingen, buurten):
    engine, settings = vlaardingen
    report = _import(engine, settings, messy_csv(buurten))

    assert report.rows_in == 18  # the blank line is not a row
    assert (report.inserted, report.updated, report.rejected, report.duplicates) == (9, 0, 8, 1)
    assert report.reconciles
    assert report.encoding.lower() in {"cp1252", "windows-1252"}
    assert report.delimiter == ";"

    by_row = {}
    for r in report.rejections:
        by_row.setdefault(r.row, set()).add((r.field, r.rule))
    # header is row 1, so M6 (6th data row) is row 7; the blank line still counts as a line
    assert by_row[7] == {("locatie", "buiten_gemeente")}
    assert by_row[8] == {("x/y", "nulcoordinaat")}
    assert by_row[9] == {("locatie", "geen_locatie")}
    assert by_row[10] == {("datum", "datum_in_toekomst")}
    assert by_row[11] == {("thema", "onbekend_thema")}
    assert by_row[12] == {("datum", "leeg")}  # 'buurman' is no reason: bron becomes 'onbekend'
    assert by_row[18] == {("x/y", "onvolledige_coordinaat")}
    assert by_row[20] == {("rij", "aantal_kolommen")}
    assert report.warnings["assen_verwisseld"] == 2
    assert report.warnings["nabij"] == 1
    assert report.placement == {"punt": 7, "gebied": 1, "nabij": 1}
    assert set(report.sensitive_columns) == {"naam_melder", "telefoon", "omschrijving"}

    with engine.connect() as conn:
        rows = {r.source_id: r for r in conn.execute(select(schema.signals))}
    assert rows["M1"].buurt_code == "BU06220101" and rows["M1"].wijk_code == "WK062201"
    assert rows["M2"].buurt_code == "BU06220202"  # swapped axes corrected
    assert rows["M3"].buurt_code == rows["M4"].buurt_code == "BU06220401"
    assert rows["M5"].placement == "gebied" and rows["M5"].x is None
    assert rows["M14"].adres == "Ëmmastraat 3 – achter"
    assert rows["M12"].adres == '=HYPERLINK("http://x")'  # stored as text; exports neutralise
    assert rows["M13"].thema == "ondermijning" and rows["M13"].bron == "meld_een_vermoeden"
    assert rows["M15"].placement == "nabij" and rows["M15"].gemeente_code == "GM0622"
    assert rows["M1"].anoniem is True


def test_personal_data_never_stored(vlaardingen, buurten):
    engine, settings = vlaardingen
    _import(engine, settings, messy_csv(buurten))
    with engine.connect() as conn:
        dump = json.dumps(
            [
                [list(map(str, r)) for r in conn.execute(select(t))]
                for t in (
                    schema.signals,
                    schema.quarantine,
                    schema.import_batches,
                    schema.audit_log,
                )
            ]
        )
    assert "Jansen" not in dump and "0612345678" not in dump and "dealt" not in dump


def test_quarantine_keeps_rejected_rows_for_fixing(vlaardingen, buurten):
    engine, settings = vlaardingen
    _import(engine, settings, messy_csv(buurten))
    with engine.connect() as conn:
        q = quarantine_frame(conn, CLI)
    assert len(q) == 8
    assert {"melding_id", "datum", "thema", "x", "y"} <= set(q.columns)
    assert "naam_melder" not in q.columns and "omschrijving" not in q.columns
    m9 = q[q["melding_id"] == "M9"].iloc[0]
    assert "toekomst" in m9["reden"] and m9["rij"] == 10

    # fix the future date and import the quarantine file again with the same profile
    fixed = q[q["melding_id"] == "M9"].copy()
    fixed["datum"] = "10-02-2025"
    buf = io.StringIO()
    fixed.to_csv(buf, sep=";", index=False)
    report = _import(engine, settings, buf.getvalue().encode(), name="quarantaine.csv")
    assert (report.inserted, report.rejected) == (1, 0)
    assert "rij" in report.dropped_columns and "reden" in report.dropped_columns


def test_reimport_same_file_is_a_reported_noop(vlaardingen, buurten):
    engine, settings = vlaardingen
    data = messy_csv(buurten)
    _import(engine, settings, data)
    before = [_count(engine, t) for t in (schema.signals, schema.quarantine, schema.import_batches)]
    again = _import(engine, settings, data)
    assert again.status == "al_geimporteerd"
    assert "al geïmporteerd" in again.summary()[0]
    assert again.reconciles and again.inserted == 0
    after = [_count(engine, t) for t in (schema.signals, schema.quarantine, schema.import_batches)]
    assert before == after


def test_newer_export_updates_by_source_id(vlaardingen, buurten):
    engine, settings = vlaardingen
    ax, ay = inside(buurten, "BU06220101")
    first = f"melding_id;datum;thema;bron;x;y\nA1;01-03-2025;woonoverlast;boa;{ax};{ay}\nA2;02-03-2025;woonoverlast;boa;{ax};{ay}\n"
    second = first.replace("A1;01-03-2025;woonoverlast", "A1;01-03-2025;jeugdoverlast") + (
        f"A3;03-03-2025;woonoverlast;boa;{ax};{ay}\n"
    )
    _import(engine, settings, first.encode(), name="week1.csv")
    report = _import(engine, settings, second.encode(), name="week2.csv")
    assert (report.inserted, report.updated, report.duplicates) == (1, 1, 1)
    with engine.connect() as conn:
        a1 = conn.execute(select(schema.signals).where(schema.signals.c.source_id == "A1")).one()
    assert a1.thema == "jeugdoverlast" and a1.version == 2
    assert _count(engine, schema.signals) == 3


def test_same_id_twice_with_other_content_is_rejected_not_lost(vlaardingen, buurten):
    engine, settings = vlaardingen
    ax, ay = inside(buurten, "BU06220101")
    data = (
        f"melding_id,datum,thema,bron,x,y\nB1,01-03-2025,woonoverlast,boa,{ax},{ay}\n"
        f"B1,01-03-2025,jeugdoverlast,boa,{ax},{ay}\n"
    ).encode()
    report = _import(engine, settings, data)
    assert (report.inserted, report.rejected, report.duplicates) == (1, 1, 0)
    assert report.rejections[0].rule == "dubbel_in_bestand" and report.rejections[0].row == 3


def test_excel_export_of_case_system_profile(vlaardingen, buurten):
    engine, settings = vlaardingen
    ax, ay = inside(buurten, "BU06220202")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Export zaken week 12"])
    ws.append([])
    ws.append(
        [
            "Zaaknummer",
            "Registratiedatum",
            "Categorie",
            "Kanaal",
            "X-coördinaat",
            "Y-coördinaat",
            "Objectadres",
            "Naam melder",
            "Toelichting",
        ]
    )
    ws.append(
        [
            "Z-100",
            date(2025, 3, 1),
            "Drugs",
            "Meld een Vermoeden",
            ax,
            ay,
            "Kade 1",
            "Piet Puk",
            "zag een wietplantage",
        ]
    )
    ws.append(
        ["Z-101", date(2025, 3, 2), "Overbewoning", "Webformulier MeldR", ax, ay, "Kade 2", "", ""]
    )
    ws.append(["Z-102", date(2025, 3, 3), "Parkeren", "Telefoon 14010", ax, ay, "Kade 3", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    report = _import(engine, settings, buf.getvalue(), name="zaken.xlsx", profile="zaaksysteem")
    assert (report.rows_in, report.inserted, report.rejected) == (3, 2, 1)
    assert report.rejections[0].row == 6 and report.rejections[0].rule == "onbekend_thema"
    with engine.connect() as conn:
        got = dict(conn.execute(select(schema.signals.c.source_id, schema.signals.c.thema)).all())
        dossier = conn.execute(select(schema.signals.c.dossiernummer)).scalars().all()
    assert got == {"Z-100": "ondermijning", "Z-101": "arbeidsmigranten"}
    assert set(dossier) == {"Z-100", "Z-101"}
    assert {"Naam melder", "Toelichting"} <= set(report.sensitive_columns)


def test_interventions_partners_and_outcomes(vlaardingen, buurten):
    engine, settings = vlaardingen
    ax, ay = inside(buurten, "BU06220101")
    data = (
        "interventie_id;datum;thema;x;y;partners;uitkomst;maatregel\n"
        f"I1;01-04-2025;ondermijning;{ax};{ay};politie, Belastingdienst;sluiting;13b Opiumwet\n"
        f"I2;02-04-2025;ondermijning;{ax};{ay};politie;geen_bevindingen;\n"
        f"I3;03-04-2025;ondermijning;{ax};{ay};de buren;waarschuwing;\n"
        f"I4;04-04-2025;ondermijning;{ax};{ay};politie;gevangenis;\n"
    ).encode()
    report = _import(engine, settings, data, kind="interventions")
    # unknown partners and outcomes keep the intervention, stored as 'onbekend' and reported
    assert (report.inserted, report.rejected) == (4, 0)
    assert report.unmapped == {"partners": {"de buren": 1}, "uitkomst": {"gevangenis": 1}}
    assert any("'de buren' 1x" in line for line in report.summary())
    with engine.connect() as conn:
        stored = {
            r.source_id: (r.partners, r.uitkomst)
            for r in conn.execute(select(schema.interventions))
        }
    assert stored["I1"] == ("belastingdienst;politie", "sluiting")
    assert stored["I3"] == ("onbekend", "waarschuwing")
    assert stored["I4"] == ("politie", "onbekend")


def test_file_level_problems_write_nothing(vlaardingen):
    engine, settings = vlaardingen
    with pytest.raises(ImportError_, match="datum"):
        _import(engine, settings, b"melding_id;thema;bron;x;y\n1;woonoverlast;boa;1;2\n")
    assert _count(engine, schema.import_batches) == 0


def test_import_without_boundaries_says_what_to_do(store):
    engine, settings = store
    with pytest.raises(ImportError_, match="gebiedsgrenzen"):
        _import(
            engine,
            settings,
            b"melding_id;datum;thema;bron;x;y\n1;01-01-2025;woonoverlast;boa;83000;436000\n",
        )


def test_import_is_audited(vlaardingen, buurten):
    engine, settings = vlaardingen
    _import(engine, settings, messy_csv(buurten))
    with engine.connect() as conn:
        actions = conn.execute(select(schema.audit_log.c.action)).scalars().all()
        assert audit.verify(conn) is None
    assert "import" in actions


def test_loading_another_edition_replaces_everything(vlaardingen, buurten, tmp_path):
    engine, settings = vlaardingen
    _import(engine, settings, messy_csv(buurten))
    # a 2026 edition in which two buurten of Centrum were merged into a new code
    gdf = buurten.copy()
    merged = shapely.union_all(gdf.loc[gdf["statcode"].isin(["BU06220101", "BU06220102"])].geometry)
    gdf = gdf[~gdf["statcode"].isin(["BU06220101", "BU06220102"])]
    extra = gpd.GeoDataFrame(
        {
            "statcode": ["BU06220109"],
            "statnaam": ["Centrum samengevoegd"],
            "wk_code": ["WK062201"],
            "gm_code": ["GM0622"],
            "jaar": [2026],
        },
        geometry=[merged],
        crs=gdf.crs,
    )
    gdf = pd.concat([gdf, extra], ignore_index=True)
    gdf["jaar"] = 2026
    path = tmp_path / "buurten_2026.geojson"
    gdf.to_file(path, driver="GeoJSON")
    result = ops.load_boundary_files(engine, settings, [path])
    assert result["actief"] and result["editie"] == 2026
    with engine.connect() as conn:
        m1 = conn.execute(select(schema.signals).where(schema.signals.c.source_id == "M1")).one()
        m5 = conn.execute(select(schema.signals).where(schema.signals.c.source_id == "M5")).one()
        editions = set(conn.execute(select(schema.signals.c.edition)).scalars())
    assert m1.buurt_code == "BU06220109" and m1.edition == 2026
    # M5 only had the code BU06220101, which no longer exists: kept, but not placed
    assert m5.placement == "geen" and m5.buurt_code is None
    assert editions == {2026}
    assert _count(engine, schema.signals) == 9


def test_sqlite_runs_in_wal_with_full_sync(sqlite_store):
    engine, _ = sqlite_store
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_an_intervention_is_linked_to_the_shortlist_item_it_came_from(vlaardingen, buurten):
    from oovgeo.store import shortlist_repo

    engine, settings = vlaardingen
    ax, ay = inside(buurten, "BU06220101")
    item = shortlist_repo.add_item(
        engine,
        candidate_id="c1",
        title="Bedrijfspand",
        x=ax,
        y=ay,
        buurt_code="BU06220101",
        wijk_code="WK062201",
        themes=["ondermijning"],
        reason="drie bronnen",
        meeting="integraal",
        partners=["politie"],
        actor="anna",
        origin="test",
    )
    head = "interventie_id;datum;thema;x;y;shortlist_id\n"
    data = (
        head + f"I1;01-04-2025;ondermijning;{ax};{ay};{item['id']}\n"
        f"I2;02-04-2025;ondermijning;{ax};{ay};{item['id'] + 99}\n"
        f"I3;03-04-2025;ondermijning;{ax};{ay};twee\n"
        f"I4;04-04-2025;ondermijning;{ax};{ay};\n"
    ).encode()
    report = _import(engine, settings, data, kind="interventions")
    assert (report.inserted, report.rejected) == (2, 2)
    assert {(r.row, r.rule) for r in report.rejections} == {
        (3, "onbekend_shortlist_item"),
        (4, "geen_getal"),
    }

    def links():
        t = schema.interventions
        with engine.connect() as conn:
            return dict(conn.execute(select(t.c.source_id, t.c.shortlist_id)).all())

    assert links() == {"I1": item["id"], "I4": None}
    # a later export without the column (another system) leaves the link alone
    later = (
        f"interventie_id;datum;thema;x;y;uitkomst\nI1;01-04-2025;ondermijning;{ax};{ay};sluiting\n"
    )
    assert _import(engine, settings, later.encode(), kind="interventions").updated == 1
    assert links()["I1"] == item["id"]
