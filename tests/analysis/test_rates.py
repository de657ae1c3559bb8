"""THE rate: per 1.000 inwoners per jaar, pinned against a hand calculation, hidden when small."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from oovgeo.analysis.aggregate import area_table
from oovgeo.analysis.mapdata import measure_view
from oovgeo.analysis.rates import (
    per_1000_per_year,
    period_days,
    population_note,
    with_period_population,
)
from oovgeo.areas.kerncijfers import read_kerncijfers, read_population_file
from oovgeo.areas.population import aggregate_population, nearest_year
from oovgeo.privacy import Disclosure


def test_rate_is_pinned_against_a_hand_calculation():
    # 6 weeks = 42 days, 24 signals, 1.200 inhabitants: 24 / 42 * 365 * 1000 / 1200
    assert per_1000_per_year(24, 42, 1200) == pytest.approx(173.8095238095238)
    assert period_days(date(2026, 10, 1), date(2026, 11, 11)) == 42
    assert np.isnan(per_1000_per_year(3, 42, pd.NA))
    assert np.isnan(per_1000_per_year(3, 0, 100))


def _areas():
    codes = ["BU00010001", "BU00010002", "WK000100", "GM0001"]
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "name": ["a", "b", "W", "G"],
            "level": ["buurt", "buurt", "wijk", "gemeente"],
            "parent_code": ["WK000100", "WK000100", "GM0001", None],
            "gemeente_code": ["GM0001"] * 4,
            "edition": [2025] * 4,
            "inhabitants": pd.array([None] * 4, dtype="Int64"),
            "land_ha": pd.array([50.0, None, None, None], dtype="Float64"),
        },
        geometry=[box(0, 0, 1000, 1000)] * 4,
        crs="EPSG:28992",
    )


def test_wijk_and_gemeente_get_the_sum_of_their_buurten_and_the_nearest_year():
    population = pd.DataFrame(
        {
            "code": ["BU00010001", "BU00010002", "BU00010001", "BU00010002"],
            "year": [2022, 2022, 2024, 2024],
            "inhabitants": pd.array([1000, 5, 1100, None], dtype="Int64"),
        }
    )
    full = aggregate_population(population, _areas())
    chosen = with_period_population(_areas(), full, date(2023, 1, 1), date(2023, 2, 11))
    by = chosen.set_index("code")
    assert by.loc["WK000100", "inhabitants"] == 1005  # 2022 is nearest to 2023 (tie -> earlier)
    assert by.loc["GM0001", "inhabitants"] == 1005
    assert by.loc["WK000100", "inhabitants_year"] == 2022
    later = with_period_population(_areas(), full, date(2025, 3, 1), date(2025, 4, 11))
    by = later.set_index("code")
    # 2024: a buurt is secret, so the wijk sum is unknown and its nearest known year is used
    assert by.loc["WK000100", "inhabitants_year"] == 2022
    assert by.loc["BU00010001", "inhabitants"] == 1100
    assert population_note(later).startswith("inwoners 2022")
    assert nearest_year([2021, 2024], 2026) == 2024


def test_five_inhabitant_buurt_shows_no_rate_for_any_audience():
    population = pd.DataFrame(
        {"code": ["BU00010001", "BU00010002"], "year": [2025, 2025], "inhabitants": [1000, 5]}
    )
    areas = with_period_population(
        _areas(), aggregate_population(population, _areas()), date(2025, 1, 1), date(2025, 2, 11)
    )
    buurten = areas[areas["level"] == "buurt"].reset_index(drop=True)
    counts = pd.DataFrame({"code": buurten["code"], "count": [30, 12], "prev_count": [20, 10]})
    table = area_table(buurten, counts, days=42)
    assert table.loc[0, "per_1000"] == pytest.approx(30 / 42 * 365 * 1000 / 1000)
    for protected in (True, False):
        view = measure_view(table, "per_1000", Disclosure(protected=protected))
        assert view.loc[1, "weergave"] == "–"
        assert np.isnan(view.loc[1, "value"])
        assert view.loc[1, "noemer"] == ""  # the inhabitant count is not given away
        assert view.loc[0, "noemer"] == "1.000 inwoners 2025"
        assert view.loc[0, "weergave"] == "260,7"


KERNCIJFERS = (
    '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";'
    '"IndelingswijzigingWijkenEnBuurten_4";"AantalInwoners_5";"Mannen_6"\n'
    '0;"NL00      ";"Nederland                               ";"Land      ";"NL00      ";".";17942942;8898472\n'
    '1;"GM0622    ";"Vlaardingen                             ";"Gemeente  ";"GM0622    ";".";75230;37000\n'
    '2;"WK062201  ";"Vlaardingen                             ";"Wijk      ";"WK062201  ";"1";.;.\n'
    '3;"BU06220101";"Vlaardingen                             ";"Buurt     ";"BU06220101";"1";1235;600\n'
    '4;"BU06220102";"Vlaardingen                             ";"Buurt     ";"BU06220102";"1";.;.\n'
)


def test_kerncijfers_table_as_published(tmp_path):
    path = tmp_path / "85984NED_TypedDataSet.csv"
    path.write_text(KERNCIJFERS, encoding="utf-8")
    frame = read_population_file(path)
    assert frame["code"].tolist() == ["GM0622", "WK062201", "BU06220101", "BU06220102"]
    assert set(frame["year"]) == {2024}  # from the table id
    assert frame["inhabitants"].iloc[0] == 75230
    assert frame["inhabitants"].iloc[2] == 1235
    assert frame["inhabitants"].iloc[[1, 3]].isna().all()  # "." is secret
    other = tmp_path / "kerncijfers.csv"
    other.write_text(KERNCIJFERS, encoding="utf-8")
    assert set(read_kerncijfers(other, 2023)["year"]) == {2023}
    with pytest.raises(Exception, match="jaar"):
        read_kerncijfers(other)


def test_same_buurt_same_period_same_rate_on_map_table_and_profile(demo_town):
    from conftest import DEMO_END

    from oovgeo.analysis.aggregate import Filters, counts_by_area
    from oovgeo.analysis.profile import RATE_ROW, area_profile, protect_profile
    from oovgeo.store.areas_repo import load_areas
    from oovgeo.store.population_repo import load_population

    _, engine, _ = demo_town
    start = date.fromordinal(DEMO_END.toordinal() - 41)  # 6 weeks
    with engine.connect() as conn:
        population = load_population(conn)
        assert set(population["source"]) == {"synthetisch"}
        areas = with_period_population(load_areas(engine, 2025), population, start, DEMO_END)
        f = Filters(start, DEMO_END)
        buurten = areas[areas["level"] == "buurt"].reset_index(drop=True)
        table = area_table(buurten, counts_by_area(conn, f, "buurt"), days=42)
        row = table.loc[(table["inhabitants"] > 500) & (table["count"] > 5)].iloc[0]
        profile = area_profile(conn, areas, row["code"], f, {}, {})
    # hand calculation
    expected = row["count"] / 42 * 365 * 1000 / row["inhabitants"]
    assert row["per_1000"] == pytest.approx(expected)
    assert profile.figures.set_index("kengetal").loc[RATE_ROW, "gebied"] == pytest.approx(expected)
    for protected in (True, False):
        disclosure = Disclosure(protected=protected)
        view = measure_view(table, "per_1000", disclosure).set_index("code")
        text = protect_profile(profile, disclosure).figures.set_index("kengetal")
        assert text.loc[RATE_ROW, "gebied"] == view.loc[row["code"], "weergave"]
    # wijken and the gemeente have inhabitants (sums of the synthetic buurten)
    assert areas.loc[areas["level"] != "buurt", "inhabitants"].notna().all()
