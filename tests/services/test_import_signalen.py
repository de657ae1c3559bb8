"""Importing Signalen JSON end to end: themes, Dutch dates, buurten, nothing personal stored."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import func, select

from oovgeo.access import cli_identity
from oovgeo.config import load_settings
from oovgeo.ingest.readers import ReadError
from oovgeo.ingest.rules import ImportError_
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import make_engine
from oovgeo.store.records import quarantine_frame, status

TODAY = date(2025, 6, 30)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "signalen"
API = FIXTURES / "api_signals.json"
GEO = FIXTURES / "geography.geojson"

# signalen_crosswalk.toml as a person reads it: sub-category slug -> theme
SHIPPED_THEMES = {
    "jongerenoverlast": "jeugdoverlast",
    "drank-en-drugsoverlast": "ondermijning",
    "daklozen-bedelen": "zorg_veiligheid",
    "wonen-ondermijning": "ondermijning",
    "woningdelen-spookburgers": "arbeidsmigranten",
    "onderhuur-en-adreskwaliteit": "ondermijning",
}


def _api_signals() -> list[dict]:
    return json.loads(API.read_text("utf-8"))["results"]


def _features() -> list[dict]:
    return json.loads(GEO.read_text("utf-8"))["features"]


def _placeable(point, buurt_code) -> bool:
    """Without a geocoder a signal is placed by its point or, failing that, a CBS buurt code."""
    return point is not None or str(buurt_code or "").startswith("BU")


def _expected_api_themes() -> Counter:
    return Counter(
        SHIPPED_THEMES[s["category"]["sub_slug"]]
        for s in _api_signals()
        if s["category"]["sub_slug"] in SHIPPED_THEMES
        and _placeable(s["location"]["geometrie"], s["location"]["buurt_code"])
    )


def _import(engine, settings, path_or_data, name=None, *, profile="generiek", kind="signals"):
    data = path_or_data.read_bytes() if isinstance(path_or_data, Path) else path_or_data
    return ops.run_import(
        engine,
        settings,
        kind=kind,
        data=data,
        filename=name or path_or_data.name,
        profile_name=profile,
        today=TODAY,
    )


def _stored(engine) -> dict[str, object]:
    with engine.connect() as conn:
        return {r.source_id: r for r in conn.execute(select(schema.signals))}


def _batches(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.import_batches)).scalar_one()


def _buurt_of(lonlat: list[tuple[float, float]], shared_data: Path) -> list[str]:
    """The buurt each WGS84 point lies in, by geopandas on the CBS file (not oovgeo's index)."""
    buurten = gpd.read_file(shared_data / "buurten_2025.geojson")
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(*zip(*lonlat, strict=True)), crs="EPSG:4326"
    ).to_crs(buurten.crs)
    joined = gpd.sjoin(points, buurten[["statcode", "geometry"]], predicate="within")
    return joined.sort_index()["statcode"].tolist()


# --- the API list ---------------------------------------------------------------------------


def test_api_export_imports_with_the_themes_of_the_crosswalk(vlaardingen, shared_data):
    engine, settings = vlaardingen
    report = _import(engine, settings, API)  # the generic profile: a JSON file is Signalen

    expected = _expected_api_themes()
    assert expected == {
        "ondermijning": 4,
        "jeugdoverlast": 3,
        "arbeidsmigranten": 2,
        "zorg_veiligheid": 2,
    }
    assert report.profile == "signalen" and report.reconciles
    assert (report.rows_in, report.inserted, report.rejected) == (15, sum(expected.values()), 4)
    with engine.connect() as conn:
        now = status(conn)["signals"]
    assert now["per_thema"] == dict(expected)
    assert now["per_bron"] == {"meldpunt_overlast": 9, "politie": 1, "boa": 1}

    rejected = {(r.row, r.field, r.rule) for r in report.rejections}
    assert (8, "thema", "onbekend_thema") in rejected  # Overlast door afsteken vuurwerk
    assert (12, "thema", "onbekend_thema") in rejected  # Overlast terrassen
    assert (9, "adres", "geen_locatie") in rejected  # an address but no geocoder
    assert (15, "locatie", "geen_locatie") in rejected  # "A00a" is no CBS code

    stored = _stored(engine)
    placed = [s for s in _api_signals() if s["location"]["geometrie"] and s["id_display"] in stored]
    truth = _buurt_of(
        [tuple(s["location"]["geometrie"]["coordinates"]) for s in placed], shared_data
    )
    assert [stored[s["id_display"]].buurt_code for s in placed] == truth
    assert stored["SIG-1014"].buurt_code == "BU06220602"  # only a CBS buurt code
    assert stored["SIG-1014"].placement == "gebied"
    assert stored["SIG-1001"].adres == "Hoogstraat 12A" and stored["SIG-1001"].postcode == "3131BN"
    # dates in the Netherlands: 23:30 UTC on New Year's Eve, summer and winter time
    assert stored["SIG-1002"].datum == date(2025, 1, 1)
    assert stored["SIG-1007"].datum == date(2025, 6, 15)
    assert stored["SIG-1013"].datum == date(2025, 3, 30)
    assert "niet opgeslagen (persoonsgegevens/vrije tekst): text, text_extra" in "\n".join(
        report.summary()
    )


