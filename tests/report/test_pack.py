"""Meeting packs on the demo data over the real Vlaardingen boundaries, read back as a user
gets them: the PPTX opened with python-pptx, the PDF rasterised and its text extracted.

Done means: slide count and titles as configured, no small count, and no address or
coordinate of the fixture data anywhere in the files (P3, A4).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest
from conftest import DEMO_END, SHARED
from PIL import Image
from pptx import Presentation
from pyproj import Transformer
from sqlalchemy import text

from oovgeo.access import Identity
from oovgeo.analysis.classify import palette
from oovgeo.analysis.compare import FALL, NORMAL, RISE, TOO_FEW
from oovgeo.config import load_settings
from oovgeo.meetings import meeting_type
from oovgeo.report.pack import (
    TITLES,
    PackError,
    Slide,
    audience_for,
    build_pack,
    count_texts,
    load_data,
    main_themes,
    theme_view,
    wijk_theme_comparison,
)
from oovgeo.report.pack.pdf import to_pdf
from oovgeo.report.pack.pptx import to_pptx
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine
from oovgeo.store.shortlist_repo import add_item, update_item

MEETING_DATE = DEMO_END + timedelta(days=1)  # the data run to the day before the meeting
LABELS = {RISE, FALL, NORMAL, TOO_FEW}
INTERN_TOML = """
[[meetings]]
code = "integraal"
label = "Integraal overleg"
audience = "intern"
interval_days = 42
slides = ["titel", "afspraken", "verantwoording"]
"""


def add_shortlist(engine) -> list[dict]:
    """Shortlist items at real demo addresses (one with its address in the title), some
    moved on, so the agreements slide has something to hide."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT adres, x, y, buurt_code, wijk_code FROM signals "
                "WHERE adres IS NOT NULL AND x IS NOT NULL ORDER BY id LIMIT 7"
            )
        ).all()
    items = []
    for i, (adres, x, y, buurt, wijk) in enumerate(rows):
        item = add_item(
            engine,
            candidate_id=None,
            title=f"Pand {adres}, {['drugs', 'overbewoning'][i % 2]}" if i < 2 else f"Casus {i}",
            x=x,
            y=y,
            buurt_code=buurt,
            wijk_code=wijk,
            themes=["ondermijning"],
            reason="meerdere signalen uit verschillende bronnen",
            meeting="integraal",
            partners=["politie"],
            actor="test",
            origin="test",
            adres=adres,
        )
        if i % 3 == 1:
            item = update_item(
                engine,
                item["id"],
                expected_version=item["version"],
                actor="test",
                origin="test",
                status="ingepland",
                action="integrale controle",
                owner="Team Handhaving",
                deadline=MEETING_DATE + timedelta(days=30),
            )
        items.append(item)
    return items


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(engine, settings, intern settings, shortlist items, addresses, points)."""
    if not SHARED.exists():
        pytest.fail(f"reference data missing: {SHARED}")
    home = tmp_path_factory.mktemp("pack_home")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [SHARED / "buurten_2025.geojson"])
    ops.build_demo(engine, settings, end=DEMO_END)
    items = add_shortlist(engine)
    toml = home / "intern.toml"
    toml.write_text(INTERN_TOML, encoding="utf-8")
    intern = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=toml)
    with engine.connect() as conn:
        addresses = set()
        for table in ("signals", "interventions", "shortlist"):
            addresses |= {
                a for (a,) in conn.execute(text(f"SELECT DISTINCT adres FROM {table}")) if a
            }
        points = conn.execute(
            text("SELECT x, y FROM signals WHERE x IS NOT NULL ORDER BY id LIMIT 200")
        ).all()
    points = [(float(i["x"]), float(i["y"])) for i in items] + [tuple(p) for p in points]
    yield engine, settings, intern, items, addresses, points
    engine.dispose()


@pytest.fixture(scope="module")
def pack(demo):
    engine, settings, *_ = demo
    return build_pack(engine, settings, "integraal", MEETING_DATE, made_on=MEETING_DATE)


@pytest.fixture(scope="module")
def files(pack):
    return to_pptx(pack), to_pdf(pack)


@pytest.fixture(scope="module")
def intern_files(demo):
    engine, _, intern, *_ = demo
    pack = build_pack(engine, intern, "integraal", MEETING_DATE, made_on=MEETING_DATE)
    return pack, to_pptx(pack), to_pdf(pack)


# --- reading the files back ---------------------------------------------------------------------


def pptx_texts(data: bytes) -> tuple[list[str], list[str], list[str]]:
    """(titles, text runs of text boxes, table cells) of every slide."""
    prs = Presentation(io.BytesIO(data))
    titles, texts, cells = [], [], []
    for slide in prs.slides:
        titles.append(slide.shapes.title.text)
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts += [p.text for p in shape.text_frame.paragraphs if p.text]
            if shape.has_table:
                cells += [c.text for row in shape.table.rows for c in row.cells]
    props = prs.core_properties
    texts += [props.title or "", props.subject or "", props.keywords or "", props.comments or ""]
    return titles, texts, cells


def pptx_xml(data: bytes) -> str:
    """Every XML part of the package as text: whatever a text search of the file finds."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(
            z.read(n).decode("utf-8", "replace")
            for n in z.namelist()
            if n.endswith((".xml", ".rels"))
        )


