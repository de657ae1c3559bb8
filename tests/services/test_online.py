"""Online steps against a local stand-in for PDOK: geocoding (cached) and offline messages."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import make_engine

pytestmark = pytest.mark.slow  # starts Streamlit (AppTest) or a server/subprocess

FIXTURES = Path(__file__).parents[1] / "fixtures" / "areas"


@pytest.fixture
def locatieserver():
    """A local HTTP server answering every request with the Locatieserver fixture."""
    body = (FIXTURES / "locatieserver_adres.json").read_bytes()
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/free", hits
    server.shutdown()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/free"  # nothing listens there any more


def _settings(home, url):
    return load_settings(
        env={
            "OOVGEO_HOME": str(home),
            "OOVGEO_GEOCODER_ENABLED": "true",
            "OOVGEO_GEOCODER_URL": url,
        },
        config_file=None,
    )


ADDRESS_ONLY = (
    b"melding_id;datum;thema;bron;adres\n"
    b"G1;01-03-2025;woonoverlast;boa;Markt 11, Vlaardingen\n"
    b"G2;02-03-2025;woonoverlast;boa;Markt 11,  Vlaardingen\n"
)


def test_address_rows_are_geocoded_once_and_placed(home, shared_data, locatieserver):
    url, hits = locatieserver
    settings = _settings(home, url)
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    report = ops.run_import(engine, settings, kind="signals", data=ADDRESS_ONLY, filename="a.csv")
    assert (report.inserted, report.rejected) == (2, 0)
    assert report.placement == {"geocode": 2}
    assert len(hits) == 1  # the same address (spacing aside) is asked once, then cached
    assert "Markt+11" in hits[0] and "melding" not in hits[0]  # only the address is sent
    with engine.connect() as conn:
        rows = conn.execute(select(schema.signals.c.x, schema.signals.c.buurt_code)).all()
    assert {r.x for r in rows} == {83065.2}
    assert all(r.buurt_code and r.buurt_code.startswith("BU0622") for r in rows)


def test_unreachable_geocoder_rejects_with_its_own_reason(home, shared_data):
    settings = _settings(home, _closed_port_url())
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    report = ops.run_import(engine, settings, kind="signals", data=ADDRESS_ONLY, filename="a.csv")
    assert report.rejected == 2
    assert {r.rule for r in report.rejections} == {"geocoder_onbereikbaar"}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.geocode_cache)).scalar() == 0


def test_geocoder_off_means_address_only_rows_are_rejected(sqlite_store, shared_data):
    engine, settings = sqlite_store
    ops.load_boundary_files(engine, settings, [shared_data / "buurten_2025.geojson"])
    report = ops.run_import(engine, settings, kind="signals", data=ADDRESS_ONLY, filename="a.csv")
    assert report.rejected == 2 and {r.rule for r in report.rejections} == {"geen_locatie"}


def test_boundaries_fetch_offline_says_so(tmp_path):
    env = {
        **os.environ,
        "OOVGEO_HOME": str(tmp_path),
        "OOVGEO_BOUNDARIES_PDOK_URL": _closed_port_url().rsplit("/", 1)[0],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "oovgeo.cli", "boundaries", "fetch", "--jaar", "2025"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "niet bereikbaar" in proc.stderr and "boundaries load" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_population_load_fills_inhabitants(vlaardingen, tmp_path):
    engine, _ = vlaardingen
    csv = tmp_path / "inwoners.csv"
    csv.write_text(
        "code;year;inhabitants\nBU06220101;2025;1234\nWK062201;2025;-99997\n"
        "BU06220101;2024;999\nBU99999999;2025;10\n",
        encoding="utf-8",
    )
    result = ops.load_population(engine, csv)
    assert result["gebieden_bijgewerkt"] == 1
    with engine.connect() as conn:
        got = dict(
            conn.execute(
                select(schema.areas.c.code, schema.areas.c.inhabitants).where(
                    schema.areas.c.code.in_(["BU06220101", "WK062201"])
                )
            ).all()
        )
    assert got == {"BU06220101": 1234, "WK062201": None}