def test_same_file_again_is_already_imported(vlaardingen):
    engine, settings = vlaardingen
    first = _import(engine, settings, API)
    again = _import(engine, settings, API, profile="zaaksysteem")
    assert again.status == "al_geimporteerd" and again.previous_batch == first.batch_id
    assert "al geïmporteerd" in again.summary()[0]
    assert again.inserted == 0 and again.duplicates == 15


def test_newer_api_export_updates_by_signal_id(vlaardingen):
    engine, settings = vlaardingen
    _import(engine, settings, API)
    document = json.loads(API.read_text("utf-8"))
    document["results"][0]["category"].update(sub="Drank", sub_slug="drank-en-drugsoverlast")
    report = _import(engine, settings, json.dumps(document).encode(), "signalen-later.json")
    assert (report.inserted, report.updated) == (0, 1)
    assert _stored(engine)["SIG-1001"].thema == "ondermijning"


# --- the public map -------------------------------------------------------------------------


def test_public_map_imports_and_the_same_features_later_are_no_new_rows(vlaardingen, shared_data):
    engine, settings = vlaardingen
    report = _import(engine, settings, GEO)
    features = _features()
    expected = Counter(
        SHIPPED_THEMES[f["properties"]["category"]["slug"]]
        for f in features
        if f["geometry"] and f["properties"]["category"]["slug"] in SHIPPED_THEMES
    )
    assert expected == {
        "jeugdoverlast": 3,
        "ondermijning": 4,
        "arbeidsmigranten": 1,
        "zorg_veiligheid": 1,
    }
    assert report.warnings["id_afgeleid"] == sum(expected.values())
    with engine.connect() as conn:
        now = status(conn)["signals"]
    assert now["per_thema"] == dict(expected)
    assert now["per_bron"] == {"meldpunt_overlast": sum(expected.values())}
    buurten = Counter(r.buurt_code for r in _stored(engine).values())
    points = [tuple(f["geometry"]["coordinates"]) for f in features if f["geometry"]]
    mapped = [
        f["properties"]["category"]["slug"] in SHIPPED_THEMES for f in features if f["geometry"]
    ]
    assert buurten == Counter(
        b for b, ok in zip(_buurt_of(points, shared_data), mapped, strict=True) if ok
    )

    # a later download: the same features in another order and layout, and one new signal
    new = json.loads(json.dumps(features[0]))
    new["properties"]["created_at"] = "2025-06-20T12:00:00+02:00"
    later = {"type": "FeatureCollection", "features": [new, *reversed(features)]}
    again = _import(
        engine, settings, json.dumps(later, indent=1).encode(), "geography-juni.geojson"
    )
    assert again.status == "geimporteerd"
    assert (again.inserted, again.updated, again.rejected) == (1, 0, report.rejected)
    assert again.duplicates == sum(expected.values())


# --- what is never stored -------------------------------------------------------------------