def pdf_pages(data: bytes, scale: float = 0.5) -> tuple[list[str], list[Image.Image], dict]:
    doc = pdfium.PdfDocument(data)
    try:
        texts, images = [], []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            images.append(page.render(scale=scale).to_pil())
            textpage.close()
            page.close()
        return texts, images, doc.get_metadata_dict()
    finally:
        doc.close()


def all_text(files) -> str:
    pptx, pdf = files
    _, texts, cells = pptx_texts(pptx)
    return "\n".join([*texts, *cells, *pdf_pages(pdf)[0]])


COUNT = re.compile(r"^\d{1,3}(\.\d{3})*$")


def small_counts_in(values: list[str], k: int) -> list[str]:
    """Texts that read as a count below k (0 is shown: it reveals nobody)."""
    return [v for v in values if COUNT.match(v.strip()) and 0 < int(v.replace(".", "")) < k]


# --- slide order and titles -----------------------------------------------------------------------


def test_slides_follow_the_configured_list_in_pptx_and_pdf(pack, files, demo):
    _, settings, *_ = demo
    meeting = meeting_type(settings, "integraal")
    assert [s.kind for s in pack.slides] == list(meeting.slides)
    expected = [meeting.label if s.kind == "titel" else TITLES[s.kind] for s in pack.slides]
    titles = [s.title for s in pack.slides]
    for title, wanted, slide in zip(titles, expected, pack.slides, strict=True):
        if slide.kind == "wijk_focus":  # "Wijk in beeld: <name of the wijk>"
            assert title.startswith(wanted + ": ") and len(title) > len(wanted) + 2
        else:
            assert title == wanted

    pptx, pdf = files
    prs = Presentation(io.BytesIO(pptx))
    assert len(prs.slides) == len(meeting.slides)
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    assert pptx_texts(pptx)[0] == titles  # the title placeholder of every slide
    assert prs.core_properties.title == pack.title

    texts, images, metadata = pdf_pages(pdf)
    assert len(texts) == len(titles)
    for page, title in zip(texts, titles, strict=True):
        assert title in page.replace("\r\n", " ")
    assert metadata["Title"] == pack.title == "Integraal overleg 1 november 2026"
    for image in images:  # landscape 16:9 pages with something on them
        assert abs(image.width / image.height - 16 / 9) < 0.01
        assert np.asarray(image.convert("L")).min() < 100


def test_a_meeting_may_reorder_and_omit_slides(demo, tmp_path):
    engine, *_ = demo
    path = tmp_path / "o.toml"
    path.write_text(
        '[[meetings]]\ncode = "kort"\nlabel = "Kort overleg"\ninterval_days = 14\n'
        'slides = ["verantwoording", "interventies", "titel"]\n',
        encoding="utf-8",
    )
    settings = load_settings(env={"OOVGEO_HOME": str(tmp_path)}, config_file=path)
    pack = build_pack(engine, settings, "kort", MEETING_DATE)
    assert [s.kind for s in pack.slides] == ["verantwoording", "interventies", "titel"]
    assert pptx_texts(to_pptx(pack))[0] == [
        "Verantwoording",
        TITLES["interventies"],
        "Kort overleg",
    ]
    assert pack.period == (MEETING_DATE - timedelta(days=14), DEMO_END)


def test_the_period_is_since_the_previous_meeting(pack):
    assert pack.period == (MEETING_DATE - timedelta(days=42), DEMO_END)
    assert pack.previous_period == (
        MEETING_DATE - timedelta(days=84),
        pack.period[0] - timedelta(1),
    )
    title = pack.slides[0]
    assert f"Periode: {pack.period[0]:%d-%m-%Y} t/m {DEMO_END:%d-%m-%Y}" in title.bullets[0]


