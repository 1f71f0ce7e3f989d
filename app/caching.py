"""A small per-process cache for what is expensive to compute and rarely changes (each gunicorn worker
keeps its own; the callers name what a value depends on in its key or version)."""

import threading
import time
from collections import OrderedDict

from flask import current_app, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf


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


def app_cache(name, size, ttl_setting, default_ttl):
    """The app's BoundedCache called name (one per process), made on first use with the ttl the setting
    gives (seconds; 0 means the caller does not cache)."""
    kept = current_app.extensions.get(name)
    if kept is None:
        ttl = float(current_app.config.get(ttl_setting, default_ttl))
        kept = current_app.extensions[name] = BoundedCache(size, ttl)
    return kept


def cache_enabled(ttl_setting, default_ttl):
    """Whether the setting leaves a cache on (a ttl of 0 turns it off)."""
    return bool(current_app.config.get(ttl_setting, default_ttl))


def shared_page_key(*parts):
    """A key for a page rendered alike for many readers: its parts, the language and the mount point."""
    return (*parts, str(get_locale()), request.script_root)


def page_key(*parts):
    """A key for a page rendered for one browser session: as shared_page_key, with the session's CSRF
    token (the forms in a kept page carry a token that session accepts)."""
    generate_csrf()  # the session gets its token now if it has none yet
    return shared_page_key(*parts, session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
