"""Workbooks of several sheets: formula-safe text (O4), real dates, valid sheet names."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from oovgeo.exports import to_xlsx_sheets


def test_several_sheets_keep_text_as_text_and_dates_as_excel_dates():
    frame = pd.DataFrame(
        {
            "Datum": [date(2026, 10, 13)],
            "Adres": ['=HYPERLINK("http://x","klik")'],
            "Aantal": [3],
        }
    )
    data = to_xlsx_sheets(
        {"Overzicht": frame, "Zorg/veiligheid [team]: een heel lange naam": frame},
        notes={"Overzicht": ["Nieuw sinds 13-10-2026"]},
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Overzicht", "Zorg veiligheid team een heel l"]
    summary, partner = wb["Overzicht"], wb.worksheets[1]
    assert summary["A1"].value == "Nieuw sinds 13-10-2026"
    assert [c.value for c in summary[3]] == ["Datum", "Adres", "Aantal"]  # after a blank line
    for sheet, row in ((summary, 4), (partner, 2)):
        day, text, count = sheet[row]
        assert day.is_date and day.value.date() == date(2026, 10, 13)
        assert day.number_format == "DD-MM-YYYY"
        assert text.data_type == "s" and text.value.startswith("'=")  # never a formula
        assert count.value == 3 and count.data_type == "n"
