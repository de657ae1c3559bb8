"""What an import does with valid rows: insert, update, duplicate or conflict; quarantine rows."""

import json
from datetime import date

import pandas as pd

from oovgeo.ingest.plan import plan_rows, quarantine_rows, row_hashes
from oovgeo.ingest.readers import RawTable
from oovgeo.ingest.rules import Rejection


def signal(source_id="M1", thema="woonoverlast", **extra):
    row = {
        "source_id": source_id,
        "datum": date(2024, 3, 5),
        "thema": thema,
        "bron": "politie",
        "x": 154500.0,
        "y": 463000.0,
        "source_area_code": None,
        "adres": None,
        "postcode": None,
        "huisnummer": None,
        "dossiernummer": None,
        "anoniem": None,
    }
    return row | extra


def test_row_hash_depends_on_the_content_only():
    first = pd.DataFrame([signal("M1"), signal("M2")])
    # another run: other row order and index, where it was placed is no part of the content
    again = pd.DataFrame([signal("M2"), signal("M1")], index=[8, 3]).assign(buurt_code="BU1")
    assert row_hashes(again, "signals").tolist() == row_hashes(first, "signals").tolist()[::-1]
    changed = pd.DataFrame([signal("M1", thema="ondermijning")])
    assert row_hashes(changed, "signals").iat[0] != row_hashes(first, "signals").iat[0]


def test_row_hash_of_a_stored_record_stays_the_same_across_versions():
    # Stored hashes are compared with the next export: if this value changed, every
    # re-import of an unchanged file would update every record instead of skipping it.
    assert row_hashes(pd.DataFrame([signal("M1")]), "signals").tolist() == ["5f6fcf1df799ea53"]


def test_the_shortlist_link_counts_only_when_the_file_has_the_column():
    base = {k: v for k, v in signal("I1").items() if k not in ("bron", "postcode", "anoniem")}
    base |= {"partners": "politie", "uitkomst": None, "maatregel": None}
    without = pd.DataFrame([base])
    linked = without.assign(shortlist_id=[7])
    assert row_hashes(linked, "interventions").iat[0] != row_hashes(without, "interventions").iat[0]


def test_plan_sorts_every_valid_row_into_exactly_one_outcome():
    good = pd.DataFrame(
        {
            "source_id": ["A", "B", "C", "C", "D", "D"],
            "row_hash": ["h1", "h2new", "h3", "h3", "h4", "h4b"],
            "version_date": [date(2025, 3, 1)] * 6,
        },
        index=[0, 1, 2, 3, 4, 5],
    )
    existing = pd.DataFrame(
        {
            "_id": [10, 20],
            "source_id": ["A", "B"],
            "row_hash_stored": ["h1", "h2old"],
            "version_date_stored": [None, None],
        }
    )
    plan = plan_rows(good, existing)
    assert plan.inserts["source_id"].tolist() == ["C", "D"]
    assert plan.updates[["_id", "source_id", "row_hash"]].values.tolist() == [[20, "B", "h2new"]]
    assert plan.duplicates == 2  # A unchanged in the store, C twice in the file
    assert plan.conflicts.index.tolist() == [5]  # D again with other content
    assert len(plan.inserts) + len(plan.updates) + plan.duplicates + len(plan.conflicts) == 6


def test_an_identical_reimport_is_all_duplicates_and_a_changed_row_one_update():
    frame = pd.DataFrame([signal("M1"), signal("M2"), signal("M3")])
    frame["row_hash"] = row_hashes(frame, "signals")
    frame["version_date"] = date(2025, 2, 1)
    stored = pd.DataFrame(
        {
            "_id": [1, 2, 3],
            "source_id": frame["source_id"],
            "row_hash_stored": frame["row_hash"],
            "version_date_stored": [date(2025, 2, 1)] * 3,
        }
    )
    plan = plan_rows(frame, stored)
    assert (len(plan.inserts), len(plan.updates), plan.duplicates) == (0, 0, 3)

    newer = pd.DataFrame([signal("M1"), signal("M2", thema="ondermijning"), signal("M3")])
    newer["row_hash"] = row_hashes(newer, "signals")
    newer["version_date"] = date(2025, 2, 1)
    plan = plan_rows(newer, stored)
    assert (len(plan.inserts), plan.duplicates) == (0, 2)
    assert plan.updates[["_id", "source_id", "thema"]].values.tolist() == [
        [2, "M2", "ondermijning"]
    ]


def test_a_changed_row_older_than_the_stored_version_changes_nothing():
    rows = [signal("M1", thema="ondermijning"), signal("M2", thema="ondermijning"), signal("M3")]
    frame = pd.DataFrame(rows)
    frame["row_hash"] = row_hashes(frame, "signals")
    frame["version_date"] = [date(2025, 1, 31), date(2025, 2, 1), date(2025, 3, 1)]
    stored = pd.DataFrame(
        {
            "_id": [1, 2, 3],
            "source_id": ["M1", "M2", "M3"],
            "row_hash_stored": ["old", "old", "old"],
            "version_date_stored": [date(2025, 2, 1)] * 3,
        }
    )
    plan = plan_rows(frame, stored)
    # a day older: kept as it is; the same day or newer: "at least as new" updates
    assert plan.older["source_id"].tolist() == ["M1"]
    assert plan.updates["source_id"].tolist() == ["M2", "M3"]
    assert plan.duplicates == 0 and plan.inserts.empty


def test_quarantine_keeps_each_rejected_row_once_with_all_reasons_and_only_allowed_columns():
    table = RawTable(
        columns=["Datum", "Naam", "Thema"],
        rows=[["31-02-2024", "Jan Jansen", ""], ["01-03-2024", "Piet", "woonoverlast"]],
        row_numbers=[2, 3],
        encoding="utf-8",
        delimiter=";",
        sheet=None,
    )
    reasons = [
        Rejection(2, "datum", "geen_datum", "geen geldige datum (verwacht dd-mm-jjjj)", "31••"),
        Rejection(2, "thema", "leeg", "verplicht veld is leeg", ""),
    ]
    rows = quarantine_rows(
        table,
        {"datum": 0, "thema": 2},
        reasons,
        batch_id=4,
        kind="signals",
        keep_until=date(2024, 6, 1),
    )
    assert len(rows) == 1
    [row] = rows
    assert (row["batch_id"], row["kind"], row["row_number"]) == (4, "signals", 2)
    assert row["keep_until"] == date(2024, 6, 1)
    # the name column is not on the allow-list, so it is never kept (P1)
    assert json.loads(row["row_data"]) == {"Datum": "31-02-2024", "Thema": ""}
    assert [r["message"] for r in json.loads(row["reasons"])] == [
        "geen geldige datum (verwacht dd-mm-jjjj)",
        "verplicht veld is leeg",
    ]
