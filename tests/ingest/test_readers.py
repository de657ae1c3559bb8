"""Reading CSV and XLSX exports into tables of strings with the row numbers users see."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from oovgeo.ingest.readers import MB, RawTable, ReadError, read_table


def read(data: bytes, filename: str = "export.csv", **kwargs) -> RawTable:
    return read_table(data, filename, **kwargs)


# --- encodings -------------------------------------------------------------------------------


def test_utf8_with_bom_keeps_the_bom_out_of_the_first_column_name():
    table = read(b"\xef\xbb\xbfid;naam\n1;Be\xc3\xabla\n")
    assert table.columns == ["id", "naam"]
    assert table.rows == [["1", "Beëla"]]
    assert table.encoding == "utf-8-sig"
    assert table.warnings == []


def test_utf8_without_bom():
    table = read("id;plaats\n1;Śląsk-Zoë\n".encode())
    assert table.rows == [["1", "Śląsk-Zoë"]]
    assert table.encoding == "utf-8"
    assert table.warnings == []


def test_windows_1252_file_with_e_umlaut_and_euro_sign():
    text = "id;omschrijving\n1;Boete € 500 voor café Zoë\n"
    table = read(text.encode("cp1252"))
    assert table.rows == [["1", "Boete € 500 voor café Zoë"]]
    assert table.encoding == "cp1252"
    assert any("1 regel" in w and "Windows-1252" in w for w in table.warnings)


def test_mixed_encodings_are_decided_per_line():
    data = (
        b"id;naam\n"
        + "1;Zoë\n".encode()  # UTF-8
        + "2;Zoë €\n".encode("cp1252")
        + "3;Chloë\n".encode("cp1252")
        + "4;Noël\n".encode()
    )
    table = read(data)
    assert [row[1] for row in table.rows] == ["Zoë", "Zoë €", "Chloë", "Noël"]
    assert table.encoding == "utf-8+cp1252"
    assert any("2 regels" in w for w in table.warnings)


def test_concatenated_exports_with_a_second_bom_and_header():
    part1 = b"\xef\xbb\xbfid;naam\r\n1;a\r\n"
    part2 = b"\xef\xbb\xbfid;naam\r\n2;Zo\xeb\r\n"  # cp1252 line after a UTF-8 BOM
    table = read(part1 + part2)
    assert table.rows == [["1", "a"], ["id", "naam"], ["2", "Zoë"]]
    assert table.row_numbers == [2, 3, 4]
    assert any("opnieuw voor op rij 3" in w for w in table.warnings)


def test_utf16_unicode_text_export_is_tab_separated():
    data = "id\tnaam\tx\r\n1\tZoë\t83065,5\r\n".encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    table = read(data, "export.txt")
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.columns == ["id", "naam", "x"]
    assert table.rows == [["1", "Zoë", "83065,5"]]


def test_utf16_without_bom_is_refused_not_garbled():
    with pytest.raises(ReadError, match="nul-bytes"):
        read("id;naam\n1;a\n".encode("utf-16-le"))


# --- delimiters ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_each_delimiter_is_detected(delimiter):
    text = delimiter.join(["id", "x", "y"]) + "\n" + delimiter.join(["1", "83065", "436518"])
    table = read(text.encode())
    assert table.delimiter == delimiter
    assert table.columns == ["id", "x", "y"]
    assert table.rows == [["1", "83065", "436518"]]


def test_semicolon_file_with_decimal_commas_is_not_read_as_comma_separated():
    table = read(b"id;x;y\n1;83065,5;436518,25\n2;83066,5;436519,75\n")
    assert table.delimiter == ";"
    assert table.rows[0] == ["1", "83065,5", "436518,25"]


def test_comma_file_with_semicolons_inside_values():
    table = read(b"id,omschrijving\n1,a;b\n2,c;d\n")
    assert table.delimiter == ","
    assert table.rows == [["1", "a;b"], ["2", "c;d"]]


def test_file_with_one_column_is_refused_with_a_hint():
    with pytest.raises(ReadError, match="scheidingsteken"):
        read(b"id\n1\n2\n")


# --- quoting, ragged rows, blank lines -------------------------------------------------------


def test_quoted_fields_with_delimiter_quote_and_newline():
    data = (
        b"id;omschrijving;x\n"
        b'1;"tekst met ; puntkomma";5\n'
        b'2;"regel een\nregel twee";6\n'
        b'3;"zei ""hallo""";7\n'
    )
    table = read(data)
    assert table.rows == [
        ["1", "tekst met ; puntkomma", "5"],
        ["2", "regel een\nregel twee", "6"],
        ["3", 'zei "hallo"', "7"],
    ]
    # Excel shows a quoted multi-line cell as one row: rows 2, 3, 4
    assert table.row_numbers == [2, 3, 4]
    assert table.ragged_rows == []


