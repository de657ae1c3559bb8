"""Real exports in, nothing lost: labels map, footers are skipped, versions only move forward.

The file below is laid out as a Meld een Vermoeden / MOR export of a case system: its own
headers, channel names instead of source codes ("Meldpunt", "MOR", "BOA", ...), category
names instead of themes, columns with personal data and a totals line at the end.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import geopandas as gpd
import openpyxl
import pytest
from sqlalchemy import func, select

from oovgeo.services import operations as ops
from oovgeo.services.labels import LabelError
from oovgeo.store import audit, schema

TODAY = date(2025, 6, 30)
HEADER = (
    "Meldingnummer;Datum melding;Categorie;Kanaal;X;Y;Postcode;Huisnummer;Naam melder;"
    "Toelichting;Laatst gewijzigd"
)
# (channel label, expected source code or None for "unmapped: stored as onbekend")
CHANNELS = [
    ("Meldpunt", "meldpunt_overlast"),
    ("MOR", "meldpunt_overlast"),
    ("Meldpunt overlast", "meldpunt_overlast"),
    ("MeV", "meld_een_vermoeden"),
    ("Meld een Vermoeden", "meld_een_vermoeden"),
    ("BOA", "boa"),
    ("Handhaving", "boa"),
    ("Politie", "politie"),
    ("Balie stadskantoor", None),
    ("telefoon", None),
    ("Telefoon", None),
]
# (category label, expected theme code or None for "unmapped: quarantined with its label")
CATEGORIES = [
    ("Woonoverlast", "woonoverlast"),
    ("Jongerenoverlast", "jeugdoverlast"),
    ("Ondermijning", "ondermijning"),
    ("Verward gedrag", "zorg_veiligheid"),
    ("Drugs", None),
]
N = 55


@pytest.fixture
def buurt_points(shared_data):
    gdf = gpd.read_file(shared_data / "buurten_2025.geojson")
    town = gdf[gdf["gm_code"] == "GM0622"].sort_values("statcode")
    return [
        (round(p.x, 1), round(p.y, 1))
        for p in town.geometry.buffer(-30).representative_point().iloc[:5]
    ]


def mor_export(points, *, n=N, changed="15-06-2025", theme_of=None) -> list[list[str]]:
    """Rows of the export (without header); row i uses channel i%11 and category i%5."""
    rows = []
    for i in range(n):
        x, y = points[i % len(points)]
        category = (theme_of or {}).get(i, CATEGORIES[i % len(CATEGORIES)][0])
        rows.append(
            [
                f"MOR-2025-{i:04d}",
                f"{1 + i % 28:02d}-05-2025",
                category,
                CHANNELS[i % len(CHANNELS)][0],
                f"{x}".replace(".", ","),
                f"{y}".replace(".", ","),
                "3131AB",
                str(10 + i),
                f"Melder {i}",
                f"toelichting {i}: buurman handelt",
                changed,
            ]
        )
    return rows


def as_csv(rows, footer: str | None = "Totaal: 55 meldingen") -> bytes:
    lines = [HEADER] + [";".join(r) for r in rows]
    if footer:
        lines.append(footer)
    return ("\n".join(lines) + "\n").encode("cp1252")


def as_xlsx(rows, footer: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for r in rows:
        sheet.append(r)
    sheet.append([footer])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _import(engine, settings, data, name="meldingen.csv", **kw):
    return ops.run_import(
        engine, settings, kind="signals", data=data, filename=name, today=TODAY, **kw
    )


def _stored(engine):
    with engine.connect() as conn:
        return {r.source_id: r for r in conn.execute(select(schema.signals))}


def _count(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_mor_export_imports_every_clean_row_and_names_the_unmapped_labels(
    vlaardingen, buurt_points
):
    engine, settings = vlaardingen
    report = _import(engine, settings, as_csv(mor_export(buurt_points)))

    # expected, read off the file as a person would: Drugs rows wait, every other row is in
    drugs = [i for i in range(N) if CATEGORIES[i % 5][1] is None]
    assert report.rows_in == N + 1  # the totals line is a row of the file
    assert report.inserted == N - len(drugs)
    assert report.rejected == len(drugs)
    assert report.reasons == {"thema:onbekend_thema": len(drugs)}
    assert report.skipped == {"voettekst": 1}
    assert report.skipped_rows == [{"rij": N + 2, "reden": "voettekst", "id": ""}]
    assert report.reconciles

    # unmapped channels of the accepted rows; "telefoon" and "Telefoon" are one label, shown
    # as its most frequent spelling (here a tie: the first in the file)
    unmapped = Counter()
    for i in range(N):
        label, code = CHANNELS[i % len(CHANNELS)]
        if code is None and CATEGORIES[i % 5][1] is not None:
            unmapped[label.lower()] += 1
    assert unmapped == {"balie stadskantoor": 4, "telefoon": 8}
    assert report.unmapped == {"bron": {"Balie stadskantoor": 4, "Telefoon": 8}}  # row 10 first
    summary = "\n".join(report.summary())
    assert "overgeslagen 1x: voettekst" in summary
    assert "'Balie stadskantoor' 4x" in summary
    assert "Naam melder" in summary and "Toelichting" in summary  # named as not stored

    stored = _stored(engine)
    for i in range(N):
        theme = CATEGORIES[i % 5][1]
        row = stored.get(f"MOR-2025-{i:04d}")
        if theme is None:
            assert row is None
            continue
        assert row.thema == theme
        assert row.bron == (CHANNELS[i % len(CHANNELS)][1] or "onbekend")
        assert row.version_date == date(2025, 6, 15)  # the row's own change date


def test_mapping_a_theme_label_releases_its_quarantined_rows_without_a_new_upload(
    vlaardingen, buurt_points
):
    engine, settings = vlaardingen
    _import(engine, settings, as_csv(mor_export(buurt_points)))
    drugs = {f"MOR-2025-{i:04d}" for i in range(N) if CATEGORIES[i % 5][1] is None}
    assert ops.labels.unmapped_theme_labels(engine, settings) == {"Drugs": len(drugs)}

    release = ops.map_label(
        engine, settings, fname="thema", label="drugs ", code="ondermijning", actor="beheer"
    )
    assert (release.accepted, release.rejected, release.other) == (len(drugs), 0, 0)
    assert f"{len(drugs)} rijen uit quarantaine" in release.message("Ondermijning")
    stored = _stored(engine)
    assert {sid for sid, r in stored.items() if sid in drugs and r.thema == "ondermijning"} == drugs
    assert _count(engine, schema.quarantine) == 0
    assert ops.labels.unmapped_theme_labels(engine, settings) == {}
    (batch,) = [r.batch_id for r in release.reports]
    with engine.connect() as conn:
        b = conn.execute(select(schema.import_batches).where(schema.import_batches.c.id == batch))
        b = b.one()
        logged = audit.entries(conn, ["label_koppelen"])
    assert (b.rows_in, b.inserted, b.rejected) == (len(drugs), len(drugs), 0)
    assert logged[-1][0] == "thema:drugs" and logged[-1][2] == "beheer"

    # the mapping holds for the next export too, and cannot be made twice
    later = mor_export(buurt_points, n=5, theme_of={0: "DRUGS"})
    report = _import(engine, settings, as_csv(later, footer=None), name="meldingen2.csv")
    assert report.rejected == 0
    assert _stored(engine)["MOR-2025-0000"].thema == "ondermijning"
    with pytest.raises(LabelError, match="al gekoppeld aan Ondermijning"):
        ops.map_label(
            engine, settings, fname="thema", label="Drugs", code="woonoverlast", actor="b"
        )


def test_a_released_row_with_another_problem_stays_in_quarantine_with_only_that_problem(
    vlaardingen, buurt_points
):
    engine, settings = vlaardingen
    rows = mor_export(buurt_points, n=5, theme_of={0: "Drugs", 1: "Drugs"})
    rows[1][1] = "31-02-2025"  # no such date
    _import(engine, settings, as_csv(rows, footer=None))
    release = ops.map_label(
        engine, settings, fname="thema", label="Drugs", code="ondermijning", actor="beheer"
    )
    assert (release.accepted, release.rejected) == (2, 1)  # rows 0 and 4 in, row 1 waits
    with engine.connect() as conn:
        (left,) = conn.execute(select(schema.quarantine)).all()
    assert '"datum"' in left.reasons and "onbekend_thema" not in left.reasons


def test_an_unmapped_source_label_mapped_later_applies_to_the_next_import(
    vlaardingen, buurt_points
):
    engine, settings = vlaardingen
    ops.map_label(engine, settings, fname="bron", label="Balie stadskantoor", code="boa", actor="b")
    report = _import(engine, settings, as_csv(mor_export(buurt_points)))
    assert "Balie stadskantoor" not in report.unmapped.get("bron", {})
    assert _stored(engine)["MOR-2025-0008"].bron == "boa"  # row 8 is the Balie row


def test_an_excel_export_with_a_totals_line_reports_it_as_skipped(vlaardingen, buurt_points):
    engine, settings = vlaardingen
    rows = mor_export(buurt_points, n=10)
    report = _import(engine, settings, as_xlsx(rows, "Totaal: 120 zaken"), name="zaken.xlsx")
    assert report.skipped == {"voettekst": 1}
    assert not any(r.row == 12 for r in report.rejections)
    assert report.rows_in == 11 and report.reconciles
    assert report.rows_in == (
        report.accepted + report.rejected + report.duplicates + len(report.skipped_rows)
    )


def test_a_totals_line_between_records_is_no_footer(vlaardingen, buurt_points):
    engine, settings = vlaardingen
    rows = mor_export(buurt_points, n=4, theme_of={i: "Woonoverlast" for i in range(4)})
    rows.insert(2, ["Totaal", "2", "", "", "", "", "", "", "", "", ""])
    report = _import(engine, settings, as_csv(rows, footer=None))
    assert report.skipped == {} and report.rejected == 1  # validated, and rejected with reasons


def test_an_older_export_after_a_newer_one_changes_nothing_and_says_so_per_record(
    vlaardingen, buurt_points
):
    engine, settings = vlaardingen
    themes = {i: "Woonoverlast" for i in range(6)}
    newer = mor_export(buurt_points, n=6, changed="20-06-2025", theme_of=themes)
    _import(engine, settings, as_csv(newer, footer=None), name="nieuw.csv")
    before = {sid: (r.thema, r.version) for sid, r in _stored(engine).items()}

    older = mor_export(
        buurt_points, n=6, changed="10-06-2025", theme_of={**themes, 1: "Jongerenoverlast"}
    )
    older[3][2] = "Ondermijning"
    report = _import(engine, settings, as_csv(older, footer=None), name="oud.csv")
    assert report.updated == 0 and report.inserted == 0
    assert report.duplicates == 4  # unchanged rows are duplicates as before
    assert report.skipped_rows == [
        {"rij": 3, "reden": "ouder_dan_opgeslagen", "id": "MOR-2025-0001"},
        {"rij": 5, "reden": "ouder_dan_opgeslagen", "id": "MOR-2025-0003"},
    ]
    assert "ouder dan wat er al is" in "\n".join(report.summary())
    assert report.reconciles
    assert {sid: (r.thema, r.version) for sid, r in _stored(engine).items()} == before


def test_without_change_dates_the_export_date_decides(vlaardingen, buurt_points):
    engine, settings = vlaardingen
    rows = mor_export(buurt_points, n=3, changed="", theme_of={0: "Woonoverlast"})
    first = _import(engine, settings, as_csv(rows, footer=None), name="export_2025-06-20.csv")
    assert (first.export_date, first.export_date_from) == ("2025-06-20", "bestandsnaam")
    rows[0][2] = "Jongerenoverlast"
    data = as_csv(rows, footer=None)
    old = _import(engine, settings, data, name="export.csv", export_day=date(2025, 6, 1))
    assert old.export_date_from == "opgegeven" and old.skipped == {"ouder_dan_opgeslagen": 1}
    assert _stored(engine)["MOR-2025-0000"].thema == "woonoverlast"
    newer = as_csv(rows, footer="Totaal: 3")  # the same rows, another file
    new = _import(engine, settings, newer, name="export_20250625.csv")
    assert new.updated == 1 and _stored(engine)["MOR-2025-0000"].thema == "jeugdoverlast"