def _personal(node, found: list[str]) -> list[str]:
    """Every string under text, text_extra, reporter, notes and extra_properties."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"text", "text_extra", "reporter", "notes", "extra_properties"}:
                found += [s for s in _strings(value) if len(s) > 4]
            else:
                _personal(value, found)
    elif isinstance(node, list):
        for value in node:
            _personal(value, found)
    return found


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def test_narrative_and_reporter_never_reach_the_database_file(sqlite_store, shared_data):
    engine, settings = sqlite_store
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    for path in (API, GEO):
        report = _import(engine, settings, path)
        assert report.rejected > 0  # the quarantine holds rows of both forms
    with engine.connect() as conn:
        waiting = quarantine_frame(conn, cli_identity())
    assert {"SIG-1008", "SIG-1009", "SIG-1012", "SIG-1015"} <= set(waiting["id"])
    engine.dispose()  # SQLite checkpoints its write-ahead log into the file

    secrets = _personal(json.loads(API.read_text("utf-8")), [])
    for word in (
        "m.vandenberg@voorbeeldmail.nl",
        "06-48213377",
        "010-4352281",
        "+31 6 21098765",
        "Pietersen Vastgoed Beheer",
        "Melder teruggebeld, wijkboa ingelicht over de portiek",
        "Ze komen meestal met scooters zonder kenteken",
    ):
        assert word in secrets
    files = sorted(settings.home.glob("oovgeo.db*"))
    raw = b"".join(path.read_bytes() for path in files)
    # the grep can see: what is stored is in these bytes, in the main table and in quarantine
    assert b"SIG-1001" in raw and b"Hoogstraat 12A" in raw and b"Westhavenkade 45-bis" in raw
    leaked = [s for s in secrets if s.encode("utf-8") in raw]
    assert not leaked, f"stored in {[p.name for p in files]}: {leaked}"
    # and the report names what it left out, in the batch report as well
    check = make_engine(settings.database_url)
    with check.connect() as conn:
        reports = [
            json.loads(r) for r in conn.execute(select(schema.import_batches.c.report)).scalars()
        ]
    check.dispose()
    assert reports[0]["kolommen_persoonsgegevens"] == [
        "text",
        "text_extra",
        "reporter",
        "notes",
        "extra_properties",
    ]


# --- files that cannot be imported ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"{niet af", "signalen.json", "geen geldige JSON"),
        (b'{"meldingen": []}', "signalen.json", "geen Signalen-export"),
        (b"melding_id;datum\n1;01-01-2025\n", "export.csv", "geen geldige JSON"),  # forced
    ],
)
def test_bad_json_is_refused_in_dutch_and_writes_nothing(vlaardingen, data, name, words):
    engine, settings = vlaardingen
    with pytest.raises(ReadError, match=words):
        _import(engine, settings, data, name, profile="signalen")
    assert _batches(engine) == 0


def test_a_boundary_file_is_no_signalen_export(vlaardingen, shared_data):
    engine, settings = vlaardingen
    with pytest.raises(ReadError, match="MultiPolygon, geen punt|Polygon, geen punt"):
        _import(engine, settings, shared_data / "buurten_2025.geojson")
    assert _batches(engine) == 0


def test_signalen_are_signals_not_interventions(vlaardingen):
    engine, settings = vlaardingen
    with pytest.raises(ImportError_, match="meldingen, geen interventies"):
        _import(engine, settings, API, kind="interventions")


def test_limits_of_the_settings_hold_for_json(vlaardingen):
    engine, settings = vlaardingen
    home = str(settings.home)
    few = load_settings(env={"OOVGEO_HOME": home, "OOVGEO_IMPORT_MAX_ROWS": "10"}, config_file=None)
    with pytest.raises(ReadError, match="meer dan 10 gegevensrijen"):
        ops.run_import(engine, few, kind="signals", data=API.read_bytes(), filename=API.name)
    small = load_settings(
        env={"OOVGEO_HOME": home, "OOVGEO_IMPORT_MAX_FILE_MB": "1"}, config_file=None
    )
    big = json.dumps({"results": _api_signals() * 40}).encode()
    assert len(big) > 1024 * 1024
    with pytest.raises(ReadError, match="te groot"):
        ops.run_import(engine, small, kind="signals", data=big, filename="groot.json")
    assert _batches(engine) == 0


# --- the municipality's own mappings --------------------------------------------------------


def test_own_crosswalk_in_home_extends_the_shipped_one(vlaardingen):
    engine, settings = vlaardingen
    (settings.home / "signalen_crosswalk.toml").write_text(
        '[themes]\n"overlast-door-afsteken-vuurwerk" = "jeugdoverlast"\n', encoding="utf-8"
    )
    report = _import(engine, settings, API)
    assert report.rejected == 3
    stored = _stored(engine)
    assert stored["SIG-1008"].thema == "jeugdoverlast"
    assert stored["SIG-1001"].thema == "jeugdoverlast"  # shipped lines still apply


def test_crosswalk_named_in_the_settings_must_exist(vlaardingen, tmp_path):
    engine, _ = vlaardingen
    missing = tmp_path / "weg.toml"
    settings = load_settings(
        env={"OOVGEO_HOME": str(tmp_path), "OOVGEO_IMPORT_SIGNALEN_CROSSWALK": str(missing)},
        config_file=None,
    )
    with pytest.raises(ImportError_, match="weg.toml bestaat niet"):
        _import(make_engine(settings.database_url), settings, API)


def test_a_chosen_signalen_profile_of_the_municipality_is_used(vlaardingen):
    engine, settings = vlaardingen
    shipped = ops.profiles(settings)["signalen"].kind("signals").columns
    lines = "\n".join(f'{field} = ["{headers[0]}"]' for field, headers in shipped.items())
    (settings.home / "profiles.toml").write_text(
        '[mijn_signalen]\nlabel = "Signalen met eigen thema\'s"\nsystem = "signalen"\n'
        f"[mijn_signalen.signals]\n{lines}\n"
        '[mijn_signalen.signals.values.thema]\n"Overlast terrassen" = "woonoverlast"\n',
        encoding="utf-8",
    )
    report = _import(engine, settings, API, profile="mijn_signalen")
    assert report.profile == "mijn_signalen"
    assert _stored(engine)["SIG-1012"].thema == "woonoverlast"