def test_short_rows_are_padded_and_long_rows_kept_and_flagged():
    data = b"a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12;\n13;14;15\n16;17;18\n"
    table = read(data)
    assert table.rows == [
        ["1", "2", "3"],
        ["4", "5", ""],
        ["6", "7", "8;9"],  # surplus cell kept in the last cell, nothing lost
        ["10", "11", "12"],  # an empty surplus cell is no problem
        ["13", "14", "15"],
        ["16", "17", "18"],
    ]
    assert table.row_numbers == [2, 3, 4, 5, 6, 7]
    assert table.ragged_rows == [4]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_blank_lines_are_skipped_but_counted_in_row_numbers(newline):
    lines = ["", "", "id;naam", "1;a", "", "2;b", ";", "   ", "3;c", "", ""]
    table = read(newline.join(lines).encode())
    assert table.columns == ["id", "naam"]
    assert table.rows == [["1", "a"], ["2", "b"], ["3", "c"]]
    assert table.row_numbers == [4, 6, 9]


def test_title_line_above_the_header_is_skipped_and_counted():
    table = read(b"Export meldingen OOV 2024\n\nid;x\n1;5\n")
    assert table.columns == ["id", "x"]
    assert table.row_numbers == [4]
    assert any("Rij 1" in w and "titel" in w for w in table.warnings)


# --- header problems -------------------------------------------------------------------------


def test_header_cells_are_stripped():
    assert read(b" id ; X-co\xc3\xb6rdinaat \n1;2\n").columns == ["id", "X-coördinaat"]


def test_duplicate_column_names_are_refused_by_name():
    with pytest.raises(ReadError) as caught:
        read(b"id;naam;x;ID\n1;a;2;3\n")
    assert "kolom 'id' komt twee keer voor" in str(caught.value)
    assert "naam" not in str(caught.value).split(":")[1]


def test_unnamed_column_with_data_is_refused_with_its_letter():
    with pytest.raises(ReadError, match="Kolom B heeft geen naam"):
        read(b"id;;x\n1;geheim;5\n")


def test_unnamed_empty_columns_are_dropped():
    table = read(b"id;;x;;\n1;;5;;\n2;;6\n")
    assert table.columns == ["id", "x"]
    assert table.rows == [["1", "5"], ["2", "6"]]
    assert table.ragged_rows == []


def test_missing_header_is_refused():
    with pytest.raises(ReadError, match="kopregel ontbreekt"):
        read(b"1;83065;436518\n2;83066;436519\n")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_file_is_refused(data):
    with pytest.raises(ReadError, match="leeg|geen gegevens"):
        read(data)


def test_header_only_gives_an_empty_table():
    table = read(b"id;x;y\n")
    assert table.columns == ["id", "x", "y"]
    assert table.rows == [] and table.row_numbers == []


# --- limits and file types -------------------------------------------------------------------


