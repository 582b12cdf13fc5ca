"""Pause Python's cyclic garbage collector around bulk work that makes no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cyclic-GC passes inside the block; the collector's previous state is restored after.

    Parsing a strategy, rendering one, or reading an export allocates many small objects that
    hold no cycles; every generation-2 pass would rescan all of them, so a large input would cost
    more per line or record than a small one. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
