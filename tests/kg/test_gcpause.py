"""The collector's pause (``ctkg.kg.gcpause``): restored as it was, nothing left frozen, and
the cycles made in the pause still collected after it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from ctkg.kg.gcpause import gc_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture()
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_pause_turns_the_collector_off_and_back_on() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner one leaves it off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing is left in the permanent generation


def test_a_pause_inside_a_disabled_collector_leaves_it_disabled(collector_on: None) -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
    gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_cycles_made_in_the_pause_are_collected_after_it() -> None:
    with gc_paused():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
    assert ref() is not None  # resuming collected nothing
    assert gc.get_count()[0] < 700
    gc.collect()
    assert ref() is None


@pytest.mark.usefixtures("collector_on")
def test_the_youngest_generation_is_not_collected_on_resuming() -> None:
    """What the resume avoids: everything made in the pause walked by the next
    allocation's collection. Made in the pause and alive, the objects are in the oldest
    generation after it (``gc.get_objects(2)``), not the youngest."""
    with gc_paused():
        kept = [[i] for i in range(2000)]
    young = {id(o) for o in gc.get_objects(0)}
    assert not any(id(x) in young for x in kept)
    oldest = {id(o) for o in gc.get_objects(2)}
    assert all(id(x) in oldest for x in kept[:50])
