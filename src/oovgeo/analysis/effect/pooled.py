"""Pooling: the ratio of ratios of summed counts, with a cluster bootstrap interval.

Pooling
    One intervention has a handful of signals: its effect is noise. ``pooled_effect`` sums
    the four counts over a group (all interventions, a theme, an outcome) and gives the ratio
    of ratios of the sums, ``(b / a) / (d / c)`` with ``a, b`` the summed before/after counts
    within the radius and ``c, d`` those of the rest of the wijk.

    The counts of different interventions are not independent: interventions of one action
    day lie close together and count the same signals, circles of interventions a few months
    apart overlap, and all interventions in a wijk share the same rest of the wijk. The
    interval is therefore a cluster bootstrap: interventions in the same 1 km square of the
    RD grid and the same calendar half-year form a cluster; clusters are drawn with
    replacement (1999 draws, fixed seed), the ratio of ratios is recomputed from the drawn
    sums, and the 2.5% and 97.5% points on the log scale are the bounds, widened by
    ``sqrt(G / (G - 1)) * t(G - 1) / z`` for ``G`` clusters (matters only for small groups)
    and never narrower than the delta-method interval of the sums as independent Poisson
    counts, ``exp(log effect -/+ 1.96 * sqrt(1/a + 1/b + 1/c + 1/d))``: with clusters that
    happen to be alike the bootstrap alone would claim a precision that a few signals cannot
    give. A group with fewer than 5 clusters, or with a sum of 0, gets no interval. The label is
    "daling na interventies" when the whole interval lies below 1 and the change is at least
    10%, "stijging" likewise above 1, else "geen duidelijk effect".

How the cluster was chosen (measured on the demo data)
    Demo data: ``generate(fictitious_town(), seed=..., end=2026-10-31)`` (15,000 signals,
    1,200 interventions in a 25 km² town); control places: ``control_places(town, 1200,
    seed=...)`` between the first and last intervention date; default radius 250 m and 6
    months; with wijken (``AreaIndex.place(x, y, 200)``) and without (comparison = all signals
    outside the radius, as the Interventies page does for the control places). A "false
    positive" is a control-place interval that excludes 1. Two designs:

    * A: demo seeds 7, 42, 123, 2024, each with control seeds 0-99 (400 runs);
    * B: 300 runs, each a new demo (seeds 2000-2299) with new control places (seeds 0-299).

    Old delta-method interval (``var(log RR) = 1/a + 1/b + 1/c + 1/d``, the counts treated
    as independent Poisson counts): 19.0% false positives with wijken and 21.5% without in A
    (13-32% per demo seed, 28-32% for seed 42), 16.3% and 19.3% in B. The placebo estimates
    scatter 1.3-1.8 times as widely as its standard error says. The estimate itself is
    unbiased (mean placebo effect 0.999 in B).

    Cluster bootstrap, clusters tried (percentile bounds without the small-sample widening):

    * every intervention alone: 1-10% per demo seed in A, 6% in B, but on the real
      interventions its interval is 2.6 times too narrow (against the spread of the estimate
      over the 300 demo seeds of B): the premises of one action day move together;
    * the action day (``datum``): right width on the real interventions (spread / bootstrap
      SE 1.08), but 2-11% per demo seed in A (11% for seed 42) and 6% in B;
    * the wijk (8 clusters; 60 runs of each design): 13-18%; wijk x month: 3-11% in A;
    * connected groups of interventions within 500 m and 6-12 months: in a town this dense
      nearly everything is one group, so no interval at all; within 250-300 m and 1-2 months:
      0-6%, but how far such groups percolate depends on the density of the data;
    * grid squares of 0.5-2 km, alone or by quarter, half-year or year: 1 km x half-year (and
      its neighbours 0.75-1.5 km, 3-12 months, which differ by a percent point or two) was
      the most even: 0-7% per demo seed in A and 1.7-2.3% in B, and its width on the real
      interventions matches their spread over the demo seeds of B (spread / bootstrap SE
      1.15, against 3.4 for the delta method).

    Chosen: 1 km x half-year, plus the small-sample widening: on small groups of control
    places (the first 10, 25 or 50 rows of the runs of B, 600 groups each) the plain
    percentile bounds gave 10%, 8% and 5% false positives, the final interval 4.3%, 5.8% and
    4.2%. The Poisson floor sets a bound in 18%, 9% and 3% of those small groups and in none
    of the whole runs.

    Measured with the final ``pooled_effect`` (``n_boot=1999``, ``seed=0``): 3.0% false
    positives with wijken and 2.0% without in A (0-7% per demo seed; for seed 42 7/100 with
    wijken, 4/100 without), 1.3% and 1.3% in B: at or slightly below the nominal 5% at random
    places. Another random stream for the draws (an earlier version used
    ``rng.multinomial``) moved these counts by up to 2 per 100 runs. The real interventions
    of demo seed 42 give 0.517 [0.484, 0.553] (delta method: [0.504, 0.531]); all 300 demo
    seeds of B give "daling na interventies". The labels of the control places were "geen
    duidelijk effect" in every run, old and new, because their estimates stay within the 10%
    of ``MIN_CHANGE``; without that rule the old interval would have called ~20% of them an
    effect, the new one 1-3%.

Limitations (see ``CAVEATS`` for the user-facing text)
    Places are inspected because they peaked (regression to the mean); nuisance can move to
    nearby streets, which makes the rest of the wijk rise and the effect look larger; an
    inspection changes who reports. The clusters capture the overlap within a square and a
    half-year, not across their borders, nor the whole-wijk counts shared by interventions
    in different squares of one wijk; on the demo data that left the interval slightly
    conservative, but a town with larger action areas or longer windows (``months`` up to 12,
    a radius up to 500 m) may need larger clusters. A drop is an association, not proof that
    the intervention caused it.

"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from oovgeo.analysis.effect.windows import COUNT_COLUMNS, ratio_of_ratios

DROP = "daling na interventies"
RISE = "stijging"
UNCLEAR = "geen duidelijk effect"

POOLED_COLUMNS = [
    "n_interventions",
    *COUNT_COLUMNS,
    "effect",
    "ci_low",
    "ci_high",
    "oordeel",
]

CAVEATS = [
    "Regressie naar het gemiddelde: plekken worden gecontroleerd omdat er juist veel "
    "signalen waren. Zo'n piek zakt vaak ook zonder interventie vanzelf terug. Daarom is de "
    "eerste regel een vergelijking met plekken die vooraf evenveel signalen hadden en geen "
    "interventie kregen; de vergelijking met de rest van de wijk telt het terugzakken wel "
    "als effect mee.",
    "Verplaatsing: overlast en criminaliteit kunnen verschuiven naar straten net buiten de "
    "straal. Die signalen tellen dan mee bij de rest van de wijk, en dan lijkt het effect "
    "groter dan het is.",
    "Meldbereidheid: een controle kan het melden veranderen. Bewoners melden meer omdat ze "
    "zien dat er iets gebeurt, of minder omdat ze denken dat het is opgelost. Minder "
    "signalen is niet hetzelfde als minder problemen.",
    "Kleine aantallen: rond één interventie gaat het meestal om een handvol signalen. Kijk "
    "naar het totaal over veel interventies en naar het interval, niet naar één pand.",
    "Overlap: panden van dezelfde actiedag liggen vaak dicht bij elkaar en tellen dan "
    "dezelfde signalen. Het interval houdt daar rekening mee: interventies in hetzelfde vak "
    "van 1 bij 1 km en in hetzelfde halfjaar tellen samen als één waarneming. Overlap over "
    "de rand van een vak of halfjaar zit er niet in. Zijn er minder dan vijf van zulke "
    "groepen, dan is er geen interval en geen oordeel.",
    "Veel regels: per thema en per uitkomst is de p-waarde gecorrigeerd voor het aantal "
    "regels (Benjamini-Hochberg), zodat toevallige uitschieters niet als effect tellen.",
    "Willekeurige controleplekken pieken niet en zien het terugzakken dus niet; ze toetsen "
    "alleen de methode. Dit is een vergelijking, geen bewijs dat de interventie de oorzaak is.",
]


MIN_CHANGE = 0.10  # changes smaller than 10% are not called an effect
N_BOOT = 1999  # bootstrap draws: (N_BOOT + 1) * 0.025 = 50 draws in each tail
MIN_CLUSTERS = 5  # fewer clusters give no interval: the bootstrap cannot see their spread
GRID_M = 1000.0  # side of the grid squares that make up the default clusters


def pooled_effect(
    table: pd.DataFrame,
    *,
    group: str | Sequence[str] | None = None,
    level: float = 0.95,
    min_change: float = MIN_CHANGE,
    cluster: str | None = "grid",
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> pd.DataFrame:
    """Ratio of ratios of the summed counts per group, with a cluster bootstrap interval.

    ``table`` is the result of ``effect_per_intervention``. ``group`` is a column (or list of
    columns) such as ``"thema"`` or ``"uitkomst"``; ``None`` pools all interventions into one
    row. Interventions without a wijk (NaN wijk counts) are left out of the sums and the
    count. With sums ``a, b`` (before, after within the radius) and ``c, d`` (rest of the
    wijk) the effect is ``(b / a) / (d / c)``.

    The interval resamples clusters of interventions that share signals, with replacement
    (``n_boot`` draws; every group starts a generator with the same ``seed``, so the same
    rows always give the same bounds, whatever the other groups), recomputes the ratio of
    ratios from the resampled sums and takes the percentile bounds on the log scale, widened
    around the estimate by
    ``sqrt(G / (G - 1)) * t(G - 1) / z`` for ``G`` clusters (a small-sample correction that
    matters below ~30 clusters), and never narrower than the delta-method interval of the
    sums treated as independent Poisson counts (``var(log effect) = 1/a + 1/b + 1/c + 1/d``).
    ``cluster`` says which interventions belong together:

    * ``"grid"`` (default): the same 1 km square of the RD grid (``x``, ``y``) and the same
      calendar half-year of ``datum``. Interventions close together in place and time count
      the same signals and the same rest of the wijk;
    * a column name such as ``"datum"`` or ``"wijk_code"``: equal values form a cluster
      (missing values each their own);
    * ``None``: every intervention on its own (an ordinary bootstrap).

    The interval is NaN when any sum is 0 or the group has fewer than ``MIN_CLUSTERS`` (5)
    clusters: too few to estimate their spread. A change smaller than ``min_change`` (10%) is
    never labelled an effect. Otherwise ``oordeel`` is ``DROP`` when the interval lies
    entirely below 1, ``RISE`` when entirely above, ``UNCLEAR`` otherwise (also when NaN).

    Returns columns: the group columns (if any), ``n_interventions``, the four summed counts,
    ``effect``, ``ci_low``, ``ci_high``, ``oordeel``; sorted by the group columns.
    """
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    keys = [] if group is None else [group] if isinstance(group, str) else list(group)
    usable = table[table["wijk_before"].notna() & table["wijk_after"].notna()]
    counts = usable[COUNT_COLUMNS].astype("int64")
    clusters = _cluster_ids(usable, cluster)
    if keys:
        counts = pd.concat([usable[keys], counts], axis=1)
        grouped = counts.groupby(keys, dropna=False, sort=True)
        sums = grouped[COUNT_COLUMNS].sum()
        sums.insert(0, "n_interventions", grouped.size())
        sums = sums.reset_index()
        member = grouped.ngroup().to_numpy()  # numbered in the (sorted) order of ``sums``
    else:
        sums = pd.DataFrame(
            [{"n_interventions": len(counts), **counts.sum().to_dict()}],
            columns=["n_interventions", *COUNT_COLUMNS],
        )
        member = np.zeros(len(counts), dtype=np.int64)
    a, b, c, d = (sums[col].to_numpy(dtype=float) for col in COUNT_COLUMNS)
    effect = ratio_of_ratios(a, b, c, d)
    values = counts[COUNT_COLUMNS].to_numpy(dtype=float)
    low = np.full(len(sums), np.nan)
    high = np.full(len(sums), np.nan)
    for k in range(len(sums)):  # a handful of groups; the draws themselves are vectorised
        rows = member == k
        low[k], high[k] = _cluster_interval(values[rows], clusters[rows], level, n_boot, seed)
    sums["effect"] = effect
    sums["ci_low"] = low
    sums["ci_high"] = high
    # A label needs a relevant change as well as a clear one: spill-over around nearby
    # interventions and what the clusters do not capture move random places a little too.
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.abs(np.log(sums["effect"].to_numpy(dtype=float)))
    relevant = size >= np.log(1 / (1 - min_change))
    sums["oordeel"] = np.where(
        (high < 1) & relevant, DROP, np.where((low > 1) & relevant, RISE, UNCLEAR)
    )
    return sums[[*keys, *POOLED_COLUMNS]]


def _cluster_ids(table: pd.DataFrame, cluster: str | None) -> np.ndarray:
    """Return an int64 cluster number per row of ``table``; rows with unknown membership alone."""
    n = len(table)
    alone = np.arange(n, dtype=np.int64)
    if cluster is None:
        return alone
    if cluster == "grid":
        missing = [c for c in ("datum", "x", "y") if c not in table.columns]
        if missing:
            raise ValueError(
                f"cluster='grid' needs the columns datum, x and y (missing: {missing}); "
                "pass cluster=None or the name of a column"
            )
        stamps = pd.to_datetime(pd.Series(table["datum"]).reset_index(drop=True), errors="coerce")
        half = (stamps.dt.year * 2 + (stamps.dt.month > 6)).to_numpy(dtype=float)
        gx = np.floor(pd.to_numeric(table["x"], errors="coerce").to_numpy(dtype=float) / GRID_M)
        gy = np.floor(pd.to_numeric(table["y"], errors="coerce").to_numpy(dtype=float) / GRID_M)
        cells = np.column_stack([gx, gy, half])
        known = np.isfinite(cells).all(axis=1)
        ids = alone.copy()
        if known.any():
            _, inverse = np.unique(cells[known], axis=0, return_inverse=True)
            ids[known] = n + inverse.reshape(-1)  # n + ...: never equal to a lone row
        return ids
    if cluster not in table.columns:
        raise ValueError(f"cluster must be 'grid', None or a column of the table, not {cluster!r}")
    codes, _ = pd.factorize(table[cluster])
    return np.where(codes >= 0, n + codes, alone).astype(np.int64)


def _cluster_interval(
    values: np.ndarray, clusters: np.ndarray, level: float, n_boot: int, seed: int
) -> tuple[float, float]:
    """Percentile bounds of the ratio of ratios over clusters resampled with replacement.

    ``values`` holds the four counts per intervention (n x 4), ``clusters`` a cluster number
    per intervention.
    """
    _, inverse = np.unique(clusters, return_inverse=True)
    n_clusters = int(inverse.max()) + 1 if len(inverse) else 0
    if n_clusters < MIN_CLUSTERS:
        return np.nan, np.nan
    sums = np.zeros((n_clusters, 4))
    np.add.at(sums, inverse.reshape(-1), values)
    total = sums.sum(axis=0)
    if (total <= 0).any():
        return np.nan, np.nan
    # Each draw picks n_clusters clusters with replacement; one bincount turns the picks into
    # a weight per (draw, cluster) (4x faster than rng.multinomial), one matrix product into
    # the summed counts of all draws.
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_clusters, (n_boot, n_clusters))
    picks += n_clusters * np.arange(n_boot)[:, None]
    weights = np.bincount(picks.ravel(), minlength=n_boot * n_clusters)
    drawn = weights.reshape(n_boot, n_clusters) @ sums  # n_boot x 4
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(drawn)
        draws = logs[:, 1] - logs[:, 0] - logs[:, 3] + logs[:, 2]
    estimate = np.log(total[1]) - np.log(total[0]) - np.log(total[3]) + np.log(total[2])
    # An undefined draw (0 / 0) could lie anywhere: count it against both bounds.
    tail = max(1, int(np.floor((n_boot + 1) * (1 - level) / 2)))
    low = np.sort(np.where(np.isnan(draws), -np.inf, draws))[tail - 1]
    high = np.sort(np.where(np.isnan(draws), np.inf, draws))[n_boot - tail]
    # Few clusters: the bootstrap spread is too small by about sqrt((G - 1) / G) and the
    # normal tail too thin; widen the distances to the estimate as a t(G - 1) interval would.
    q = 0.5 + level / 2
    widen = np.sqrt(n_clusters / (n_clusters - 1)) * stats.t.ppf(q, n_clusters - 1)
    widen /= stats.norm.ppf(q)
    # Never narrower than the Poisson (delta method) interval: clusters that happen to be
    # alike would otherwise give an interval of almost no width around few signals.
    poisson = stats.norm.ppf(q) * np.sqrt((1 / total).sum())
    with np.errstate(invalid="ignore"):
        low = min(low, estimate - widen * (estimate - low), estimate - poisson)
        high = max(high, estimate + widen * (high - estimate), estimate + poisson)
    return float(np.exp(low)), float(np.exp(high))


def adjusted(
    pooled: pd.DataFrame, *, level: float = 0.95, min_change: float = MIN_CHANGE
) -> pd.DataFrame:
    """Add ``p`` and ``p_bh`` (Benjamini-Hochberg over the rows) and label by ``p_bh``.

    ``p`` is the two-sided p-value that belongs to the interval: on the log scale, the
    distance from the estimate to the bound on the side of 1 is ``z * se``, so ``p < 1 -
    level`` exactly when the interval excludes 1. The rows of one table form one family
    (``scipy.stats.false_discovery_control``); rows without an interval get NaN and are not
    in the family. ``oordeel`` is ``DROP``/``RISE`` when ``p_bh < 1 - level`` and the change
    is at least ``min_change``, else ``UNCLEAR``. The single row of an ungrouped table is a
    family of one (``p_bh == p``).
    """
    out = pooled.copy()
    effect = out["effect"].to_numpy(dtype=float)
    low = out["ci_low"].to_numpy(dtype=float)
    high = out["ci_high"].to_numpy(dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.log(effect)
        half = np.where(size < 0, np.log(high) - size, size - np.log(low))
        p = 2 * stats.norm.sf(np.abs(size) / (half / z))
    p = np.where(np.isfinite(p) & (half > 0), p, np.nan)
    p_bh = np.full(len(p), np.nan)
    tested = np.isfinite(p)
    if tested.any():
        p_bh[tested] = stats.false_discovery_control(p[tested], method="bh")
    out["p"] = p
    out["p_bh"] = p_bh
    relevant = np.abs(size) >= np.log(1 / (1 - min_change))
    clear = p_bh < 1 - level
    out["oordeel"] = np.where(
        clear & relevant & (size < 0), DROP, np.where(clear & relevant & (size > 0), RISE, UNCLEAR)
    )
    return out
