"""The public iCalendar feed, bounded and cached with a validator.

Rendering thousands of events costs seconds per request, and calendar clients poll the feed
every few minutes. So the feed holds at most ``FEED_MAX_EVENTS`` events (the soonest of the
filter; a filter or ``from``/``to`` shows later ones), and each worker keeps the rendered
bytes of its last ``CACHE_ENTRIES`` feeds. The key is the events data version (the
generation every change of events and organisations bumps), the filter, language, base
address and a time slot of ``SLOT_SECONDS`` (events leave the feed once they ended). The
ETag is a hash of that key, so every worker and server gives the same ETag for the same
feed, and a client asking with ``If-None-Match`` gets ``304 Not Modified`` without any
rendering.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["CACHE_ENTRIES", "FEED_MAX_EVENTS", "SLOT_SECONDS", "FeedCache"]

#: Most events in one feed (the soonest first).
FEED_MAX_EVENTS = 1000
#: How many rendered feeds a worker keeps (filters differ per subscriber).
CACHE_ENTRIES = 64
#: A feed is rendered again at least this often, so past events leave it.
SLOT_SECONDS = 300


class FeedCache:
    """Rendered feeds by key, least recently used dropped first; thread-safe."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries = entries
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0
        #: wall-clock seconds (replaceable in tests)
        self.clock: Callable[[], float] = time.time

    def etag(self, *parts: object) -> str:
        """The validator of a feed (unquoted): a hash of its key, the same in every worker."""
        slot = int(self.clock() // SLOT_SECONDS)
        return hashlib.sha256(repr((*parts, slot)).encode()).hexdigest()[:32]

    def get(self, etag: str, render: Callable[[], bytes]) -> bytes:
        """The feed for ``etag``, rendered by ``render`` when this worker has none."""
        with self._lock:
            found = self._items.get(etag)
            if found is not None:
                self._items.move_to_end(etag)
                return found
        body = render()  # outside the lock: other feeds are served meanwhile
        with self._lock:
            self.renders += 1
            self._items[etag] = body
            self._items.move_to_end(etag)
            while len(self._items) > self._entries:
                self._items.popitem(last=False)
        return body