# --- disclosure ----------------------------------------------------------------------------------


def test_no_small_count_in_any_table_or_count_line(pack, files, demo):
    _, settings, *_ = demo
    k = settings.get("privacy.suppression_threshold")
    for slide in pack.slides:
        if slide.table is not None:
            cells = slide.table.to_numpy().ravel().tolist()
            assert all(isinstance(c, str) for c in cells)
            assert not small_counts_in(cells, k), slide.kind
    pptx, pdf = files
    _, texts, cells = pptx_texts(pptx)
    assert not small_counts_in(cells, k)
    assert f"<{k}" in cells  # the demo has small counts: they are there, hidden
    # "Thema: 12" lines carry counts too
    counted = [m.group(1) for t in texts if (m := re.search(r": (\S+)$", t))]
    assert counted and not small_counts_in(counted, k)
    # the PDF shows the same cells, word for word, and the same count lines
    pages = pdf_pages(pdf)[0]
    words = " ".join(pages).split()
    for slide in pack.slides:
        if slide.table is not None:
            for cell in slide.table.to_numpy().ravel():
                assert all(word in words for word in str(cell).split())
    lines = [line for page in pages for line in page.splitlines()]
    counted = [m.group(1) for t in lines if (m := re.search(r": (\S+)$", t.strip()))]
    assert counted and not small_counts_in(counted, k)


def test_no_address_and_no_coordinate_anywhere(pack, files, demo):
    *_, addresses, points = demo
    assert len(addresses) > 100
    pptx, pdf = files
    haystacks = [pptx_xml(pptx), all_text(files), pdf.decode("latin-1")]
    for slide in pack.slides:
        haystacks.append(" ".join([slide.title, slide.subtitle, *slide.bullets, slide.note]))
        if slide.table is not None:
            haystacks.append(" ".join(slide.table.astype(str).to_numpy().ravel()))
    for haystack in haystacks:
        lowered = haystack.lower()
        found = [a for a in addresses if a.lower() in lowered]
        assert not found, found[:3]
    assert_no_coordinates(haystacks, points, text_only=all_text(files))


def assert_no_coordinates(haystacks: list[str], points, *, text_only: str) -> None:
    to_wgs84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    needles = set()
    for x, y in points:
        lon, lat = to_wgs84.transform(x, y)
        for a, b in ((x, y), (lat, lon)):
            decimals = (1, 2) if a > 1000 else (4, 5, 6)
            for d in decimals:
                for value in (a, b):
                    text_value = f"{value:.{d}f}"
                    needles |= {text_value, text_value.replace(".", ",")}
    for haystack in haystacks:
        found = [n for n in needles if n in haystack]
        assert not found, found[:3]
    # in the visible text, also no whole RD metres and no WGS84-looking decimals at all
    for x, y in points:
        for value in (f"{x:.0f}", f"{y:.0f}"):
            assert not re.search(rf"(?<![\d.,]){value}(?![\d])", text_only)
    assert not re.search(r"\b5[0-3][.,]\d{3,}", text_only)
    assert not re.search(r"(?<![\d.,])[3-7][.,]\d{4,}", text_only)


def test_theme_maps_hide_the_same_cells_as_the_change_tables(demo):
    """One mask per theme: the map and the tables cannot be combined to work a cell back."""
    engine, settings, *_ = demo
    meeting = meeting_type(settings, "integraal")
    data = load_data(engine, settings, meeting, MEETING_DATE, None, "beschermd", MEETING_DATE)
    _, shown = wijk_theme_comparison(data)
    for theme in main_themes(data):
        view = theme_view(data, theme).set_index("code")["weergave"]
        table = shown[shown["thema"] == theme].set_index("wijk_code")["a"]
        assert (view.reindex(table.index) == table).all(), theme
        assert (view.drop(table.index) == "0").all()  # wijken without signals either period
    assert set(shown["oordeel"]) <= LABELS


def test_count_texts_mark_small_cells_only(demo):
    _, settings, *_ = demo
    from oovgeo.report.pack import pack_disclosure

    d = pack_disclosure(settings)
    assert count_texts(pd.Series([12, 3, 0, 7]), d) == ["12", "<5", "0", "7"]
    assert count_texts(pd.Series([12, 30]), d) == ["12", "30"]


def test_slides_refuse_tables_with_numbers():
    with pytest.raises(TypeError, match="display text only"):
        Slide(kind="interventies", title="X", table=pd.DataFrame({"Aantal": [3]}))


