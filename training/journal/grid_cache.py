"""The rendered marks grid, cached per process and keyed by the school's version stamp.

Building a quarter's grid (2,500 cells, the averages) costs far more than the rest of the page, and
a journal is read much more often than it is changed. Every service that changes what the grid
shows — cells, a mark, a lesson's topic, quarter marks, the settings, fill and reset — calls
`touch(school)` before its commit, which gives the school a new random `grid_version`; the page
reads that stamp with the school row it loads anyway, so a change shows on the very next request in
every worker process, and entries under old stamps are never asked for again (the LRU drops them).

Entries are zlib-compressed UTF-8 (a quarter's table of 30 pupils is ~380 KB, ~37 KB compressed),
and each process keeps at most MAX_BYTES of them, the least recently used dropped first: with
four workers, 32 MB at most whatever the number of journals.
"""

import threading
import zlib
from collections import OrderedDict

from flask import current_app, request
from flask_babel import get_locale

from training.journal.models import new_grid_version

# Per process: some 200 grids of 30 pupils × 80 lessons. JOURNAL_GRID_CACHE_BYTES overrides it (0: no cache).
MAX_BYTES = 8 * 1024 * 1024
LEVEL = 1  # zlib's fastest level: the markup repeats itself so much that it still shrinks ~15 times
EXTENSION = "journal_grid_cache"


def touch(school):
    """Mark the school's journal as changed (no commit): cached grids of it are not used again."""
    school.grid_version = new_grid_version()


class ByteLRU:
    """A thread-safe mapping of keys to bytes, bounded by the total length of its values."""

    def __init__(self, max_bytes):
        self.max_bytes, self.size = max_bytes, 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    def get(self, key):
        """The value of the key (now the most recently used), or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        """Store the value, dropping the least recently used entries beyond the bound."""
        if len(value) > self.max_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            self.size += len(value) - (len(previous) if previous is not None else 0)
            self._entries[key] = value
            while self.size > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)


def _store():
    """The app's cache (one per process, made on first use)."""
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        limit = current_app.config.get("JOURNAL_GRID_CACHE_BYTES", MAX_BYTES)
        store = current_app.extensions.setdefault(EXTENSION, ByteLRU(limit))
    return store


def grid_key(frame):
    """What the rendered grid depends on: the school's data (its stamp), the quarter, today, language."""
    return (frame.school.id, frame.school.grid_version, frame.school_class.id, frame.subject.id, frame.period,
            frame.today, str(get_locale()), request.script_root)


def cached_table(frame, render):
    """The grid's markup as UTF-8 from the cache, or render() (a str) stored there first.

    Bytes, not text: the page is sent as bytes anyway, and decoding and encoding a quarter's
    table again would cost more than decompressing it.
    """
    store = _store()
    if not store.max_bytes:
        return render().encode()
    key = grid_key(frame)
    blob = store.get(key)
    if blob is None:
        data = render().encode()
        store.put(key, zlib.compress(data, LEVEL))
        return data
    return zlib.decompress(blob)
