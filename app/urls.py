"""URL helpers shared by views."""

from urllib.parse import urlsplit


def safe_next_url(target):
    """Return target only if it is a path on this site (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
