"""Things built once per input frame (spatial indexes, classified road networks).

A :class:`FrameCache` keeps one value per live (Geo)DataFrame object: the
entry goes when the frame is garbage-collected, and an ``options`` key
guards against reuse under other settings (another policy, say).
"""

from __future__ import annotations

import weakref
from typing import Any, Callable


class FrameCache:
    """``cache.get(frame, options, build)``: ``build()`` once per live frame and options."""

    def __init__(self):
        self._entries: dict[int, tuple] = {}

    def get(self, frame, options: Any, build: Callable[[], Any]):
        key = id(frame)
        hit = self._entries.get(key)
        if hit is not None and hit[0]() is frame and hit[1] == options:
            return hit[2]
        value = build()
        entries = self._entries

        def forget(ref):  # only this frame's entry, also when the id was reused
            entry = entries.get(key)
            if entry is not None and entry[0] is ref:
                del entries[key]

        entries[key] = (weakref.ref(frame, forget), options, value)
        return value