def test_maps_stay_readable_in_grey(pack):
    """Sequential classes darken monotonically; hidden cells are hatched, not just grey."""
    for k in range(2, 6):
        greys = [np.asarray(Image.new("RGB", (1, 1), c).convert("L"))[0, 0] for c in palette(k)]
        assert all(a > b for a, b in zip(greys, greys[1:], strict=False)), greys
    theme_map = next(s for s in pack.slides if s.kind == "kaart_themas").image_png
    grey = np.asarray(Image.open(io.BytesIO(theme_map)).convert("L"))
    assert len(np.unique(grey // 16)) >= 6  # classes, labels and hatching all survive
    change_map = next(s for s in pack.slides if s.kind == "veranderingen").image_png
    assert Image.open(io.BytesIO(change_map)).size[0] >= 800


# --- audiences -----------------------------------------------------------------------------------


def test_protected_pack_counts_agreements_per_wijk_and_status(pack):
    slide = next(s for s in pack.slides if s.kind == "afspraken")
    assert list(slide.table.columns[:1]) == ["Wijk"]
    assert "Casus" not in slide.table.columns and "Totaal" in set(slide.table["Wijk"])
    assert "<5" in slide.table.to_numpy().ravel()


def test_internal_pack_lists_actions_without_addresses(intern_files, demo):
    *_, addresses, points = demo
    pack, pptx, pdf = intern_files
    assert pack.audience == "intern"
    slide = next(s for s in pack.slides if s.kind == "afspraken")
    assert {"Casus", "Plaats", "Afgesproken actie", "Status"} <= set(slide.table.columns)
    assert "integrale controle" in set(slide.table["Afgesproken actie"])
    assert any("[adres]" in c for c in slide.table["Casus"])  # the title lost its address
    haystacks = [pptx_xml(pptx), all_text((pptx, pdf))]
    for haystack in haystacks:
        assert not [a for a in addresses if a.lower() in haystack.lower()]
    assert_no_coordinates(haystacks, points, text_only=all_text((pptx, pdf)))


def test_only_shortlist_roles_get_the_internal_pack(demo):
    engine, settings, intern, *_ = demo
    meeting = meeting_type(intern, "integraal")

    def who(role: str) -> Identity:
        return Identity("t", role, "local", datetime.now(UTC))

    assert audience_for(meeting) == "intern"  # the command line
    for role in ("beheerder", "coordinator"):
        assert audience_for(meeting, who(role)) == "intern"
    for role in ("analist", "manager", "presentatie", "onbekend"):
        assert audience_for(meeting, who(role)) == "beschermd"
    assert audience_for(meeting_type(settings, "integraal"), who("beheerder")) == "beschermd"

    viewer = who("presentatie")
    pack = build_pack(engine, intern, "integraal", MEETING_DATE, identity=viewer)
    assert pack.audience == "beschermd"
    slide = next(s for s in pack.slides if s.kind == "afspraken")
    assert "Casus" not in slide.table.columns


# --- edge cases ----------------------------------------------------------------------------------


def test_store_without_signals_still_gives_every_slide(sqlite_store, shared_data):
    engine, settings = sqlite_store
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    pack = build_pack(engine, settings, "integraal", date(2026, 3, 1))
    assert [s.kind for s in pack.slides] == list(meeting_type(settings, "integraal").slides)
    bullets = " ".join(b for s in pack.slides for b in s.bullets)
    assert "Geen interventies in deze periode." in bullets
    assert "Geen afspraken op de lijst." in bullets
    assert len(Presentation(io.BytesIO(to_pptx(pack))).slides) == 8
    assert len(pdf_pages(to_pdf(pack), scale=0.2)[0]) == 8


def test_store_without_boundaries_is_a_dutch_error(sqlite_store):
    engine, settings = sqlite_store
    with pytest.raises(PackError, match="nog geen gebiedsgrenzen"):
        build_pack(engine, settings, "opvolging", date(2026, 3, 1))


def test_pack_on_each_backend(vlaardingen):
    """The GROUP BYs behind a pack give the same slides on SQLite and PostgreSQL."""
    engine, settings = vlaardingen
    ops.build_demo(engine, settings, end=DEMO_END)
    pack = build_pack(engine, settings, "politie", MEETING_DATE)
    assert [s.kind for s in pack.slides] == list(meeting_type(settings, "politie").slides)
    assert pack.period == (MEETING_DATE - timedelta(days=56), DEMO_END)
    assert any("<5" in s.table.to_numpy().ravel() for s in pack.slides if s.table is not None)
