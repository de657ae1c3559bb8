"""Getis-Ord Gi* with FDR: faithful to esda, finds planted hotspots, quiet on random points."""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import false_discovery_control

from oovgeo.analysis.hotspots import (
    CLASSES,
    INFERENCE,
    NOT_SIGNIFICANT,
    WEIGHTS,
    classify,
    density_per_km2,
    gi_star,
    grid_cells,
    hotspot_map,
    queen_weights,
    redistribution_p,
)
from oovgeo.crs import RD, WGS84
from oovgeo.demo import fictitious_town, generate


def _count(x, y, cells: gpd.GeoDataFrame) -> pd.Series:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=RD)
    joined = gpd.sjoin(points, cells[["code", "geometry"]], predicate="within")
    return joined["code"].value_counts()


def _with_density(cells: gpd.GeoDataFrame, x, y) -> gpd.GeoDataFrame:
    return cells.assign(per_km2=density_per_km2(_count(x, y, cells), cells))


@pytest.fixture(scope="module")
def town() -> gpd.GeoDataFrame:
    return fictitious_town()


@pytest.fixture(scope="module")
def cells(town) -> gpd.GeoDataFrame:
    return grid_cells(town[town["level"] == "gemeente"], cell_m=250)


@pytest.fixture(scope="module")
def demo(town):
    return generate(town, seed=42)


@pytest.fixture(scope="module")
def demo_cells(cells, demo) -> gpd.GeoDataFrame:
    return _with_density(cells, demo.signals["x"], demo.signals["y"])


def _esda(y, label, cells, permutations=999, seed=12345):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return esda.G_Local(
            y,
            WEIGHTS[label](cells),
            transform="B",
            permutations=permutations,
            star=True,
            seed=seed,
            n_jobs=1,
        )


# --- faithful to esda and scipy ------------------------------------------------------------------


@pytest.mark.parametrize("label", list(WEIGHTS))
def test_results_equal_esda_on_the_same_weights_and_seed(demo_cells, label):
    result = gi_star(demo_cells, "per_km2", weights=label, seed=7)
    reference = _esda(demo_cells["per_km2"].to_numpy(), label, demo_cells, seed=7)
    assert_allclose(result["gi_z"], reference.Zs)
    assert_allclose(result["gi_p_sim"], reference.p_sim)
    assert_allclose(result["gi_p"], 2 * reference.p_norm)


def test_permutation_inference_doubles_esda_p_sim(demo_cells):
    result = gi_star(demo_cells, "per_km2", inference="Permutaties", seed=3)
    reference = _esda(demo_cells["per_km2"].to_numpy(), "Aangrenzend (queen)", demo_cells, seed=3)
    assert_allclose(result["gi_p"], np.minimum(1, 2 * reference.p_sim))
    assert_allclose(result["gi_p_sim"], reference.p_sim)


@pytest.mark.parametrize("inference", list(INFERENCE))
def test_fdr_equals_scipy(demo_cells, inference):
    result = gi_star(demo_cells, "per_km2", inference=inference)
    assert_allclose(result["gi_p_fdr"], false_discovery_control(result["gi_p"].to_numpy()))
    assert (result["gi_p_fdr"] >= result["gi_p"] - 1e-12).all()


def test_same_seed_same_result(demo_cells):
    first = gi_star(demo_cells, "per_km2", inference="Permutaties", seed=11)
    second = gi_star(demo_cells, "per_km2", inference="Permutaties", seed=11)
    assert_array_equal(first["gi_p"], second["gi_p"])


# --- finds what was planted, and nothing in noise -----------------------------------------------


def _hot_share(result: gpd.GeoDataFrame, geometry) -> float:
    touched = result[result.intersects(geometry)]
    assert len(touched) > 0
    return touched["hotspot"].str.startswith("hotspot").mean()


@pytest.mark.parametrize("label", list(WEIGHTS))
def test_planted_streets_are_hotspots(demo_cells, demo, label):
    result = gi_star(demo_cells, "per_km2", weights=label)
    for street in demo.hotspots[demo.hotspots["kind"] == "straat"].itertuples():
        assert _hot_share(result, street.geometry) >= 0.5, street.name


@pytest.mark.parametrize("label", list(WEIGHTS))
def test_planted_business_park_is_a_hotspot_for_its_themes(cells, demo, label):
    # The park is planted as ondermijning and mensenhandel: it stands out in those themes,
    # not against the town's densest residential buurten in all themes together.
    signals = demo.signals[demo.signals["thema"].isin(["ondermijning", "mensenhandel"])]
    result = gi_star(_with_density(cells, signals["x"], signals["y"]), "per_km2", weights=label)
    park = demo.hotspots.loc[demo.hotspots["kind"] == "bedrijventerrein", "geometry"].item()
    assert _hot_share(result, park) >= 0.5


