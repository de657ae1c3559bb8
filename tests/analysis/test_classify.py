"""Classification registry: bounds pinned against mapclassify and by hand, colours, labels."""

import mapclassify
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from oovgeo import dutch
from oovgeo.analysis.classify import (
    DIVERGING,
    MISSING_COLOUR,
    MISSING_LABEL,
    SCHEMES,
    SEQUENTIAL,
    classify,
    labels_for,
    palette,
)

pytestmark = pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")

QUANTILES = "Kwantielen"
JENKS = "Natuurlijke grenzen (Fisher-Jenks)"
EQUAL = "Gelijke intervallen"
OWN = "Eigen grenzen"
TWENTY = pd.Series(np.arange(20.0), index=[f"WK{i:02d}" for i in range(20)])


def test_registry_offers_the_four_schemes_in_order():
    assert list(SCHEMES) == [QUANTILES, JENKS, EQUAL, OWN]


@pytest.mark.parametrize(
    ("scheme", "reference"),
    [
        (QUANTILES, mapclassify.Quantiles),
        (JENKS, mapclassify.FisherJenks),
        (EQUAL, mapclassify.EqualInterval),
    ],
)
def test_bounds_equal_mapclassify(scheme, reference):
    index, classes = classify(TWENTY, scheme, 4)
    expected = reference(TWENTY.to_numpy(), k=4)
    assert_allclose(classes.bounds, expected.bins)
    assert index.tolist() == expected.yb.tolist()
    assert classes.lower == 0.0


def test_quantiles_of_0_to_19_by_hand():
    # 25/50/75/100th percentiles with linear interpolation over 0..19
    _, classes = classify(TWENTY, QUANTILES, 4)
    assert_allclose(classes.bounds, [4.75, 9.5, 14.25, 19.0])
    assert classes.labels == ["0 – 4,8", "4,8 – 9,5", "9,5 – 14,3", "14,3 – 19"]


def test_equal_interval_of_0_to_100_by_hand():
    values = pd.Series([0.0, 10, 25, 26, 50, 74, 75, 99, 100])
    index, classes = classify(values, EQUAL, 4)
    assert_allclose(classes.bounds, [25, 50, 75, 100])
    # right-closed: 25 belongs to the first class, 26 to the second
    assert index.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3]
    assert classes.labels == ["0 – 25", "25 – 50", "50 – 75", "75 – 100"]


def test_fisher_jenks_finds_obvious_groups():
    values = pd.Series([1.0, 2, 3, 50, 51, 52, 100, 101, 102])
    index, classes = classify(values, JENKS, 3)
    assert_allclose(classes.bounds, [3, 52, 102])
    assert index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_fisher_jenks_on_many_values_is_quick_and_covers_the_range():
    values = pd.Series(np.random.default_rng(0).gamma(2.0, 3.0, 20_000))
    index, classes = classify(values, JENKS, 5)
    assert classes.k == 5
    assert classes.bounds[-1] == values.max()
    assert set(index) == set(range(5))


def test_colours_per_row_follow_the_class():
    index, classes = classify(TWENTY, QUANTILES, 4)
    assert classes.colours == SEQUENTIAL[4]
    colours = index.map(classes.colour)
    assert colours["WK00"] == "#ffffb2"  # lowest class, lightest
    assert colours["WK07"] == "#fecc5c"
    assert colours["WK12"] == "#fd8d3c"
    assert colours["WK19"] == "#e31a1c"
    assert index.index.equals(TWENTY.index)


def test_user_defined_breaks():
    index, classes = classify(TWENTY, OWN, breaks=[5, 10])
    # mapclassify adds a last class up to the maximum when values exceed the breaks
    assert_allclose(classes.bounds, [5, 10, 19])
    assert_allclose(classes.bounds, mapclassify.UserDefined(TWENTY.to_numpy(), [5, 10]).bins)
    assert index.loc[["WK05", "WK06", "WK10", "WK11", "WK19"]].tolist() == [0, 1, 1, 2, 2]
    assert classes.labels == ["0 – 5", "5 – 10", "10 – 19"]


def test_user_defined_breaks_above_the_data_are_kept():
    # the point of own breaks: the same legend on every map, even when a class is empty
    _, classes = classify(pd.Series([1.0, 2.0]), OWN, breaks=[5, 10, 20])
    assert classes.bounds == [5.0, 10.0, 20.0]


@pytest.mark.parametrize("breaks", [None, [], [10, 5], [5, 5], [1, float("nan")]])
def test_bad_user_breaks_are_refused(breaks):
    with pytest.raises(ValueError):
        classify(TWENTY, OWN, breaks=breaks)


def test_nan_gets_minus_one_grey_and_its_own_label():
    values = pd.Series([1.0, np.nan, 3.0, None, 5.0, np.inf])
    index, classes = classify(values, EQUAL, 2)
    assert classes.bounds == [3.0, 5.0]
    assert index.tolist() == [0, -1, 0, -1, 1, -1]
    assert classes.missing
    assert classes.colour(-1) == MISSING_COLOUR
    assert classes.label(-1) == MISSING_LABEL == "geen waarde (verborgen of onbekend)"
    assert MISSING_COLOUR not in SEQUENTIAL[7] + DIVERGING[7]


