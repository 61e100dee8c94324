"""Freezing what warm-up loaded out of the garbage collector's view."""

from __future__ import annotations

import gc
import weakref

from curbside.runtime import freeze_loaded_objects


class _Node:
    pass


def test_frozen_objects_are_skipped_until_the_next_freeze_collects_them() -> None:
    try:
        node = _Node()
        node.self = node  # a reference cycle: only the collector can free it
        ref = weakref.ref(node)
        freeze_loaded_objects()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert ref() is not None  # frozen: a full collection does not even look at it
        freeze_loaded_objects()  # as after a reload: the previous version's cycles are collected
        assert ref() is None
    finally:
        gc.unfreeze()
