"""``oovgeo labels``: list the theme labels waiting in quarantine and map one from the shell."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from oovgeo.cli import main
from oovgeo.config import load_settings
from oovgeo.services import operations as ops
from oovgeo.store import schema
from oovgeo.store.db import make_engine


def _run(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def test_labels_list_and_map_release_the_rows(tmp_path, monkeypatch, capsys, shared_data):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("OOVGEO_HOME", str(home))
    assert main(["boundaries", "load", str(shared_data / "buurten_2025.geojson")]) == 0
    export = tmp_path / "mor_2025-06-01.csv"
    export.write_text(
        "Meldingnummer;Datum melding;Categorie;Kanaal;Buurtcode\n"
        "A1;01-05-2025;Drugs;MOR;BU06220101\n"
        "A2;02-05-2025;Drugsoverlast;Meldpunt;BU06220101\n"
        "A3;03-05-2025;DRUGS;Balie;BU06220202\n"
        "Totaal: 3\n",
        encoding="utf-8",
    )
    code, report = _run(capsys, "import", "signals", str(export), "--json")
    assert code == 0
    assert report["afgewezen"] == 3 and report["overgeslagen"] == {"voettekst": 1}
    assert report["exportdatum"] == "2025-06-01" and report["sluitend"] is True

    code, listed = _run(capsys, "labels", "lijst", "--json")
    assert listed == {"thema_labels_in_quarantaine": {"Drugs": 2, "Drugsoverlast": 1}}

    code, done = _run(capsys, "labels", "koppel", "thema", "drugs", "ondermijning", "--json")
    assert code == 0 and (done["geaccepteerd"], done["nog_afgewezen"]) == (2, 0)
    settings = load_settings(env={"OOVGEO_HOME": str(home)}, config_file=None)
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        themes = dict(
            conn.execute(select(schema.signals.c.source_id, schema.signals.c.thema)).all()
        )
        bronnen = dict(
            conn.execute(select(schema.signals.c.source_id, schema.signals.c.bron)).all()
        )
        waiting = conn.execute(select(func.count()).select_from(schema.quarantine)).scalar()
    assert themes == {"A1": "ondermijning", "A3": "ondermijning"}
    assert bronnen == {"A1": "meldpunt_overlast", "A3": "onbekend"}
    assert waiting == 1
    assert ops.labels.unmapped_theme_labels(engine, settings) == {"Drugsoverlast": 1}

    code, refused = _run(capsys, "labels", "koppel", "thema", "Drugsoverlast", "drugs", "--json")
    assert code == 2 and "'drugs' is geen thema" in refused["fout"]
