"""The yearly evaluation for the council (journey 4): XLSX and PDF, exact and protected.

The comparison tables are built by hand in the shape of ``analysis.compare``: the result of
``compare_table`` for exact reports, the display copy of ``protect_comparison`` (counts as
text, hidden differences missing) for protected ones.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import cbook
from openpyxl import load_workbook

from oovgeo.privacy import Disclosure
from oovgeo.report.year_report import (
    FALL,
    FILL_FALL,
    FILL_RISE,
    METHOD_NOTE,
    NO_SIGNIFICANT,
    NORMAL,
    RISE,
    TOO_FEW,
    YearReport,
    build_year_report,
    dutch_date,
    pdf_page_count,
    pdf_tables,
    to_pdf,
    to_xlsx,
)
from oovgeo.report.year_report.pdf import _plain

FORMULA = '=HYPERLINK("x")'
DOLLAR_THEME = "Kosten $x$"
MADE_ON = date(2025, 1, 20)
SMALL = re.compile(r"^[1-4]$")


# --- input tables --------------------------------------------------------------------------


def exact_theme_table() -> pd.DataFrame:
    """``compare_table`` shape, keys [thema]; 2024 against 2023 (365 days each)."""
    table = pd.DataFrame(
        {
            "thema": [
                "Ondermijning",
                "Woonoverlast",
                "Zorg en veiligheid",
                DOLLAR_THEME,
                "Mensenhandel",
            ],
            "a": [40, 120, 33, 52, 3],
            "b": [15, 150, 30, 40, 1],
        }
    )
    table["verschil"] = table["a"] - table["b"]
    table["verschil_pct"] = (table["a"] / table["b"] - 1) * 100
    table["rate_a"] = table["a"] / 365
    table["rate_b"] = table["b"] / 365
    table["p"] = [0.0009, 0.012, 0.71, 0.22, np.nan]
    table["p_fdr"] = [0.0036, 0.024, 0.71, 0.29, np.nan]
    table["oordeel"] = [RISE, FALL, NORMAL, NORMAL, TOO_FEW]
    return table


def exact_wijk_table() -> pd.DataFrame:
    """``compare_table`` shape, keys [wijk, thema], with inhabitants (rates per 1,000)."""
    table = pd.DataFrame(
        {
            "wijk": ["Westwijk", FORMULA, "Centrum", "Holy", "Westwijk", "Centrum"],
            "thema": [
                "Ondermijning",
                "Woonoverlast",
                DOLLAR_THEME,
                "Ondermijning",
                "Mensenhandel",
                "Woonoverlast",
            ],
            "a": [30, 4, 50, 10, 2, 60],
            "b": [10, 2, 20, 5, 1, 95],
            "inwoners": [9000, 7000, 12000, 11000, 9000, 12000],
        }
    )
    table["verschil"] = table["a"] - table["b"]
    table["verschil_pct"] = (table["a"] / table["b"] - 1) * 100
    table["rate_a"] = table["a"] * 1000 / table["inwoners"]
    table["rate_b"] = table["b"] * 1000 / table["inwoners"]
    table["p"] = [0.002, np.nan, 0.0001, 0.3, np.nan, 0.004]
    table["p_fdr"] = [0.004, np.nan, 0.0004, 0.3, np.nan, 0.006]
    table["oordeel"] = [RISE, TOO_FEW, RISE, NORMAL, TOO_FEW, FALL]
    return table


def protected_theme_table() -> pd.DataFrame:
    """``protect_comparison`` shape: counts as text, hidden cells "<5", change masked."""
    table = exact_theme_table()
    table["a"] = pd.Series(["40", "120", "33", "52", "<5"], dtype=object)
    table["b"] = pd.Series(["15", "150", "30", "40", "<5"], dtype=object)
    table["verschil"] = pd.array([25, -30, pd.NA, 12, pd.NA], dtype="Int64")
    table["verschil_pct"] = table["verschil_pct"].mask(table["verschil"].isna().to_numpy())
    hidden = np.array([False, False, False, False, True])
    for column in ("rate_a", "rate_b", "p", "p_fdr"):
        table[column] = table[column].mask(hidden)
    return table


def protected_wijk_table() -> pd.DataFrame:
    table = exact_wijk_table()
    table["a"] = pd.Series(["30", "<5", "50", "10", "<5", "60"], dtype=object)
    table["b"] = pd.Series(["10", "<5", "20", "<5", "<5", "95"], dtype=object)
    table["verschil"] = pd.array([20, pd.NA, 30, pd.NA, pd.NA, -35], dtype="Int64")
    changed = table["verschil"].isna().to_numpy()
    table["verschil_pct"] = table["verschil_pct"].mask(changed)
    for column in ("rate_a", "rate_b", "p", "p_fdr"):
        table[column] = table[column].mask(changed)
    table["oordeel"] = [RISE, TOO_FEW, RISE, NORMAL, TOO_FEW, FALL]
    return table


def make_report(protected: bool, **changes) -> YearReport:
    by_theme = protected_theme_table() if protected else exact_theme_table()
    by_wijk = protected_wijk_table() if protected else exact_wijk_table()
    arguments = {
        "year": 2024,
        "gemeente": "Vlaardingen",
        "disclosure": Disclosure(protected=protected),
        "data_as_of": date(2025, 1, 10),
        "sources": ["Meldpunt overlast", "Meld een Vermoeden"],
        "extra_notes": ["De politiecijfers van december 2024 zijn nog onvolledig."],
    }
    arguments.update(changes)
    return build_year_report(by_theme, by_wijk, **arguments)


@pytest.fixture(scope="module")
def exact() -> YearReport:
    return make_report(False)


@pytest.fixture(scope="module")
def protected() -> YearReport:
    return make_report(True)


# --- helpers for reading the output back ---------------------------------------------------


def workbook(report: YearReport):
    return load_workbook(io.BytesIO(to_xlsx(report, made_on=MADE_ON)))


def rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def pdf_page_objects(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def _unescape(literal: bytes) -> str:
    out, i = bytearray(), 0
    while i < len(literal):
        ch = literal[i]
        if ch == 0x5C and i + 1 < len(literal):  # backslash
            nxt = literal[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("latin-1")


GLYPHS = {"endash": "\u2013", "minus": "\u2212", "fi": "fi", "fl": "fl", "ellipsis": "\u2026"}


def _font_maps(data: bytes) -> dict[bytes, dict[int, str]]:
    """Per font resource name (``F1``): character code -> text.

    matplotlib embeds Type 3 subsets. Fonts starting at code 32 use the character codes of
    ASCII; the extra fonts starting at 0 hold glyphs outside it (en dash, minus sign, the
    "fi" ligature), named in their ``/Differences``.
    """
    maps = {}
    for resources in re.finditer(rb"<<((?:\s*/F\d+ \d+ 0 R)+)\s*>>", data):
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", resources.group(1)):
            obj = re.search(rb"\n" + number + rb" 0 obj\n(.*?)endobj", data, re.S).group(1)
            first = int(re.search(rb"/FirstChar (\d+)", obj).group(1))
            codes: dict[int, str] = {}
            if first < 32:
                differences = re.search(rb"/Differences \[(.*?)\]", obj, re.S).group(1)
                code = 0
                for token in differences.split():
                    if token.isdigit():
                        code = int(token)
                    else:
                        codes[code] = GLYPHS.get(token[1:].decode(), "\ufffd")
                        code += 1
            maps[name] = codes
    return maps


def pdf_texts(data: bytes) -> list[str]:
    """The text of every text object (BT ... ET) of a matplotlib PDF, one string each.

    A text object is one line of one ``Text`` artist: a table cell, a tick label, a line of a
    note. Enough for matplotlib's output: literal strings in TJ arrays, in Flate-compressed
    content streams, with Type 3 fonts (see ``_font_maps``).
    """
    fonts = _font_maps(data)
    texts = []
    operators = re.compile(
        rb"/(F\d+) [\d.]+ Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ|(\((?:[^()\\]|\\.)*\))\s*Tj", re.S
    )
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        for block in re.finditer(rb"\bBT\b(.*?)\bET\b", content, re.S):
            font: dict[int, str] = {}
            pieces = []
            for op in operators.finditer(block.group(1)):
                if op.group(1) is not None:
                    font = fonts.get(op.group(1), {})
                    continue
                body = op.group(2) if op.group(2) is not None else op.group(3)
                for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)", body, re.S):
                    raw = _unescape(literal)
                    pieces.append("".join(font.get(ord(c), c) for c in raw) if font else raw)
            texts.append("".join(pieces))
    return texts


# --- the report object and its notes -------------------------------------------------------


def test_notes_say_data_date_sources_method_and_disclosure(exact, protected):
    assert exact.notes[0].startswith("Gegevens compleet t/m 10-01-2025;")
    assert exact.notes[1] == "Bronnen: Meldpunt overlast, Meld een Vermoeden."
    assert METHOD_NOTE in exact.notes
    assert (
        "exacte toets voor twee Poisson-aantallen, gecorrigeerd voor meervoudig toetsen "
        "(Benjamini-Hochberg)"
    ) in METHOD_NOTE
    assert not any("<5" in n for n in exact.notes)
    assert any(n.startswith("Hoe lees ik dit?") and "staan als <5" in n for n in protected.notes)
    assert protected.protected and not exact.protected
    assert protected.notes[-1].startswith("De politiecijfers van december")


def test_disclosure_note_follows_the_threshold():
    report = make_report(True, disclosure=Disclosure(protected=True, threshold=10))
    assert any("staan als <10" in n for n in report.notes)


def test_title_and_dutch_date(exact):
    assert exact.title == "Jaarvergelijking 2024 – 2023, gemeente Vlaardingen"
    assert dutch_date(date(2024, 12, 31)) == "31 december 2024"


def test_protected_report_refuses_raw_counts():
    """Fail closed: numeric counts in a protected report mean protect_comparison was skipped."""
    with pytest.raises(ValueError, match="protect_comparison"):
        YearReport(2024, "Vlaardingen", exact_theme_table(), protected_wijk_table(), [], True)
    with pytest.raises(ValueError, match="protect_comparison"):
        YearReport(2024, "Vlaardingen", protected_theme_table(), exact_wijk_table(), [], True)


def test_missing_columns_and_bad_year_are_refused():
    with pytest.raises(ValueError, match="oordeel"):
        YearReport(2024, "V", exact_theme_table().drop(columns="oordeel"), exact_wijk_table())
    with pytest.raises(ValueError, match="wijk"):
        YearReport(2024, "V", exact_theme_table(), exact_wijk_table().drop(columns="wijk"))
    with pytest.raises(ValueError, match="year"):
        YearReport(24, "V", exact_theme_table(), exact_wijk_table())


def test_exact_report_accepts_the_exact_display_copy():
    """protect_comparison(exact) gives counts as Dutch text ("1.234"); they stay numbers."""
    themes = exact_theme_table()
    themes["a"] = ["40", "1.120", "33", "52", "3"]
    report = YearReport(2024, "Vlaardingen", themes, exact_wijk_table())
    ws = workbook(report)["Per thema"]
    assert [r[1] for r in rows(ws)[1:]] == [40, 1120, 33, 52, 3]


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_sheets_headers_and_row_counts(exact):
    wb = workbook(exact)
    assert wb.sheetnames == ["Samenvatting", "Per thema", "Per wijk en thema"]
    themes, wijk = rows(wb["Per thema"]), rows(wb["Per wijk en thema"])
    assert themes[0] == [
        "Thema", "2024", "2023", "Verschil", "Verschil (%)", "Oordeel",
        "2024 per dag", "2023 per dag", "p-waarde", "p-waarde (gecorrigeerd)",
    ]  # fmt: skip
    assert wijk[0][:7] == ["Wijk", "Thema", "2024", "2023", "Verschil", "Verschil (%)", "Oordeel"]
    assert "2024 per 1.000 inwoners per jaar" in wijk[0] and wijk[0][-1] == "Inwoners"
    assert len(themes) == 1 + len(exact.by_theme)
    assert len(wijk) == 1 + len(exact.by_wijk_theme)
    summary = [r[0] for r in rows(wb["Samenvatting"]) if r[0]]
    assert summary[:3] == [
        exact.title,
        "Jaar 2024 vergeleken met 2023",
        "Gemaakt op 20 januari 2025",
    ]
    for note in exact.notes:
        assert note in summary


def test_xlsx_layout_bold_frozen_widths(exact):
    wb = workbook(exact)
    for name in ("Per thema", "Per wijk en thema"):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        assert not ws["A2"].font.bold
        widths = [ws.column_dimensions[c].width for c in "ABCDEF"]
        assert all(8 <= w <= 45 for w in widths)
    assert wb["Per thema"].column_dimensions["F"].width >= len(TOO_FEW)


def test_xlsx_fill_per_verdict(exact):
    ws = workbook(exact)["Per wijk en thema"]
    verdict_column = [c.value for c in ws[1]].index("Oordeel")
    for row in ws.iter_rows(min_row=2):
        verdict = row[verdict_column].value
        colours = {c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None for c in row}
        expected = {RISE: "00" + FILL_RISE, FALL: "00" + FILL_FALL}.get(verdict)
        assert colours == {expected}, verdict


def test_fills_differ_in_grey():
    def grey(hex_colour):
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
        return 0.299 * r + 0.587 * g + 0.114 * b

    levels = sorted([grey(FILL_RISE), grey(FILL_FALL), 255])
    assert min(np.diff(levels)) > 20


def test_xlsx_exact_numbers_are_numbers(exact):
    ws = workbook(exact)["Per thema"]
    first = rows(ws)[1]
    assert first[:4] == ["Ondermijning", 40, 15, 25]
    assert isinstance(first[4], float) and first[8] == pytest.approx(0.0009)
    assert rows(ws)[2][3] == -30
    assert rows(ws)[5][8] is None  # an untested row has no p-value, not "nan"


@pytest.mark.parametrize("kind", ["exact", "protected"])
def test_xlsx_holds_no_formula(kind, exact, protected):
    report = exact if kind == "exact" else protected
    wb = workbook(report)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    names = [r[0] for r in rows(wb["Per wijk en thema"])]
    assert "'" + FORMULA in names
    assert DOLLAR_THEME in [r[0] for r in rows(wb["Per thema"])]


def test_xlsx_formula_in_gemeente_and_notes_is_text():
    report = make_report(False, gemeente="=1+1", extra_notes=["@SUM(A1)", "-2+3"])
    wb = workbook(report)
    values = [v for r in rows(wb["Samenvatting"]) for v in r if v is not None]
    assert "'@SUM(A1)" in values and "'-2+3" in values
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in values)


def test_xlsx_protected_has_no_numbers_at_all(protected):
    """Every cell is display text: no hidden count (1-4) can come back as a number."""
    wb = workbook(protected)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value is None or isinstance(cell.value, str), (ws.title, cell.value)
                assert cell.data_type in ("s", "n") and (cell.data_type == "s") == (
                    cell.value is not None
                )
    wijk = rows(wb["Per wijk en thema"])
    header = wijk[0]
    a, b, d = header.index("2024"), header.index("2023"), header.index("Verschil")
    assert [r[a] for r in wijk[1:]] == ["30", "<5", "50", "10", "<5", "60"]
    assert [r[b] for r in wijk[1:]] == ["10", "<5", "20", "<5", "<5", "95"]
    assert [r[d] for r in wijk[1:]] == ["20", None, "30", None, None, "\u221235"]
    for r in wijk[1:]:
        for value in r[2:]:
            assert value is None or not SMALL.match(value)


def test_xlsx_protected_summary_has_the_disclosure_note(protected):
    summary = [r[0] for r in rows(workbook(protected)["Samenvatting"]) if r[0]]
    assert any(s.startswith("Hoe lees ik dit?") and "staan als <5" in s for s in summary)


# --- PDF tables ----------------------------------------------------------------------------


def test_plain_escapes_dollars_so_nothing_is_maths():
    assert _plain("$x$") == r"\$x\$"
    assert _plain("a$b$c$") == r"a\$b\$c\$"
    for text in ["$x$", "$\\frac{1}{0}$", "prijs $5 en $6", "a\\$b$"]:
        assert not cbook.is_math_text(_plain(text))


def test_pdf_tables_exact(exact):
    themes, changes = pdf_tables(exact)
    assert list(themes.columns) == ["Thema", "2024", "2023", "Verschil", "Oordeel"]
    assert len(themes) == len(exact.by_theme)
    assert themes.iloc[3].tolist() == [r"Kosten \$x\$", "52", "40", "12", NORMAL]
    assert themes.iloc[1, 3] == "\u221230"
    assert list(changes.columns) == ["Wijk", "Thema", "2024", "2023", "Verschil", "Oordeel"]
    # Only significant rows, sorted by wijk and theme.
    assert changes[["Wijk", "Thema", "Oordeel"]].values.tolist() == [
        ["Centrum", r"Kosten \$x\$", RISE],
        ["Centrum", "Woonoverlast", FALL],
        ["Westwijk", "Ondermijning", RISE],
    ]
    for frame in (themes, changes):
        assert all(isinstance(v, str) for v in frame.to_numpy().ravel())


def test_pdf_tables_protected_show_only_display_text(protected):
    themes, changes = pdf_tables(protected)
    assert themes.iloc[4].tolist() == ["Mensenhandel", "<5", "<5", "", TOO_FEW]
    assert themes["Verschil"].tolist() == ["25", "\u221230", "", "12", ""]
    for frame in (themes, changes):
        cells = frame.drop(columns=[c for c in ("Wijk", "Thema") if c in frame]).to_numpy().ravel()
        assert not any(SMALL.match(v) for v in cells)
    assert "<5" in themes.to_numpy().ravel()


def test_pdf_tables_without_significant_changes():
    themes = exact_theme_table().assign(oordeel=NORMAL)
    wijk = exact_wijk_table().assign(oordeel=NORMAL)
    report = YearReport(2024, "Vlaardingen", themes, wijk, ["Bronnen: test."])
    assert pdf_tables(report)[1].empty
    data = to_pdf(report, made_on=MADE_ON)
    assert NO_SIGNIFICANT in pdf_texts(data)
    assert pdf_page_objects(data) == 3


# --- PDF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exact_pdf(exact) -> bytes:
    return to_pdf(exact, made_on=MADE_ON)


@pytest.fixture(scope="module")
def protected_pdf(protected) -> bytes:
    return to_pdf(protected, made_on=MADE_ON)


def test_pdf_is_a_pdf_with_the_expected_pages(exact, exact_pdf):
    assert exact_pdf.startswith(b"%PDF")
    assert exact_pdf.rstrip().endswith(b"%%EOF")
    assert pdf_page_objects(exact_pdf) == 3 == pdf_page_count(exact)
    # A4 portrait: 595 x 842 points.
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", exact_pdf)
    assert sizes and all(
        abs(float(w) - 595.44) < 1 and abs(float(h) - 841.68) < 1 for w, h in sizes
    )


def test_pdf_text_title_notes_and_literal_dollars(exact, exact_pdf):
    texts = pdf_texts(exact_pdf)
    assert exact.title in texts
    assert "Gemaakt op 20 januari 2025" in texts
    assert any(t.startswith("Gegevens compleet t/m 10-01-2025;") for t in texts)
    assert "Kosten $x$" in texts  # drawn as text, not as maths
    assert (
        "significant gestegen" in texts and "Significante veranderingen per wijk en thema" in texts
    )


def test_pdf_protected_text_shows_less_than_five_and_no_small_numbers(protected_pdf):
    texts = pdf_texts(protected_pdf)
    assert "<5" in texts
    assert "niet getoond" in [t.strip() for t in texts]
    assert not [t for t in texts if SMALL.match(t.strip().lstrip("\u2212"))]
    assert any("staan als <5" in t for t in texts)


def test_pdf_exact_text_shows_the_small_numbers(exact_pdf):
    """The check above would notice small numbers: the exact report draws them."""
    texts = [t.strip() for t in pdf_texts(exact_pdf)]
    assert "3" in texts and "1" in texts and "\u221230" in texts


def test_pdf_paginates_long_tables():
    themes = pd.concat([exact_theme_table()] * 6, ignore_index=True)  # 30 themes
    themes["thema"] = [f"Thema {i:02d}" for i in range(len(themes))]
    wijk = pd.concat([exact_wijk_table()] * 30, ignore_index=True)  # 90 significant rows
    wijk["wijk"] = [f"Wijk {i:03d}" for i in range(len(wijk))]
    wijk["oordeel"] = [RISE, NORMAL] * 90
    report = YearReport(2024, "Vlaardingen", themes, wijk, [])
    expected = 1 + 2 + 3  # title; 18 themes with chart + 12 more; 90 rows over 40 per page
    assert pdf_page_count(report) == expected
    assert pdf_page_objects(to_pdf(report, made_on=MADE_ON)) == expected


@pytest.mark.slow
def test_pdf_uses_no_pyplot():
    """Built from Figure objects only: making a PDF never imports pyplot's global state."""
    here = str(Path(__file__).parent)
    script = (
        f"import sys\nsys.path.insert(0, {here!r})\n"
        "import test_year_report as t\n"
        "t.to_pdf(t.make_report(True))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_pdf_text_with_pypdf_when_available(protected_pdf):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(protected_pdf))
    assert len(reader.pages) == 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "<5" in text and "Kosten $x$" in text


@pytest.mark.slow
def test_pdf_pages_render_with_pdftoppm_when_available(tmp_path, protected_pdf):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    source = tmp_path / "rapport.pdf"
    source.write_bytes(protected_pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == 3
