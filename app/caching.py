"""A small per-process cache for what is expensive to compute and rarely changes (each gunicorn worker
keeps its own; the callers name what a value depends on in its key or version)."""

import threading
import time
from collections import OrderedDict


class BoundedCache:
    """At most `size` keys, the least recently used out first; each value kept `ttl` seconds (None: no limit).

    A key holds one value, for the version it was computed for: asking with another version replaces it.
    """

    def __init__(self, size, ttl=None, clock=None):
        self.size, self.ttl, self.clock = size, ttl, clock or time.monotonic
        self._entries = OrderedDict()  # key: (stored at, version, value)
        self._lock = threading.Lock()

    def get(self, key, compute, version=None):
        """The value kept under the key for the version, or compute() kept and returned (missing, expired)."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[1] == version and (self.ttl is None or now - entry[0] < self.ttl):
                self._entries.move_to_end(key)
                return entry[2]
        value = compute()
        with self._lock:
            self._entries[key] = (now, version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self):
        return len(self._entries)
