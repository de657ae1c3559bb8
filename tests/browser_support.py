"""Shared by the browser tests: the real app under `streamlit run`, Chromium, the login."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Een lange zin, met 4 woorden"


@dataclass(frozen=True)
class App:
    url: str
    home: Path  # OOVGEO_HOME of the running app: its store can be opened beside it
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(tmp_path: Path, shared_data: Path, users: dict[str, str]) -> Iterator[App]:
    """The app on demo data over the real Vlaardingen buurten, served on loopback, with
    ``users`` (name -> role, password :data:`PASSWORD`) created through the CLI."""
    home = tmp_path / "home"
    env = {**os.environ, "OOVGEO_HOME": str(home)}
    env.pop("OOVGEO_DATABASE_URL", None)
    cli = [sys.executable, "-m", "oovgeo.cli"]
    demo = [*cli, "demo", "--boundaries", str(shared_data / "buurten_2025.geojson")]
    subprocess.run(demo, env=env, check=True, capture_output=True, timeout=300)
    for name, role in users.items():
        add = [*cli, "users", "add", name, "--rol", role, "--wachtwoord-stdin"]
        subprocess.run(
            add,
            input=PASSWORD + "\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    port = _free_port()
    log = tmp_path / "streamlit.log"  # a file, not a pipe: a full pipe would block the server
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        proc.wait(timeout=20)
        pytest.fail("streamlit did not start: " + log.read_text(errors="replace")[-2000:])
    try:
        yield App(url=url, home=home, env=env)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def login(page, url: str, name: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text("oovgeo · inloggen").wait_for(timeout=30_000)
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Uitloggen").wait_for(timeout=30_000)
