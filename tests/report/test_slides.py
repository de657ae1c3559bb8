"""The slide registry: one builder per slide kind of ``config.SLIDE_KINDS``, in its order."""

from __future__ import annotations

from oovgeo.config import SLIDE_KINDS
from oovgeo.report.pack import REGISTRY, TITLES


def test_every_slide_kind_has_one_builder_and_a_title():
    assert tuple(REGISTRY) == SLIDE_KINDS
    assert tuple(TITLES) == SLIDE_KINDS
    assert all(callable(entry.build) for entry in REGISTRY.values())
