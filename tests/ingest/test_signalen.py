"""Reading Signalen JSON: the two forms, Dutch dates, the crosswalk, and what never leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oovgeo.config import DEFAULT_SOURCES, DEFAULT_THEMES
from oovgeo.ingest.readers import ReadError
from oovgeo.ingest.signalen import (
    COLUMNS,
    CrosswalkError,
    load_crosswalk,
    looks_like_json,
    read_signalen,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "signalen"
API = FIXTURES / "api_signals.json"
GEO = FIXTURES / "geography.geojson"
MB = 1024 * 1024
CROSSWALK = load_crosswalk()


def read(data: bytes | str | dict | list, name: str = "export.json", **kw):
    if isinstance(data, dict | list):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode("utf-8")
    kw.setdefault("max_bytes", 25 * MB)
    kw.setdefault("max_rows", 1_000_000)
    kw.setdefault("crosswalk", CROSSWALK)
    return read_signalen(data, name, **kw)


def rows(result) -> list[dict[str, str]]:
    return [dict(zip(result.table.columns, row, strict=True)) for row in result.table.rows]


def signal(**fields) -> dict:
    """A minimal private-API signal; ``fields`` replace or add keys."""
    base = {
        "id": 7,
        "id_display": "SIG-7",
        "created_at": "2025-03-03T10:00:00+01:00",
        "updated_at": "2025-03-04T10:00:00+01:00",
        "source": "online",
        "category": {
            "main": "Overlast van en door personen of groepen",
            "main_slug": "overlast-van-en-door-personen-of-groepen",
            "sub": "Jongerenoverlast",
            "sub_slug": "jongerenoverlast",
        },
        "location": {"geometrie": {"type": "Point", "coordinates": [4.34033, 51.912828]}},
    }
    return {**base, **fields}


def feature(geometry=None, **props) -> dict:
    props.setdefault("created_at", "2025-03-03T10:00:00+01:00")
    props.setdefault(
        "category",
        {
            "name": "Jongerenoverlast",
            "slug": "jongerenoverlast",
            "parent": {"name": "P", "slug": "p"},
        },
    )
    return {"type": "Feature", "geometry": geometry, "properties": props}


def narrative(node) -> list[str]:
    """Every string under the fields Signalen keeps about people and their words."""
    found: list[str] = []

    def strings(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                strings(v)
        elif isinstance(value, list):
            for v in value:
                strings(v)

    def walk(value):
        if isinstance(value, dict):
            for key, v in value.items():
                if key in {"text", "text_extra", "reporter", "notes", "extra_properties"}:
                    strings(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(node)
    return [s for s in found if len(s) > 3]


# --- the two forms --------------------------------------------------------------------------


def test_api_export_becomes_the_table_of_the_csv_readers():
    result = read(API.read_bytes(), API.name)
    assert result.form == "api"
    assert result.table.columns == list(COLUMNS)
    assert result.table.row_numbers == list(range(1, 16))  # the n-th signal of the file
    by_id = {r["id"]: r for r in rows(result)}
    first = by_id["SIG-1001"]
    assert first == {
        "id": "SIG-1001",
        "datum": "2025-03-03",
        "gewijzigd": "2025-03-04",
        "thema": "jeugdoverlast",
        "bron": "meldpunt_overlast",
        "lat": "51.912828",
        "lon": "4.34033",
        "adres": "Hoogstraat 12A",
        "postcode": "3131BN",
        "huisnummer": "12A",
        "buurtcode": "BU06220103",
    }
    assert by_id["SIG-1011"]["adres"] == "Van Hogendorplaan 301-2"
    assert by_id["SIG-1005"]["bron"] == "politie"
    assert by_id["SIG-1006"]["bron"] == "boa"
    # no geometry, but an address: it reaches validation, which geocodes or rejects it
    assert (by_id["SIG-1009"]["lat"], by_id["SIG-1009"]["adres"]) == ("", "Westhavenkade 45-bis")
    # unmapped categories pass as their Dutch name, never as some default theme
    assert by_id["SIG-1008"]["thema"] == "Overlast door afsteken vuurwerk"
    assert by_id["SIG-1012"]["thema"] == "Overlast terrassen"


def test_narrative_reporter_notes_and_answers_never_leave_the_reader():
    document = json.loads(API.read_text("utf-8"))
    secrets = narrative(document)
    assert "m.vandenberg@voorbeeldmail.nl" in secrets and "Pietersen Vastgoed Beheer" in secrets
    result = read(API.read_bytes())
    cells = " | ".join(" | ".join(row) for row in result.table.rows)
    assert not [s for s in secrets if s in cells]
    assert not set(result.table.columns) & {"text", "text_extra", "reporter", "notes"}
    assert result.not_stored == ["text", "text_extra", "reporter", "notes", "extra_properties"]


def test_public_map_geojson_has_no_id_and_the_default_source():
    result = read(GEO.read_bytes(), GEO.name)
    assert result.form == "geojson"
    table = rows(result)
    assert len(table) == 11 and {r["id"] for r in table} == {""}
    assert {r["bron"] for r in table} == {"meldpunt_overlast"}
    assert table[0]["lat"] == "51.912828" and table[0]["lon"] == "4.34033"
    assert table[6]["thema"] == "ondermijning"  # onderhuur-en-adreskwaliteit
    assert table[7]["thema"] == "Overlast terrassen"
    assert (table[9]["lat"], table[9]["lon"]) == ("", "")  # null geometry: no place


def test_bare_list_of_signals_and_id_without_id_display():
    plain = signal(id=42)
    del plain["id_display"]
    result = read([signal(), plain])
    assert [r["id"] for r in rows(result)] == ["SIG-7", "42"]


def test_a_page_of_the_api_is_read_and_says_it_is_one_page():
    result = read({"count": 250, "results": [signal()]})
    assert len(result.table.rows) == 1
    assert "1 van de 250 meldingen" in result.table.warnings[0]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "dutch_date"),
    [
        ("2024-12-31T23:30:00+00:00", "2025-01-01"),  # UTC evening is next morning here
        ("2025-01-14T22:30:00Z", "2025-01-14"),  # winter: +1 h, still 23:30
        ("2025-06-14T22:30:00Z", "2025-06-15"),  # summer: +2 h, 00:30 next day
        ("2025-03-29T22:59:00Z", "2025-03-29"),  # night before the clocks go forward
        ("2025-03-29T23:00:00Z", "2025-03-30"),
        ("2025-10-25T22:30:00Z", "2025-10-26"),  # last night of summer time: +2 h
        ("2025-10-26T22:30:00Z", "2025-10-26"),  # first night of winter time: +1 h
        ("2025-06-14T23:30:00+02:00", "2025-06-14"),  # Signalen's own offsets stay put
        ("2025-06-14T23:30:00.654321+02:00", "2025-06-14"),
        ("2025-06-14T23:30:00", "2025-06-14"),  # no zone: taken as Dutch time
        ("gisteren", "gisteren"),  # no date: passed on for validation to reject
        (None, ""),
    ],
)
def test_created_at_becomes_the_date_in_the_netherlands(created, dutch_date):
    result = read([signal(created_at=created, updated_at=created)])
    row = rows(result)[0]
    assert (row["datum"], row["gewijzigd"]) == (dutch_date, dutch_date)


# --- categories, sources, places ------------------------------------------------------------


def test_crosswalk_tries_the_sub_slug_then_the_main_slug(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text(
        '[themes]\n"wonen" = "woonoverlast"\n"daklozen-bedelen" = "woonoverlast"\n'
        '[sources]\n"Waarnemingenapp" = "boa"\n',
        encoding="utf-8",
    )
    crosswalk = load_crosswalk(own)

    def wonen(sub_slug, sub="Naam"):
        return signal(
            category={"main": "Wonen", "main_slug": "wonen", "sub": sub, "sub_slug": sub_slug}
        )

    items = [
        wonen("woningdelen-spookburgers"),
        wonen("leegstand"),
        signal(source="Waarnemingenapp"),
    ]
    result = rows(read(items, crosswalk=crosswalk))
    assert result[0]["thema"] == "arbeidsmigranten"  # its own line beats the main category
    assert result[1]["thema"] == "woonoverlast"  # no line of its own: the main category's
    assert result[2]["bron"] == "boa"  # the municipality's line added
    assert rows(read([wonen("leegstand")]))[0]["thema"] == "Naam"  # shipped: unmapped
    assert rows(read([signal()], crosswalk=crosswalk))[0]["thema"] == "jeugdoverlast"


def test_category_without_sub_passes_its_main_name():
    category = {"main": "Overlast op het water", "main_slug": "overlast-op-het-water"}
    assert rows(read([signal(category=category)]))[0]["thema"] == "Overlast op het water"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("online", "meldpunt_overlast"),
        ("Telefoon – Adoptant", "meldpunt_overlast"),  # en dash, as Signalen writes it
        ("telefoon - adoptant", "meldpunt_overlast"),
        ("Meldkamer Politie", "politie"),
        ("Meldkamer Handhaver", "boa"),
        ("Waarnemingenapp", "Waarnemingenapp"),  # unmapped: passed on as it is
        ("", "meldpunt_overlast"),
        (None, "meldpunt_overlast"),
    ],
)
def test_sources(source, code):
    assert rows(read([signal(source=source)]))[0]["bron"] == code


@pytest.mark.parametrize(
    ("buurt_code", "passed"),
    [("BU06220103", "BU06220103"), ("bu06220103", "BU06220103"), ("BU0363AD03", "BU0363AD03")]
    + [("A00a", ""), ("K44c", ""), ("0622", ""), (None, "")],
)
def test_only_cbs_buurt_codes_pass(buurt_code, passed):
    result = read([signal(location={"geometrie": None, "buurt_code": buurt_code})])
    assert rows(result)[0]["buurtcode"] == passed


def test_address_parts_make_one_address():
    address = {
        "openbare_ruimte": "Hoogstraat",
        "huisnummer": 12,
        "huisletter": "A",
        "huisnummer_toevoeging": "",
        "postcode": "3131 BN",
        "woonplaats": "Vlaardingen",
    }
    row = rows(read([signal(location={"geometrie": None, "address": address})]))[0]
    assert (row["adres"], row["huisnummer"], row["postcode"]) == (
        "Hoogstraat 12A",
        "12A",
        "3131 BN",
    )
    assert "Vlaardingen" not in " ".join(row.values())


def test_shipped_crosswalk_maps_only_to_default_codes():
    themes = {row["code"] for row in DEFAULT_THEMES}
    sources = {row["code"] for row in DEFAULT_SOURCES}
    assert set(CROSSWALK.themes.values()) <= themes
    assert set(CROSSWALK.sources.values()) | {CROSSWALK.default_source} <= sources
    assert CROSSWALK.default_source == "meldpunt_overlast"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[thema]\n'a' = 'b'\n", "onbekende sleutel 'thema'"),
        ("[themes]\n'a' = 3\n", "'a' heeft geen code"),
        ("[themes\n", "geen geldige TOML"),
    ],
)
def test_a_broken_crosswalk_file_says_what_is_wrong(tmp_path, text, words):
    own = tmp_path / "own.toml"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(CrosswalkError, match=words):
        load_crosswalk(own)


def test_a_named_crosswalk_file_must_exist(tmp_path):
    assert load_crosswalk(tmp_path / "niet.toml") == CROSSWALK
    with pytest.raises(CrosswalkError, match="bestaat niet"):
        load_crosswalk(tmp_path / "niet.toml", required=True)


# --- files that are not what they claim -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{dit is geen json", "geen geldige JSON \\(regel 1, kolom 2\\)"),
        (b"", "leeg"),
        (b"\xff\xfe{}", "geen geldige UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "te diep genest"),
        (b'{"foo": 1}', "geen Signalen-export"),
        (b"[1, 2, 3]", "geen Signalen-export"),
        (b'[{"naam": "x"}]', "geen Signalen-export"),
        (b'"tekst"', "geen Signalen-export"),
        (b"[]", "geen meldingen"),
        (b'{"count": 0, "results": []}', "geen meldingen"),
        (b'{"type": "FeatureCollection", "features": []}', "geen meldingen"),
        (b'{"type": "FeatureCollection"}', "geen lijst 'features'"),
        (
            json.dumps({"type": "FeatureCollection", "features": [feature(), 3]}).encode(),
            "Melding 2 is geen GeoJSON-feature",
        ),
        (json.dumps([signal(), 5]).encode(), "Melding 2 is geen melding"),
    ],
)
def test_unreadable_files_get_a_dutch_reason(data, words):
    with pytest.raises(ReadError, match=words):
        read(data)


def test_boundaries_are_no_signals():
    square = {
        "type": "Polygon",
        "coordinates": [[[4.3, 51.9], [4.4, 51.9], [4.4, 52], [4.3, 51.9]]],
    }
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature({"type": "Point", "coordinates": [4.34, 51.91]}),
            {"type": "Feature", "geometry": square, "properties": {"statcode": "BU06220101"}},
        ],
    }
    with pytest.raises(ReadError, match="Melding 2 heeft als locatie een Polygon, geen punt"):
        read(collection, "buurten.geojson")
    only_areas = {"type": "FeatureCollection", "features": collection["features"][1:]}
    with pytest.raises(ReadError, match="Polygon"):
        read(only_areas, "buurten.geojson")


def test_points_without_signal_properties_are_no_signalen_export():
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": None, "properties": {"naam": "x"}}],
    }
    with pytest.raises(ReadError, match="geen Signalen-export"):
        read(collection)


def test_limits_on_size_and_rows():
    with pytest.raises(ReadError, match="te groot"):
        read(b"[" + b" " * (2 * MB) + b"]", max_bytes=MB)
    with pytest.raises(ReadError, match="meer dan 3 gegevensrijen"):
        read([signal()] * 4, max_rows=3)
    assert len(read([signal()] * 3, max_rows=3).table.rows) == 3


def test_odd_coordinates_reach_validation_as_text():
    odd = [
        signal(location={"geometrie": {"type": "Point", "coordinates": [4.3, 51.9, 0.0]}}),
        signal(location={"geometrie": {"type": "Point", "coordinates": "4.3 51.9"}}),
        signal(location={"geometrie": {"type": "Point", "coordinates": ["4,3", "51,9"]}}),
    ]
    table = rows(read(odd))
    assert (table[0]["lon"], table[0]["lat"]) == ("4.3", "51.9")  # a height is ignored
    assert (table[1]["lon"], table[1]["lat"]) == ("4.3 51.9", "")  # half: rejected later
    assert (table[2]["lon"], table[2]["lat"]) == ("4,3", "51,9")


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"melding_id;datum", "a.json", True),
        (b"  {", "export", True),
        (b"\xef\xbb\xbf[", "download", True),
        (b"{", "a.csv", False),
        (b"melding_id;datum", "export", False),
        (b"PK\x03\x04", "a.GeoJSON", True),
    ],
)
def test_which_files_are_json(data, name, expected):
    assert looks_like_json(data, name) is expected