def test_strings_such_as_suppressed_counts_are_treated_as_missing():
    index, classes = classify(pd.Series([1.0, "<5", 8.0], dtype=object), EQUAL, 2)
    assert index.tolist() == [0, -1, 1]


def test_all_values_equal_give_one_class():
    for scheme in (QUANTILES, JENKS, EQUAL):
        index, classes = classify(pd.Series([3.0, 3.0, 3.0]), scheme, 5)
        assert classes.bounds == [3.0]
        assert classes.labels == ["3"]
        assert index.tolist() == [0, 0, 0]
        assert len(classes.colours) == 1


def test_fewer_distinct_values_than_k_reduce_k():
    for scheme in (QUANTILES, JENKS, EQUAL):
        index, classes = classify(pd.Series([1.0, 1.0, 2.0, 2.0, 2.0]), scheme, 5)
        assert classes.bounds == [1.0, 2.0], scheme
        assert classes.colours == palette(2)
        assert index.tolist()[:2] == [0, 0] and index.tolist()[2:] == [1, 1, 1]


@pytest.mark.parametrize("values", [pd.Series([], dtype=float), pd.Series([np.nan, np.nan])])
def test_empty_or_all_missing_give_one_class(values):
    index, classes = classify(values, QUANTILES, 5)
    assert classes.k == 1
    assert (index == -1).all()
    assert classes.missing == (len(values) > 0)


def test_k_outside_the_palette_is_refused():
    with pytest.raises(ValueError, match="between 1 and 7"):
        classify(TWENTY, QUANTILES, 8)
    with pytest.raises(ValueError, match="unknown scheme"):
        classify(TWENTY, "Willekeurig", 4)


def test_input_is_not_mutated():
    values = pd.Series([3.0, np.nan, 1.0])
    before = values.copy()
    classify(values, QUANTILES, 2)
    pd.testing.assert_series_equal(values, before)


def test_diverging_bounds_are_symmetric_around_zero():
    values = pd.Series([-30.0, -12, -3, 0, 2, 8, 20])
    index, classes = classify(values, EQUAL, 5, diverging=True)
    bounds = np.array(classes.bounds)
    # odd k: magnitudes 0..30 in 3 equal intervals, mirrored; middle class -10 .. 10
    assert_allclose(bounds, [-20, -10, 10, 20, 30])
    assert classes.lower == -30
    assert_allclose(np.r_[classes.lower, bounds], -np.r_[classes.lower, bounds][::-1])
    assert index.tolist() == [0, 1, 2, 2, 2, 2, 3]
    assert classes.colours == DIVERGING[5]
    assert classes.colours[2] == "#f7f7f7"  # neutral middle: about unchanged
    assert classes.labels[0] == "−30 – −20"


def test_diverging_even_k_has_zero_as_a_bound_blue_fall_red_rise():
    values = pd.Series([-8.0, -1, 1, 4])
    index, classes = classify(values, EQUAL, 4, diverging=True)
    assert_allclose(classes.bounds, [-4, 0, 4, 8])
    assert classes.lower == -8
    assert index.tolist() == [0, 1, 2, 2]
    assert classes.colour(0) == "#0571b0" and classes.colour(3) == "#ca0020"


def test_diverging_quantiles_use_the_magnitudes():
    values = pd.Series([-9.0, -3, -1, 0, 1, 2, 6])
    _, classes = classify(values, QUANTILES, 5, diverging=True)
    magnitudes = mapclassify.Quantiles(np.abs(values.to_numpy()), k=3).bins
    assert_allclose(classes.bounds, [-magnitudes[1], -magnitudes[0], *magnitudes])


def test_diverging_user_breaks_are_magnitudes():
    _, classes = classify(pd.Series([-30.0, 0, 12]), OWN, breaks=[5, 10], diverging=True)
    assert_allclose(classes.bounds, [-10, -5, 5, 10, 30])


def test_diverging_without_change_gives_one_neutral_class():
    index, classes = classify(pd.Series([0.0, 0.0]), QUANTILES, 5, diverging=True)
    assert classes.bounds == [0.0] and classes.colours == ["#f7f7f7"]
    assert index.tolist() == [0, 0]


def test_dutch_numbers_and_labels():
    assert dutch.number(1234.56) == "1.234,6"
    assert dutch.number(0.05) == "0,1"  # half away from zero
    assert dutch.number(7.0) == "7"
    assert labels_for(0, [0.04, 0.08]) == ["0 – 0,04", "0,04 – 0,08"]  # no "0 – 0"
    assert labels_for(0, [10, 25], decimals=0) == ["0 – 10", "10 – 25"]


@pytest.mark.parametrize("k", range(1, 8))
def test_sequential_palette_darkens_monotonically(k):
    colours = palette(k)

    def lightness(hex_colour):
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [lightness(c) for c in colours]
    assert values == sorted(values, reverse=True)