def test_size_limit_message_states_the_limit_in_mb():
    data = b"id;x\n" + b"1;2\n" * (MB // 4)  # just over 1 MB
    with pytest.raises(ReadError) as caught:
        read(data, max_bytes=MB)
    assert "de limiet is 1 MB" in str(caught.value)


def test_default_size_limit_is_25_mb():
    with pytest.raises(ReadError, match="de limiet is 25 MB"):
        read(b"a" * (25 * MB + 1))


def test_file_exactly_at_the_size_limit_is_read():
    data = b"id;x\n1;2\n"
    assert read(data, max_bytes=len(data)).rows == [["1", "2"]]


def test_row_limit():
    data = b"id;x\n" + b"".join(f"{i};1\n".encode() for i in range(1001))
    with pytest.raises(ReadError, match="meer dan 1.000 gegevensrijen"):
        read(data, max_rows=1000)
    assert len(read(data, max_rows=1001).rows) == 1001


@pytest.mark.parametrize("filename", ["export.xlsm", "export.xls", "export.xlsb", "EXPORT.XLSM"])
def test_macro_and_old_excel_formats_are_refused(filename):
    with pytest.raises(ReadError, match="(?i)macro-werkmappen/oude Excel-formaten"):
        read(b"id;x\n1;2\n", filename)


def test_old_binary_excel_content_is_refused_whatever_its_name():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    with pytest.raises(ReadError, match="oude Excel-formaten"):
        read(ole, "export.csv")


@pytest.mark.parametrize("filename", ["export.pdf", "export"])
def test_unknown_file_types_are_refused(filename):
    with pytest.raises(ReadError, match="niet ondersteund"):
        read(b"id;x\n1;2\n", filename)


def test_xlsx_name_on_text_content_is_refused():
    with pytest.raises(ReadError, match="geen Excel-werkmap"):
        read(b"id;x\n1;2\n", "export.xlsx")


# --- Excel -----------------------------------------------------------------------------------


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, name: str, change) -> bytes:
    """Copy a zip, passing member `name` through `change(text) -> text`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == name:
                content = change(content.decode()).encode()
            dst.writestr(info, content)
    return out.getvalue()


def export_workbook() -> bytes:
    wb = Workbook()
    empty = wb.active
    empty.title = "Leeg"
    hidden = wb.create_sheet("Verborgen")
    hidden.append(["id", "geheim"])
    hidden.append([99, "verborgen"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("Meldingen")
    ws["A1"] = "Export meldingen OOV"  # title, row 2 stays empty, header on row 3
    ws.append([])
    ws.append(["id", "datum", "tijdstip", "aantal", "x", "som", "zonder_cache", "link", "code"])
    ws.append(
        [
            1,
            datetime(2024, 1, 3),
            datetime(2024, 1, 3, 14, 30, 5),
            7,
            83065.5,
            "=2+3",
            "=1+1",
            '=HYPERLINK("http://voorbeeld.nl","klik")',
            "0612",
        ]
    )
    ws.append([2, date(2023, 12, 31), None, 12.0, 83065.0, None, None, None, True])
    ws["H4"].data_type = "s"  # a text that starts with '=' (not a formula)
    ws["A20"].font = Font(bold=True)  # styled but empty trailing row
    ws["L4"].font = Font(bold=True)  # styled but empty trailing column
    data = workbook_bytes(wb)
    # Excel stores the last computed value of a formula; openpyxl does not, so add one for F4.
    sheet_xml = "xl/worksheets/sheet3.xml"
    return rewrite_member(
        # the empty <v> is "<v />" or "<v></v>" depending on whether lxml is installed
        data,
        sheet_xml,
        lambda xml: re.sub(r"<f>2\+3</f><v ?/>|<f>2\+3</f><v></v>", "<f>2+3</f><v>5</v>", xml),
    )


def test_xlsx_export_with_title_row_dates_numbers_and_formulas():
    table = read(export_workbook(), "export.xlsx")
    assert table.sheet == "Meldingen"  # the empty and the hidden sheet are passed over
    assert table.delimiter is None
    assert table.columns == [
        "id", "datum", "tijdstip", "aantal", "x", "som", "zonder_cache", "link", "code"
    ]  # fmt: skip
    assert table.rows == [
        [
            "1",
            "2024-01-03",
            "2024-01-03 14:30:05",
            "7",
            "83065.5",
            "5",  # the cached result of the formula
            "",  # a formula without a cached result has no value
            '=HYPERLINK("http://voorbeeld.nl","klik")',  # stays plain text
            "0612",  # text keeps its leading zero
        ],
        ["2", "2023-12-31", "", "12", "83065", "", "", "", "true"],
    ]
    assert table.row_numbers == [4, 5]
    assert table.ragged_rows == []
    assert any("Rij 1" in w for w in table.warnings)


def test_xlsx_sheet_can_be_chosen_by_name():
    table = read(export_workbook(), "export.xlsx", sheet="Verborgen")
    assert table.rows == [["99", "verborgen"]]
    assert table.row_numbers == [2]
    with pytest.raises(ReadError, match="'Bestaat niet' bestaat niet.*'Meldingen'"):
        read(export_workbook(), "export.xlsx", sheet="Bestaat niet")


def test_xlsx_without_data_is_refused():
    with pytest.raises(ReadError, match="geen zichtbaar werkblad met gegevens"):
        read(workbook_bytes(Workbook()), "export.xlsx")


def test_xlsx_cell_beyond_the_header_makes_the_row_ragged():
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "naam"])
    ws.append([1, "a"])
    ws.append([2, "b", None, "notitie"])
    table = read(workbook_bytes(wb), "export.xlsx")
    assert table.rows == [["1", "a"], ["2", "b;;notitie"]]
    assert table.ragged_rows == [3]


def test_xlsx_row_limit():
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "x"])
    for i in range(11):
        ws.append([i, 1])
    with pytest.raises(ReadError, match="meer dan 10 gegevensrijen"):
        read(workbook_bytes(wb), "export.xlsx", max_rows=10)


def test_xlsx_with_vba_project_is_refused_even_when_named_xlsx():
    data = workbook_bytes(Workbook())
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(ReadError, match="(?i)macro-werkmappen"):
        read(buffer.getvalue(), "export.xlsx")


def zip_with_member(name: str, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = b"<row/>" * (MB // 6)
            written = 0
            while written < size:
                member.write(chunk)
                written += len(chunk)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_unpacking():
    bomb = zip_with_member("xl/worksheets/sheet1.xml", 25 * MB)
    assert len(bomb) < MB  # small upload, 25 MB unpacked: more than 20 x 1 MB
    with pytest.raises(ReadError, match="zip-bom"):
        read(bomb, "export.xlsx", max_bytes=MB)


def test_zip_bomb_cap_of_200_mb_holds_for_large_upload_limits():
    bomb = zip_with_member("xl/worksheets/sheet1.xml", 201 * MB)
    with pytest.raises(ReadError, match="uitgepakt groter dan 200 MB"):
        read(bomb, "export.xlsx")  # 20 x 25 MB would allow 500 MB


def test_damaged_zip_is_refused():
    with pytest.raises(ReadError, match="geen geldige Excel-werkmap"):
        read(b"PK\x03\x04" + b"rommel" * 20, "export.xlsx")


def test_xml_entity_bomb_is_refused():
    wb = Workbook()
    wb.active.append(["id", "naam"])
    wb.active.append([1, "a"])
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(6)
    )

    def add_bomb(xml: str) -> str:
        assert "<t>a</t>" in xml and not xml.startswith("<?xml")
        xml = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>' + xml
        return xml.replace("<t>a</t>", "<t>&g;</t>")  # &g; expands to 10 million characters

    data = rewrite_member(workbook_bytes(wb), "xl/worksheets/sheet1.xml", add_bomb)
    with pytest.raises(ReadError, match="onveilig") as caught:
        read(data, "export.xlsx")
    # refused by defusedxml, not merely by a parse error
    assert "EntitiesForbidden" in exception_chain(caught.value)


def exception_chain(error: BaseException | None) -> list[str]:
    names = []
    while error is not None:
        names.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    return names


def test_openpyxl_parses_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_xlsx_is_refused_when_defusedxml_is_not_in_use(monkeypatch):
    from oovgeo.ingest import readers

    monkeypatch.setattr(readers, "DEFUSEDXML", False)
    wb = Workbook()
    wb.active.append(["id", "naam"])
    with pytest.raises(ReadError, match="defusedxml"):
        read(workbook_bytes(wb), "export.xlsx")
    assert read(b"id;naam\n1;a\n").rows == [["1", "a"]]  # CSV still works