def _uniform_in(area: shapely.Geometry, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = area.bounds
    x = rng.uniform(xmin, xmax, 3 * n)
    y = rng.uniform(ymin, ymax, 3 * n)
    inside = shapely.contains_xy(area, x, y)
    return x[inside][:n], y[inside][:n]


@pytest.mark.parametrize(("seed", "n"), [(1, 15_000), (2, 3_000), (3, 15_000)])
@pytest.mark.parametrize("label", list(WEIGHTS))
def test_random_points_flag_almost_nothing(town, cells, label, seed, n):
    area = town.loc[town["level"] == "gemeente", "geometry"].item()
    x, y = _uniform_in(area, n, seed)
    result = gi_star(_with_density(cells, x, y), "per_km2", weights=label)
    flagged = (result["hotspot"] != NOT_SIGNIFICANT).sum()
    assert flagged <= 0.01 * len(result), flagged


def test_raw_counts_over_unequal_areas_mislead_and_density_does_not(town):
    # Uniform random points over the town's buurten: large buurten collect more points.
    buurten = town[town["level"] == "buurt"].reset_index(drop=True)
    area = town.loc[town["level"] == "gemeente", "geometry"].item()
    x, y = _uniform_in(area, 15_000, 5)
    counts = _count(x, y, buurten)
    frame = buurten.assign(
        aantal=counts.reindex(buurten["code"]).fillna(0).to_numpy(),
        per_km2=density_per_km2(counts, buurten),
    )
    assert np.corrcoef(frame["aantal"], frame.area)[0, 1] > 0.9
    by_count = gi_star(frame, "aantal")
    by_density = gi_star(frame, "per_km2")
    assert (by_count["hotspot"] != NOT_SIGNIFICANT).sum() >= 2  # false: the points are random
    assert (by_density["hotspot"] == NOT_SIGNIFICANT).all()


# --- weights and islands -------------------------------------------------------------------------


def _squares(boxes) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(geometry=[shapely.box(*b) for b in boxes], crs=RD)
    return frame.assign(code=[f"A{i}" for i in range(len(frame))])


def test_islands_are_linked_to_their_nearest_area():
    boxes = [(i * 100, j * 100, i * 100 + 100, j * 100 + 100) for i in range(3) for j in range(3)]
    frame = _squares([*boxes, (1_000, 0, 1_100, 100)])
    w = queen_weights(frame)
    assert w.islands == []
    assert w.attached_islands == [9]
    assert w.neighbors[9] == [6]  # the cell at (200, 0), i * 3 + j
    assert 9 in w.neighbors[6]
    result = gi_star(frame.assign(v=np.arange(10.0)), "v")
    assert result["gi_neighbours"].iloc[9] == 1
    assert result.attrs["gi_star"]["attached_islands"] == ["A9"]
    assert "dichtstbijzijnde gebied" in result.attrs["methode"]


def test_queen_weights_are_symmetric_without_islands(cells):
    w = queen_weights(cells)
    assert w.attached_islands == []
    assert all(i in w.neighbors[j] for i in w.neighbors for j in w.neighbors[i])
    assert max(w.cardinalities.values()) == 8


def test_knn_weights_shrink_for_few_areas():
    frame = _squares([(i * 100, 0, i * 100 + 100, 100) for i in range(4)])
    w = WEIGHTS["Afstand (k=8 buren)"](frame)
    assert all(len(n) == 3 for n in w.neighbors.values())


# --- input checks --------------------------------------------------------------------------------


def test_tiny_input_is_refused_in_dutch():
    frame = _squares([(0, 0, 100, 100), (100, 0, 200, 100)]).assign(v=[1.0, 2.0])
    with pytest.raises(ValueError, match="minstens 3 gebieden"):
        gi_star(frame, "v")


@pytest.mark.parametrize(
    ("values", "message"),
    [([1.0, np.nan, 2.0], "zonder geldige"), ([1.0, -1.0, 2.0], "niet-negatieve")],
)
def test_missing_or_negative_values_are_refused(values, message):
    frame = _squares([(i * 100, 0, i * 100 + 100, 100) for i in range(3)]).assign(v=values)
    with pytest.raises(ValueError, match=message):
        gi_star(frame, "v")


def test_wrong_crs_is_refused_naming_both():
    frame = _squares([(i * 100, 0, i * 100 + 100, 100) for i in range(3)]).assign(v=1.0)
    frame = frame.set_crs(WGS84, allow_override=True)
    with pytest.raises(ValueError, match="EPSG:28992.*EPSG:4326"):
        gi_star(frame, "v")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": "Rook"}, "Onbekende buurdefinitie"),
        ({"inference": "Bootstrap"}, "Onbekende toets"),
        ({"alpha": 0.2}, "Alpha moet een van 0,01, 0,05, 0,1"),
        ({"inference": "Permutaties", "permutations": 0}, "minstens 99"),
    ],
)
def test_invalid_choices_are_refused(demo_cells, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gi_star(demo_cells, "per_km2", **kwargs)


def test_missing_column_is_refused(demo_cells):
    with pytest.raises(ValueError, match="ontbreekt"):
        gi_star(demo_cells, "aantal")


def test_constant_values_are_not_significant_anywhere(cells):
    result = gi_star(cells.assign(v=0.0), "v")
    assert (result["hotspot"] == NOT_SIGNIFICANT).all()
    assert (result["gi_p_fdr"] == 1).all()
    assert "geen patroon" in result.attrs["methode"]


def test_input_is_not_modified(demo_cells):
    before = demo_cells.copy()
    gi_star(demo_cells, "per_km2")
    pd.testing.assert_frame_equal(demo_cells, before)


def test_without_permutations_p_sim_is_missing(demo_cells):
    result = gi_star(demo_cells, "per_km2", permutations=0)
    assert result["gi_p_sim"].isna().all()
    assert "permutatie" not in result.attrs["methode"]


# --- labels and method sentence ------------------------------------------------------------------


def test_classes_follow_the_fdr_bands_and_alpha():
    z = [3.0, 2.5, 1.8, -1.8, -2.5, -3.0, 0.5]
    p = [0.001, 0.02, 0.07, 0.07, 0.02, 0.001, 0.5]
    assert classify(z, p, alpha=0.10).tolist() == [
        "hotspot (99%)",
        "hotspot (95%)",
        "hotspot (90%)",
        "coldspot (90%)",
        "coldspot (95%)",
        "coldspot (99%)",
        "niet significant",
    ]
    assert classify(z, p).tolist()[2:4] == [NOT_SIGNIFICANT, NOT_SIGNIFICANT]
    assert classify(z, p, alpha=0.01).tolist()[1] == NOT_SIGNIFICANT
    assert set(classify(z, p, alpha=0.10)) <= set(CLASSES)


def test_method_sentence_states_method_weights_alpha_permutations_and_fdr(demo_cells):
    result = gi_star(demo_cells, "per_km2", weights="Afstand (k=8 buren)", permutations=499)
    sentence = result.attrs["methode"]
    for part in ("Getis-Ord Gi*", "Afstand (k=8 buren)", "0,05", "499 permutaties"):
        assert part in sentence
    assert "Benjamini-Hochberg" in sentence and "false discovery rate" in sentence
    assert result.attrs["gi_star"]["weights"] == "Afstand (k=8 buren)"


# --- grid and density ----------------------------------------------------------------------------


def test_grid_cells_cover_the_area_with_stable_codes():
    cells = grid_cells(shapely.box(100, 100, 900, 600), cell_m=250, min_share=0)
    assert len(cells) == 4 * 3
    assert cells.crs == RD
    assert cells["code"].iloc[0] == "C0000_0000"
    assert cells["code"].is_unique
    assert_allclose(cells["land_ha"].sum(), 800 * 500 / 1e4)
    # Aligned to multiples of the cell size, rows from the north.
    assert cells.total_bounds.tolist() == [0.0, 0.0, 1000.0, 750.0]
    first = cells.geometry.iloc[0].bounds
    assert first == (0.0, 500.0, 250.0, 750.0)


def test_grid_cells_leave_out_slivers():
    area = shapely.box(0, 0, 510, 250)
    assert len(grid_cells(area, cell_m=250, min_share=0)) == 3
    assert len(grid_cells(area, cell_m=250)) == 2


def test_grid_cells_refuse_another_crs_and_huge_grids(town):
    with pytest.raises(ValueError, match="RD"):
        grid_cells(town.to_crs(WGS84))
    with pytest.raises(ValueError, match="maximum"):
        grid_cells(shapely.box(0, 300_000, 280_000, 625_000), cell_m=100)


def test_density_per_km2_uses_land_area_and_fills_missing_codes():
    areas = _squares([(0, 0, 1_000, 1_000), (1_000, 0, 2_000, 1_000), (0, 1_000, 500, 1_500)])
    areas["land_ha"] = pd.array([50.0, None, 0.0], dtype="Float64")
    result = density_per_km2(pd.Series({"A0": 10, "A1": 10}), areas)
    # A0: 10 events on 0.5 km² land; A1: land unknown, 1 km² geometry; A2: no events.
    assert result.tolist() == [20.0, 10.0, 0.0]
    assert result.name == "per_km2"
    assert density_per_km2([1, 2, 3], areas).tolist() == [2.0, 2.0, 12.0]


def test_density_per_km2_refuses_unknown_codes_and_wrong_lengths():
    areas = _squares([(0, 0, 100, 100)])
    with pytest.raises(ValueError, match="onbekende gebieden: X1"):
        density_per_km2(pd.Series({"X1": 3}), areas)
    with pytest.raises(ValueError, match="2 aantallen voor 1 gebieden"):
        density_per_km2([1, 2], areas)


# --- the map's procedure: nominal rate on random points, power on a planted cluster --------------

DEMO_FOUR_WEEKS = 362  # signals in the demo's last four weeks (generate(town, seed=42))


def _any_flag_share(units, town, simulations: int, maps: int = 200) -> tuple[float, float]:
    area = town.loc[town["level"] == "gemeente", "geometry"].item()
    hot = flagged = 0
    for seed in range(maps):
        x, y = _uniform_in(area, DEMO_FOUR_WEEKS, 1_000 + seed)
        classes = hotspot_map(units, _count(x, y, units), simulations=simulations)["hotspot"]
        hot += classes.str.startswith("hotspot").any()
        flagged += (classes != NOT_SIGNIFICANT).any()
    return hot / maps, flagged / maps


@pytest.mark.slow
@pytest.mark.parametrize(("layer", "simulations"), [("grid", 4_999), ("buurt", 9_999)])
def test_random_points_at_demo_volume_rarely_show_a_hotspot(town, cells, layer, simulations):
    # The page uses 9999 random maps; the grid run here uses 4999 to stay near a minute.
    units = cells if layer == "grid" else town[town["level"] == "buurt"].reset_index(drop=True)
    hot, flagged = _any_flag_share(units, town, simulations)
    assert hot <= 0.05, hot
    assert flagged <= 0.075, flagged  # hot or cold; the normal approximation gave 17-21 %


def test_normal_approximation_shows_false_hotspots_at_demo_volume(town, cells):
    area = town.loc[town["level"] == "gemeente", "geometry"].item()
    shown = 0
    for seed in range(40):
        x, y = _uniform_in(area, DEMO_FOUR_WEEKS, 1_000 + seed)
        result = gi_star(_with_density(cells, x, y), "per_km2", permutations=0)
        shown += (result["hotspot"] != NOT_SIGNIFICANT).any()
    assert shown >= 4  # the old test: at least 10 % of random maps, against 5 % nominal


@pytest.mark.parametrize("layer", ["grid", "buurt"])
def test_planted_cluster_at_demo_volume_is_found(town, cells, layer):
    area = town.loc[town["level"] == "gemeente", "geometry"].item()
    x, y = _uniform_in(area, DEMO_FOUR_WEEKS - 60, 7)
    centre = area.centroid
    rng = np.random.default_rng(8)
    cx = centre.x + rng.normal(0, 120, 60)
    cy = centre.y + rng.normal(0, 120, 60)
    x, y = np.concatenate([x, cx]), np.concatenate([y, cy])
    units = cells if layer == "grid" else town[town["level"] == "buurt"].reset_index(drop=True)
    result = hotspot_map(units, _count(x, y, units))
    hot = result[result["hotspot"].str.startswith("hotspot")]
    assert len(hot) >= 1
    assert hot.geometry.distance(centre).min() < 250


def test_redistribution_p_matches_a_hand_monte_carlo():
    # Independent of the function: numpy multinomial draws and Gi* written out per unit.
    cells = grid_cells(shapely.box(0, 0, 1000, 1000), cell_m=250).iloc[:-1].reset_index(drop=True)
    counts = np.array([5, 1, 0, 2, 1, 0, 0, 3, 0, 1, 0, 0, 2, 0, 1])
    ha = cells["land_ha"].to_numpy()
    w = queen_weights(cells)
    p = redistribution_p(counts, ha, w, simulations=20_000, seed=1)
    rng = np.random.default_rng(99)
    sims = rng.multinomial(counts.sum(), ha / ha.sum(), size=20_000) / ha

    def g(y):
        return np.array([y[..., [i, *w.neighbors[i]]].sum(-1) for i in range(len(ha))]).T / y.sum(
            -1, keepdims=True
        )

    obs = g((counts / ha)[None, :])[0]
    gs = g(sims)
    ref = np.minimum(
        1, 2 * (np.minimum((gs >= obs - 1e-12).sum(0), (gs <= obs + 1e-12).sum(0)) + 1) / 20_001
    )
    assert_allclose(p, ref, atol=0.02)


def test_page_method_sentence_is_plain_dutch(cells):
    result = hotspot_map(cells, np.ones(len(cells)), simulations=999)
    sentence = result.attrs["methode"]
    assert "willekeurig" in sentence and "oppervlakte" in sentence
    assert "queen" not in sentence.lower() and "seed" not in sentence.lower()
