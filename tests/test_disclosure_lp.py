"""Adversarial tests of issue 13: an attacker combining linked tables by linear programming."""

from __future__ import annotations

from disclosure_attack import bounds

K = 5


def old_rule_range(count: int, shown: str) -> tuple[int, int | None]:
    """The retired rule's interval: exact counts, "<k" -> [1, k-1], "x" -> [k, None]."""
    if shown == "x":
        return K, None
    if shown == f"<{K}":
        return 1, K - 1
    return count, count


def old_rule_show(counts: list[int], hide: set[int]) -> list[str]:
    """The retired display: 1..k-1 as "<k", complementary cells in ``hide`` as "x"."""
    return [f"<{K}" if 0 < n < K else "x" if i in hide else str(n) for i, n in enumerate(counts)]


def _old_cells(counts: list[int], hide: set[int]):
    shown = old_rule_show(counts, hide)
    return [
        ([i], *old_rule_range(n, s)) for i, (n, s) in enumerate(zip(counts, shown, strict=True))
    ]


def test_attacker_pins_two_small_cells_from_the_old_total():
    counts = [4, 4, 20, 30]
    cells = _old_cells(counts, set()) + [(range(4), 58, 58)]
    assert bounds(cells, [[0], [1]]) == [(4.0, 4.0), (4.0, 4.0)]


def test_attacker_pins_small_cell_next_to_complementary_x():
    counts = [1, 5, 30, 40]
    cells = _old_cells(counts, {1}) + [(range(4), 76, 76)]
    assert old_rule_show(counts, {1}) == ["<5", "x", "30", "40"]
    assert bounds(cells, [[0]]) == [(1.0, 1.0)]


def test_attacker_pins_small_theme_by_filter_differencing():
    # leaves: the one theme (0) and all other themes (1)
    cells = [([0, 1], 30, 30), ([1], 29, 29), ([0], 1, K - 1)]
    assert bounds(cells, [[0]]) == [(1.0, 1.0)]
