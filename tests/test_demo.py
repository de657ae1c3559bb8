"""The synthetic demo data set: the fictitious town and the structure planted in the signals."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from oovgeo import demo
from oovgeo.config import load_settings
from oovgeo.crs import RD

BUURTEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "buurten_2025.geojson"
END = date(2026, 10, 31)
SIGNAL_PROFILE = [
    "melding_id",
    "datum",
    "thema",
    "bron",
    "x",
    "y",
    "lat",
    "lon",
    "buurtcode",
    "postcode",
    "huisnummer",
    "adres",
    "dossiernummer",
    "anoniem",
]
INTERVENTION_PROFILE = [
    "interventie_id",
    "datum",
    "thema",
    "x",
    "y",
    "lat",
    "lon",
    "buurtcode",
    "adres",
    "partners",
    "uitkomst",
    "maatregel",
]
HALF_YEAR = np.timedelta64(182, "D")


def real_buurten() -> gpd.GeoDataFrame:
    """The shared Vlaardingen + Maassluis buurten in the area model (no inhabitants known)."""
    if not BUURTEN.exists():
        pytest.fail(f"reference data missing: {BUURTEN}")
    raw = gpd.read_file(BUURTEN)
    n = len(raw)
    return gpd.GeoDataFrame(
        {
            "level": "buurt",
            "code": raw["statcode"],
            "name": raw["statnaam"],
            "parent_code": pd.Series(raw["wk_code"].tolist(), dtype=object),
            "gemeente_code": raw["gm_code"],
            "edition": raw["jaar"].astype(int),
            "inhabitants": pd.array([pd.NA] * n, dtype="Int64"),
            "land_ha": pd.array([pd.NA] * n, dtype="Float64"),
        },
        geometry=raw.geometry,
        crs=raw.crs,
    )


@pytest.fixture(scope="module")
def town() -> gpd.GeoDataFrame:
    return demo.fictitious_town()


@pytest.fixture(scope="module")
def real() -> gpd.GeoDataFrame:
    return real_buurten()


@pytest.fixture(scope="module")
def town_data(town) -> demo.DemoData:
    return demo.generate(town)


@pytest.fixture(scope="module")
def real_data(real) -> demo.DemoData:
    return demo.generate(real)


@pytest.fixture(params=["town", "real"])
def case(request, town, real, town_data, real_data):
    """(areas, generated data) for the fictitious town and for real buurten."""
    return (town, town_data) if request.param == "town" else (real, real_data)


def buurt_union(areas: gpd.GeoDataFrame) -> shapely.Geometry:
    return shapely.union_all(areas.loc[areas["level"] == "buurt", "geometry"].to_numpy())


def as_datetime(column: pd.Series) -> np.ndarray:
    return pd.to_datetime(column).to_numpy(dtype="datetime64[D]")


# --- the fictitious town ---------------------------------------------------------------------


def test_town_is_labelled_fictitious_and_lies_at_sea(town):
    gemeente = town[town["level"] == "gemeente"]
    assert len(gemeente) == 1
    assert gemeente["code"].iloc[0] == "GM9999"
    assert "fictief" in gemeente["name"].iloc[0]
    assert not town.loc[town["level"] != "gemeente", "name"].str.contains("fictief").any()
    assert town.crs.equals(RD)
    assert list(town.columns) == demo.AREA_COLUMNS
    centre = gemeente.geometry.iloc[0].centroid
    assert abs(centre.x - 45_000) < 1_000 and abs(centre.y - 470_000) < 1_000
    assert 24e6 < gemeente.geometry.iloc[0].area < 26e6


def test_town_nests_buurten_in_wijken_in_gemeente(town):
    wijken = town[town["level"] == "wijk"].set_index("code")
    buurten = town[town["level"] == "buurt"]
    gemeente = town[town["level"] == "gemeente"].iloc[0]
    assert len(wijken) == 8
    assert 35 <= len(buurten) <= 45
    assert gemeente["parent_code"] is None
    assert (wijken["parent_code"] == "GM9999").all()
    assert (town["gemeente_code"] == "GM9999").all()
    assert town["code"].is_unique
    assert all(re.fullmatch(r"WK9999\d\d", code) for code in wijken.index)
    for code, parent, geom in zip(
        buurten["code"], buurten["parent_code"], buurten.geometry, strict=True
    ):
        assert re.fullmatch(r"BU9999\d{4}", code)
        assert parent == "WK" + code[2:8]
        assert geom.within(wijken.loc[parent, "geometry"])
    for geom in wijken.geometry:
        assert geom.within(gemeente.geometry)
    # buurten tile the town: no overlaps or gaps beyond a few m² of snapping
    assert buurten.area.sum() == pytest.approx(gemeente.geometry.area, abs=50)
    assert gemeente.geometry.geom_type == "Polygon" and not gemeente.geometry.interiors
    assert town.is_valid.all()


def test_town_inhabitants_look_like_cbs_figures(town):
    buurten = town[town["level"] == "buurt"]
    assert (buurten["inhabitants"] % 5 == 0).all()
    park = buurten[buurten["name"] == "Bedrijventerrein De Kade"]
    assert len(park) == 1 and 0 <= park["inhabitants"].iloc[0] <= 20
    assert (buurten["inhabitants"] < 50).sum() >= 2  # the business park and one more
    for code, total in town.set_index("code")["inhabitants"].items():
        children = town[town["parent_code"] == code]
        if len(children):
            assert total == children["inhabitants"].sum()
    assert 50_000 < town["inhabitants"].iloc[0] < 120_000
    assert np.allclose(town["land_ha"].astype(float), town.area / 1e4, atol=0.01)
    assert str(town["inhabitants"].dtype) == "Int64"
    assert str(town["land_ha"].dtype) == "Float64"


def test_town_is_deterministic_per_seed():
    assert demo.fictitious_town(seed=3).equals(demo.fictitious_town(seed=3))
    assert not demo.fictitious_town(seed=3).equals(demo.fictitious_town(seed=4))
    assert (demo.fictitious_town(edition=2024)["edition"] == 2024).all()


# --- shape of the generated frames -----------------------------------------------------------


def test_same_seed_gives_identical_frames_and_another_seed_differs(town):
    kwargs = {"n_signals": 3000, "n_interventions": 300}
    first = demo.generate(town, seed=7, **kwargs)
    again = demo.generate(town, seed=7, **kwargs)
    other = demo.generate(town, seed=8, **kwargs)
    assert_frame_equal(first.signals, again.signals)
    assert_frame_equal(first.interventions, again.interventions)
    assert first.hotspots.geometry.equals(again.hotspots.geometry)
    assert first.notes == again.notes
    assert not first.signals[["x", "y"]].equals(other.signals[["x", "y"]])
    assert not first.interventions[["x", "y"]].equals(other.interventions[["x", "y"]])


def test_columns_follow_the_generiek_profile(town_data):
    signals, interventions = town_data.signals, town_data.interventions
    assert list(signals.columns) == SIGNAL_PROFILE
    assert list(interventions.columns) == INTERVENTION_PROFILE
    for frame in (signals, interventions):
        assert all(isinstance(d, date) for d in frame["datum"])
        assert frame["x"].dtype == float and frame["y"].dtype == float
        assert frame["lat"].isna().all() and frame["lon"].isna().all()
        assert (frame["buurtcode"] == "").all()
        assert np.allclose(frame["x"], frame["x"].round(1))
    assert signals["anoniem"].dtype == bool
    assert signals["postcode"].str.fullmatch(r"99\d\d[A-Z]{2}").all()
    assert signals["huisnummer"].str.fullmatch(r"[1-9]\d*").all()
    assert (
        signals["adres"] == signals["adres"].str.split(" ").str[0] + " " + signals["huisnummer"]
    ).all()
    assert signals["dossiernummer"].str.fullmatch(r"Z/\d\d/\d{6}").all()
    years = pd.to_datetime(signals["datum"]).dt.year % 100
    assert (signals["dossiernummer"].str[2:4].astype(int) == years).all()
    assert interventions["adres"].str.fullmatch(r"\S+ \d+").all()


def test_ids_are_unique_and_follow_the_dates(case):
    _, data = case
    for frame, column, pattern in (
        (data.signals, "melding_id", r"DEMO-S-\d{6}"),
        (data.interventions, "interventie_id", r"DEMO-I-\d{4}"),
    ):
        assert frame[column].is_unique
        assert frame[column].str.fullmatch(pattern).all()
        assert frame[column].is_monotonic_increasing
        assert pd.Series(as_datetime(frame["datum"])).is_monotonic_increasing


def test_sizes_close_to_the_requested_counts(case, town):
    _, data = case
    assert abs(len(data.signals) - 15000) <= 1500
    assert abs(len(data.interventions) - 1200) <= 120
    small = demo.generate(town, n_signals=4000, n_interventions=250)
    assert abs(len(small.signals) - 4000) <= 400
    assert abs(len(small.interventions) - 250) <= 25


def test_dates_cover_the_years_up_to_end_and_never_later(case, town):
    _, data = case
    start = END - timedelta(days=3 * 365)
    for frame in (data.signals, data.interventions):
        assert frame["datum"].max() <= END
        assert frame["datum"].min() >= start - timedelta(days=1)
        assert frame["datum"].max() >= END - timedelta(days=14)
        assert frame["datum"].min() <= start + timedelta(days=14)
    short = demo.generate(town, end=date(2025, 3, 15), years=1, n_signals=2000, n_interventions=100)
    assert short.signals["datum"].max() <= date(2025, 3, 15)
    assert short.signals["datum"].min() >= date(2024, 3, 15)


def test_all_points_lie_inside_the_buurten(case):
    areas, data = case
    union = buurt_union(areas)
    for frame in (data.signals, data.interventions):
        assert shapely.contains_xy(union, frame["x"], frame["y"]).all()


def test_wijken_only_frame_uses_wijken(town):
    wijken = town[town["level"] != "buurt"].reset_index(drop=True)
    data = demo.generate(wijken, n_signals=2000, n_interventions=100)
    union = shapely.union_all(wijken.loc[wijken["level"] == "wijk", "geometry"].to_numpy())
    assert shapely.contains_xy(union, data.signals["x"], data.signals["y"]).all()


def test_the_demo_draws_exactly_the_configured_codes(case):
    settings = load_settings(env={}, config_file=None)
    drawn = {"themes": demo.THEMES, "sources": demo.SOURCES, "partners": demo.PARTNERS}
    drawn["outcomes"] = demo.OUTCOMES
    for kind, codes in drawn.items():
        assert list(codes) == [c.code for c in settings.codes(kind)], kind
    _, data = case
    # every configured theme and source has its signals, so every legend entry shows on the map
    assert set(data.signals["thema"]) == set(settings.labels("themes"))
    assert set(data.signals["bron"]) == {c.code for c in settings.codes("sources")}


def test_codes_come_from_the_default_configuration(case):
    _, data = case
    signals, interventions = data.signals, data.interventions
    assert set(signals["thema"]) <= set(demo.THEMES)
    assert set(signals["bron"]) <= set(demo.SOURCES)
    assert set(interventions["thema"]) <= set(demo.THEMES)
    assert set(interventions["uitkomst"]) <= set(demo.OUTCOMES)
    partners = interventions["partners"].str.split(";").explode()
    assert set(partners) <= set(demo.PARTNERS)
    assert (interventions["partners"] != "").all()
    no_findings = interventions["uitkomst"] == "geen_bevindingen"
    assert (interventions.loc[no_findings, "maatregel"] == "").all()
    assert (interventions.loc[~no_findings, "maatregel"] != "").all()
    assert len(set(interventions["uitkomst"])) == len(demo.OUTCOMES)


def test_only_meld_een_vermoeden_signals_are_anonymous(case):
    _, data = case
    signals = data.signals
    assert set(signals.loc[signals["anoniem"], "bron"]) == {"meld_een_vermoeden"}
    share = signals.loc[signals["bron"] == "meld_een_vermoeden", "anoniem"].mean()
    assert 0.3 < share < 0.5


# --- planted structure -----------------------------------------------------------------------


def test_theme_mix_is_skewed_like_a_real_town(case):
    _, data = case
    counts = data.signals["thema"].value_counts()
    assert set(counts.index[:2]) == {"woonoverlast", "jeugdoverlast"}
    assert counts.idxmin() == "radicalisering"
    woonoverlast = data.signals.loc[data.signals["thema"] == "woonoverlast", "bron"]
    assert set(woonoverlast.value_counts().index[:2]) == {"meldpunt_overlast", "woningcorporatie"}
    assert data.signals.groupby("thema")["bron"].nunique().min() >= 2


def test_planted_streets_are_far_denser_than_the_town(case):
    areas, data = case
    streets = data.hotspots[data.hotspots["kind"] == "straat"]
    assert len(streets) == 3
    assert set(streets["thema"]) == {"woonoverlast", "arbeidsmigranten", "jeugdoverlast"}
    points = shapely.points(data.signals["x"], data.signals["y"])
    town_density = len(points) / buurt_union(areas).area
    for line in streets.geometry:
        assert 300 - 1 <= line.length <= 600 + 1
        zone = line.buffer(50)
        density = shapely.contains(zone, points).sum() / zone.area
        assert density > 10 * town_density


def test_business_park_cluster_is_ondermijning_from_meld_een_vermoeden_and_riec(case):
    areas, data = case
    park = data.hotspots[data.hotspots["kind"] == "bedrijventerrein"]
    assert len(park) == 1
    inside = data.signals[
        shapely.contains_xy(park.geometry.iloc[0], data.signals["x"], data.signals["y"])
    ]
    town_density = len(data.signals) / buurt_union(areas).area
    assert len(inside) / park.geometry.iloc[0].area > 5 * town_density
    assert inside["thema"].isin(["ondermijning", "mensenhandel"]).mean() > 0.7
    assert inside["bron"].isin(["meld_een_vermoeden", "riec"]).mean() > 0.5


def test_town_business_park_is_the_named_buurt(town_data):
    park = town_data.hotspots[town_data.hotspots["kind"] == "bedrijventerrein"]
    assert park["name"].iloc[0] == "Bedrijventerrein De Kade"


def test_seasons(case):
    _, data = case
    month = pd.to_datetime(data.signals["datum"]).dt.month
    youth = data.signals["thema"] == "jeugdoverlast"
    assert (youth & (month == 7)).sum() > 1.5 * (youth & (month == 1)).sum()
    burglary = data.signals["thema"] == "woninginbraak"
    assert (burglary & (month.isin([12, 1]))).sum() > 1.2 * (burglary & month.isin([6, 7])).sum()


def test_ondermijning_rises_after_the_campaign(case):
    _, data = case
    breakdate = demo.trend_break_date(END)
    assert date(2025, 3, 1) <= breakdate <= date(2025, 6, 1)
    signals = data.signals[data.signals["thema"] == "ondermijning"]
    months = pd.to_datetime(signals["datum"]).dt.to_period("M")
    per_month = months.value_counts()
    after = per_month[per_month.index >= pd.Period(breakdate, "M")].mean()
    before = per_month[per_month.index < pd.Period(breakdate, "M")].mean()
    assert after > 1.3 * before
    via_campaign = signals["bron"] == "meld_een_vermoeden"
    later = signals["datum"] >= breakdate
    assert via_campaign[later].mean() > via_campaign[~later].mean() + 0.1
    assert any(breakdate.strftime("%d-%m-%Y") in note for note in data.notes)


def before_after_ratio(signals: pd.DataFrame, places: np.ndarray, days: np.ndarray) -> float:
    """Signals within 250 m in the 6 months after the places' dates over the 6 months before.

    Only places whose both windows lie inside the data period count.
    """
    sx, sy = signals["x"].to_numpy(), signals["y"].to_numpy()
    sdays = as_datetime(signals["datum"])
    first, last = sdays.min(), sdays.max()
    eligible = (days - HALF_YEAR >= first) & (days + HALF_YEAR <= last)
    before = after = 0
    for (x, y), day in zip(places[eligible], days[eligible], strict=True):
        near = np.hypot(sx - x, sy - y) <= 250
        before += (near & (sdays >= day - HALF_YEAR) & (sdays < day)).sum()
        after += (near & (sdays >= day) & (sdays < day + HALF_YEAR)).sum()
    return after / before


def test_signals_drop_after_interventions_but_not_at_random_places(case):
    areas, data = case
    interventions = data.interventions
    days = as_datetime(interventions["datum"])
    places = interventions[["x", "y"]].to_numpy()
    assert before_after_ratio(data.signals, places, days) < 0.75

    union = buurt_union(areas)
    rng = np.random.default_rng(0)
    xmin, ymin, xmax, ymax = union.bounds
    xy = rng.uniform([xmin, ymin], [xmax, ymax], (20 * len(places), 2))
    control = xy[shapely.contains_xy(union, xy[:, 0], xy[:, 1])][: len(places)]
    assert 0.8 < before_after_ratio(data.signals, control, days) < 1.25


def test_interventions_are_about_400_a_year_near_signals(town_data):
    interventions = town_data.interventions
    per_year = len(interventions) / 3
    assert 350 < per_year < 450
    signals = town_data.signals[["x", "y"]].to_numpy()
    tree = shapely.STRtree(shapely.points(signals))
    _, distance = tree.query_nearest(
        shapely.points(interventions[["x", "y"]].to_numpy()), return_distance=True
    )
    assert np.median(distance) < 50
    assert set(interventions["thema"]) <= set(demo.INTERVENTION_THEME_WEIGHTS)


def test_notes_describe_the_planted_structure(town_data):
    text = " ".join(town_data.notes).lower()
    for word in ("fictie", "voorbeeldstraat", "bedrijventerrein", "seizoen", "trendbreuk", "250 m"):
        assert word in text


def test_default_set_is_fast(town):
    started = time.perf_counter()
    demo.generate(town, seed=123)
    assert time.perf_counter() - started < 5


def test_small_and_empty_requests(town):
    tiny = demo.generate(town, n_signals=50, n_interventions=0)
    assert len(tiny.signals) == 50
    assert tiny.interventions.empty
    assert list(tiny.interventions.columns) == INTERVENTION_PROFILE
    with pytest.raises(ValueError):
        demo.generate(town, n_signals=0, n_interventions=10)
