"""`oovgeo pack` as a user runs it: files, audit, exit codes, and no half-written pack."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import DEMO_END, SHARED
from pptx import Presentation
from sqlalchemy import text

from oovgeo.config import load_settings
from oovgeo.report.pack import write_atomic
from oovgeo.services import operations as ops
from oovgeo.store.db import make_engine

pytestmark = pytest.mark.slow

MEETING_DATE = DEMO_END + timedelta(days=1)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A home with the demo data over the Vlaardingen boundaries."""
    if not SHARED.exists():
        pytest.fail(f"reference data missing: {SHARED}")
    home = tmp_path_factory.mktemp("cli_pack_home")
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    ops.load_boundary_files(engine, settings, [SHARED / "buurten_2025.geojson"])
    ops.build_demo(engine, settings, end=DEMO_END)
    engine.dispose()
    return home


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OOVGEO_HOME": str(home)}
    env.pop("OOVGEO_DATABASE_URL", None)
    env.pop("OOVGEO_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "oovgeo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pack_writes_pptx_and_pdf_and_audits_them(home, tmp_path):
    out = tmp_path / "pakketten"  # created when missing
    day = MEETING_DATE.isoformat()
    proc = run(home, "pack", "--meeting", "opvolging", "--date", day, "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    pptx = out / f"oovgeo_opvolging_{day}.pptx"
    pdf = out / f"oovgeo_opvolging_{day}.pdf"
    assert result["pptx"] == str(pptx) and result["pdf"] == str(pdf)
    assert result["periode"] == [(MEETING_DATE - timedelta(days=14)).isoformat(), str(DEMO_END)]
    assert sorted(p.name for p in out.iterdir()) == sorted([pptx.name, pdf.name])  # no temp

    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(pptx.read_bytes())).slides]
    assert titles == result["dia's"]
    assert titles[0] == "Tweewekelijks opvolgoverleg" and len(titles) == 5
    doc = pdfium.PdfDocument(pdf.read_bytes())
    assert len(doc) == 5
    doc.close()

    engine = make_engine(f"sqlite:///{home / 'oovgeo.db'}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT object, result, detail FROM audit_log WHERE action = 'export'")
        ).all()
    engine.dispose()
    assert {r.object for r in rows} >= {pptx.name, pdf.name}
    detail = json.loads(rows[-1].detail)
    assert detail["overleg"] == "opvolging" and detail["publiek"] == "beschermd"


def test_pack_prints_the_paths(home, tmp_path):
    proc = run(
        home, "pack", "--meeting", "integraal", "--date", "01-11-2026", "--out", str(tmp_path)
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-2:] == [
        str(tmp_path / "oovgeo_integraal_2026-11-01.pptx"),
        str(tmp_path / "oovgeo_integraal_2026-11-01.pdf"),
    ]
    assert "8 dia's" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--meeting", "gio"], "onbekend overleg 'gio'; ingesteld: integraal, opvolging, politie"),
        (["--meeting", "politie", "--date", "31-02-2026"], "is geen datum"),
        (["--meeting", "politie", "--date", "2026-11-01", "--van", "2026-11-01"], "moet voor"),
    ],
)
def test_bad_input_exits_2_with_a_dutch_message(home, tmp_path, args, message):
    proc = run(home, "pack", *args, "--out", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Fout: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_out_must_be_a_folder(home, tmp_path):
    target = tmp_path / "bestand.txt"
    target.write_text("x", encoding="utf-8")
    proc = run(home, "pack", "--meeting", "politie", "--out", str(target))
    assert proc.returncode == 2 and "geen map" in proc.stderr


def test_a_store_without_boundaries_is_bad_input(tmp_path):
    proc = run(tmp_path / "leeg", "pack", "--meeting", "politie", "--out", str(tmp_path))
    assert proc.returncode == 2 and "nog geen gebiedsgrenzen" in proc.stderr


def test_an_interrupted_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "oovgeo_integraal_2026-11-01.pdf"
    target.write_bytes(b"old pack")

    def killed(*_args):  # the process dies between writing and renaming
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new pack" * 1000)
    assert target.read_bytes() == b"old pack"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    monkeypatch.undo()
    write_atomic(target, b"new pack")
    assert target.read_bytes() == b"new pack"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
