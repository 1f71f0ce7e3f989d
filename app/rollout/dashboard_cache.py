"""Per-process caches of the dashboards' figures: bounded, one set per app (each gunicorn worker has its own).

Entries are kept per scope (the region, each municipality) with the version they were computed for:
- milestone figures: the version names everything they are computed from (the day and the data version
  of the statuses, organizations, plan and appointments in force), so they never outlive the data: a
  school's change shows on the next request of every worker, and a new version replaces the old entry;
- hotline and training figures, kept for FIGURES_TTL seconds (setting ROLLOUT_FIGURES_TTL; 0 turns the
  cache off): these may lag behind new tickets and course completions by that much.
Each set of milestone figures also keeps the HTML the views render from it alone (fragment_cache()).
"""

from flask import current_app

from app.caching import BoundedCache

SCOPES = 64  # the region and the municipalities (30 in the region); each keeps one version of its figures
FIGURES_TTL = 60.0  # seconds
FRAGMENT_ENTRIES = 8  # rendered HTML kept with each set of milestone figures (sort orders × languages)


def fragment_cache():
    """A cache for the HTML rendered from one set of milestone figures; it goes when they go."""
    return BoundedCache(FRAGMENT_ENTRIES)


def _caches():
    caches = current_app.extensions.get("rollout_dashboard_caches")
    if caches is None:
        ttl = float(current_app.config.get("ROLLOUT_FIGURES_TTL", FIGURES_TTL))
        caches = current_app.extensions["rollout_dashboard_caches"] = {
            "milestones": BoundedCache(SCOPES), "figures": BoundedCache(2 * SCOPES, ttl)}
    return caches


def milestone_figures(scope, version, compute):
    """A scope's milestone figures for a version that names every input they are computed from."""
    return _caches()["milestones"].get(scope, compute, version)


def lagging_figures(scope, version, compute):
    """A scope's hotline or training figures, recomputed at most every ROLLOUT_FIGURES_TTL seconds."""
    return _caches()["figures"].get(scope, compute, version)


def clear():
    """Forget every figure this app keeps (the next request computes them afresh)."""
    current_app.extensions.pop("rollout_dashboard_caches", None)
