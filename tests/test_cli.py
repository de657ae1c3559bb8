"""The oovgeo command as a user runs it: exit codes, messages, JSON, and a killed import."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pytest

pytestmark = pytest.mark.slow

GOOD = "Lange-zin met 4 woorden!"  # a password the rules accept


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "OOVGEO_HOME": str(home)}
    env.pop("OOVGEO_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "oovgeo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


def big_csv(path: Path, shared: Path, n: int) -> None:
    gdf = gpd.read_file(shared / "buurten_2025.geojson")
    town = gdf[gdf["gm_code"] == "GM0622"].union_all()
    rng = np.random.default_rng(1)
    xmin, ymin, xmax, ymax = town.bounds
    lines = ["melding_id;datum;thema;bron;x;y"]
    i = 0
    while i < n:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if town.contains(gpd.points_from_xy([x], [y])[0]):
            lines.append(
                f"K{i};{1 + i % 28:02d}-03-2025;woonoverlast;boa;{x:.1f};{y:.1f}".replace(".", ",")
            )
            i += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_boundaries_import_status_json_and_quarantine(tmp_path, shared_data):
    home = tmp_path / "home"
    out = run(home, "boundaries", "load", str(shared_data / "buurten_2025.geojson"))
    assert "2025" in out.stdout
    csv = tmp_path / "s.csv"
    csv.write_text(
        "melding_id;datum;thema;bron;x;y\n1;01-03-2025;woonoverlast;boa;83065;436518\n"
        "2;01-03-2025;onbekend;boa;83065;436518\n",
        encoding="utf-8",
    )
    rep = json.loads(run(home, "import", "signals", str(csv), "--json").stdout)
    assert rep["rijen_gelezen"] == 2 and rep["nieuw"] == 1 and rep["afgewezen"] == 1
    assert rep["sluitend"] is True
    assert rep["afwijzingen"][0]["regel"] == "onbekend_thema"
    st = json.loads(run(home, "status", "--json").stdout)
    assert st["signalen"]["totaal"] == 1 and st["editie"] == 2025
    assert st["gebieden"] == {"gemeente": 1, "wijk": 8, "buurt": 40}
    assert st["laatste_import"]["bestand"] == "s.csv"
    run(home, "quarantine", "export", "--out", str(tmp_path / "q.csv"))
    text = (tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    assert "onbekend thema" in text and ";3;" in text.replace("\r", "")
    again = run(home, "import", "signals", str(csv))
    assert "al geïmporteerd" in again.stdout

    # backup, change, restore: the store is back as it was
    assert "1 signalen" in run(home, "backup", str(tmp_path / "b.sqlite")).stdout
    more = tmp_path / "more.csv"
    more.write_text(
        "melding_id;datum;thema;bron;x;y\n9;02-03-2025;woonoverlast;boa;83065;436518\n",
        encoding="utf-8",
    )
    run(home, "import", "signals", str(more))
    assert json.loads(run(home, "status", "--json").stdout)["signalen"]["totaal"] == 2
    run(home, "restore", str(tmp_path / "b.sqlite"))
    assert json.loads(run(home, "status", "--json").stdout)["signalen"]["totaal"] == 1


def test_bad_input_exits_2_with_a_message(tmp_path):
    home = tmp_path / "home"
    bad = tmp_path / "grenzen.geojson"
    bad.write_text("{dit is geen json", encoding="utf-8")
    proc = run(home, "boundaries", "load", str(bad), check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("Fout:")
    assert "Traceback" not in proc.stderr
    proc = run(home, "import", "signals", str(tmp_path / "bestaat-niet.csv"), check=False)
    assert proc.returncode == 2


def test_killed_import_leaves_all_or_nothing(tmp_path, shared_data):
    home = tmp_path / "home"
    run(home, "boundaries", "load", str(shared_data / "buurten_2025.geojson"))
    csv = tmp_path / "big.csv"
    big_csv(csv, shared_data, 60_000)
    env = {**os.environ, "OOVGEO_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "oovgeo.cli", "import", "signals", str(csv)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    seen = ""
    while "schrijven" not in seen:  # the write transaction is under way
        ch = proc.stderr.read(1)
        assert ch, "import ended before it started writing"
        seen += ch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = sqlite3.connect(home / "oovgeo.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*) from signals").fetchone()[0] == 0
    assert db.execute("select count(*) from import_batches").fetchone()[0] == 0
    db.close()
    # the same file again imports completely
    rep = json.loads(run(home, "import", "signals", str(csv), "--json").stdout)
    assert rep["nieuw"] == 60_000


# --- users, audit and purge (moved here from the accounts tests) -------------------------


def cli(home, *args, stdin=None):
    env = {**os.environ, "OOVGEO_HOME": str(home)}
    env.pop("OOVGEO_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "oovgeo.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_audit_verify_and_review_from_the_command_line(tmp_path):
    home = tmp_path / "home"
    weak = cli(
        home, "users", "add", "jan", "--rol", "analist", "--wachtwoord-stdin", stdin="kort\n"
    )
    assert weak.returncode == 2 and "te zwak" in weak.stderr
    ok = cli(
        home, "users", "add", "jan", "--rol", "analist", "--wachtwoord-stdin", stdin=GOOD + "\n"
    )
    assert ok.returncode == 0, ok.stderr
    assert cli(home, "users", "role", "jan", "coordinator").returncode == 0
    assert "coordinator" in cli(home, "users", "list").stdout
    out = tmp_path / "toegang.xlsx"
    assert cli(home, "users", "review", "--out", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("gebruiker", "rol") and rows[1][:2] == ("jan", "coordinator")

    verified = cli(home, "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout

    # someone with database access edits history behind oovgeo's back
    con = sqlite3.connect(home / "oovgeo.db")
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET actor = 'iemand anders' WHERE id = 1")
    con.commit()
    con.close()
    broken = cli(home, "audit", "verify")
    assert broken.returncode == 1 and "breekt bij regel 1" in broken.stderr


def test_purge_from_the_command_line(tmp_path, shared_data):
    home = tmp_path / "home"
    cli(home, "boundaries", "load", str(shared_data / "buurten_2025.geojson"))
    csv = tmp_path / "s.csv"
    csv.write_text(
        "melding_id;datum;thema;bron;x;y\nA;01-03-2020;woonoverlast;boa;83065;436518\n"
        "B;01-03-2024;woonoverlast;boa;83065;436518\n",
        encoding="utf-8",
    )
    assert cli(home, "import", "signals", str(csv)).returncode == 0
    # signals are kept 60 months: A until 2025-03-01, B until 2029-03-01
    done = cli(home, "purge", "--datum", "2025-03-02")
    assert done.returncode == 0 and "signals 1" in done.stdout
    con = sqlite3.connect(home / "oovgeo.db")
    assert [r[0] for r in con.execute("select source_id from signals")] == ["B"]
