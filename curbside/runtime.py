"""Process-level preparation for serving questions."""

from __future__ import annotations

import gc


def freeze_loaded_objects() -> None:
    """Move everything loaded so far (model, index metadata, caches) out of the garbage collector's view.

    Those objects live as long as the process. Left in view, every full collection scans them all, and
    one that falls inside a question stalls it: about 0.3 s, once in some 150 questions on the guideline
    corpus (bench/answer.py). Called after warm-up; objects frozen by an earlier call are unfrozen and
    collected first, so that a reload does not keep the previous index version's cycles alive.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
