"""The shortlist's status rules: forward only, skipping allowed, final statuses (journey 2)."""

from __future__ import annotations

import pytest

from oovgeo.shortlist import STATUSES, ShortlistError, allowed_next, check_transition


def test_transition_rules():
    # forward, also skipping steps: a meeting may discuss and plan an item at once
    check_transition("voorgesteld", "besproken")
    check_transition("voorgesteld", "ingepland")
    check_transition("besproken", "uitgevoerd")
    check_transition("uitgevoerd", "afgesloten")
    for status in ("voorgesteld", "besproken", "ingepland", "uitgevoerd"):
        check_transition(status, "afgewezen")
    with pytest.raises(ShortlistError, match="niet terug"):
        check_transition("ingepland", "besproken")
    with pytest.raises(ShortlistError, match="Alleen een uitgevoerd item"):
        check_transition("ingepland", "afgesloten")
    for final in ("afgesloten", "afgewezen"):
        for target in STATUSES:
            if target != final:
                with pytest.raises(ShortlistError, match="niet meer gewijzigd"):
                    check_transition(final, target)
    assert allowed_next("voorgesteld") == ("besproken", "ingepland", "uitgevoerd", "afgewezen")
    assert allowed_next("uitgevoerd") == ("afgesloten", "afgewezen")
    assert allowed_next("afgewezen") == ()
