"""Export formatting that needs no sandbox."""

from __future__ import annotations

from flows import export


def test_fences_survive_backticks_in_bodies():
    assert export._fence("a ``` b").startswith("````")
