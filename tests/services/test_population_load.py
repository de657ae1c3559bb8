"""Loading buurt population gives wijken and the gemeente inhabitants and a rate too."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from oovgeo.analysis.aggregate import area_table
from oovgeo.analysis.rates import per_1000_per_year, with_period_population
from oovgeo.services import operations as ops
from oovgeo.store.areas_repo import load_areas
from oovgeo.store.population_repo import load_population


def test_buurt_population_reaches_wijk_and_gemeente_rates(vlaardingen, tmp_path):
    engine, _ = vlaardingen
    areas = load_areas(engine, 2025)
    buurten = sorted(areas.loc[areas["level"] == "buurt", "code"])
    people = {code: 500 + 37 * i for i, code in enumerate(buurten)}
    csv = tmp_path / "inwoners.csv"
    csv.write_text(
        "code;year;inhabitants\n" + "".join(f"{c};2024;{n}\n" for c, n in people.items()),
        encoding="utf-8",
    )
    result = ops.load_population(engine, csv)
    assert result["som_onbekend"] == 0

    with engine.connect() as conn:
        # a 2026 period: 2024 is the nearest year with figures
        shown = with_period_population(
            load_areas(conn, 2025), load_population(conn), date(2026, 3, 1), date(2026, 4, 11)
        )
    by_code = shown.set_index("code")
    for wijk in sorted(areas.loc[areas["level"] == "wijk", "code"]):
        expected = sum(n for c, n in people.items() if c[2:8] == wijk[2:8])
        assert by_code.loc[wijk, "inhabitants"] == expected
        assert by_code.loc[wijk, "inhabitants_year"] == 2024
    assert by_code.loc["GM0622", "inhabitants"] == sum(people.values())

    wijken = shown[shown["level"] == "wijk"].reset_index(drop=True)
    counts = wijken[["code"]].assign(count=12, prev_count=6)
    table = area_table(wijken, counts, days=42)
    assert not np.isnan(table["per_1000"]).any()
    first = table.iloc[0]
    assert first["per_1000"] == per_1000_per_year(12, 42, first["inhabitants"])
    assert first["per_1000"] == 12 / 42 * 365 * 1000 / first["inhabitants"]  # by hand


def test_a_secret_buurt_makes_its_wijk_unknown(vlaardingen, tmp_path):
    engine, _ = vlaardingen
    areas = load_areas(engine, 2025)
    buurten = sorted(areas.loc[areas["level"] == "buurt", "code"])
    rows = [f"{c};2025;{'-99997' if i == 0 else 800}\n" for i, c in enumerate(buurten)]
    csv = tmp_path / "inwoners.csv"
    csv.write_text("code;year;inhabitants\n" + "".join(rows), encoding="utf-8")
    result = ops.load_population(engine, csv)
    assert result["som_onbekend"] >= 2  # its wijk and the gemeente
    with engine.connect() as conn:
        shown = with_period_population(
            load_areas(conn, 2025), load_population(conn), date(2025, 3, 1), date(2025, 4, 11)
        ).set_index("code")
    secret_wijk = "WK" + buurten[0][2:8]
    assert pd.isna(shown.loc[secret_wijk, "inhabitants"])
