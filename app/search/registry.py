"""Document providers, one per kind: they turn object ids into SearchDocument values."""

from collections.abc import Callable
from dataclasses import dataclass

BATCH = 500


@dataclass(frozen=True)
class Provider:
    """load(ids) → documents of the ids that exist; all_ids() → every id to index (for reindex)."""

    kind: str
    load: Callable
    all_ids: Callable | None = None


_providers = {}


def register_provider(kind, load, all_ids=None):
    """Register (or replace) the provider of a kind; call it at import time of the feature."""
    _providers[kind] = Provider(kind, load, all_ids)


def unregister_provider(kind):
    """Forget a provider (tests)."""
    _providers.pop(kind, None)


def providers():
    """The registered providers."""
    return list(_providers.values())


def provider(kind):
    """The provider of a kind, or None."""
    return _providers.get(kind)


def load_documents(kind, ids):
    """Documents of a kind by id: {id: SearchDocument}; a missing id is a deleted object.

    An unregistered kind raises LookupError: without its provider nothing can be said about the ids
    (and treating them as deleted would empty the index).
    """
    found = _providers.get(kind)
    if found is None:
        raise LookupError(f"no search provider registered for {kind!r}")
    ids = list(ids)
    documents = {}
    for offset in range(0, len(ids), BATCH):
        for doc in found.load(ids[offset:offset + BATCH]):
            documents[doc.id] = doc
    return documents


def all_ids(kind):
    """Every id a provider wants indexed (empty when it cannot list them)."""
    found = _providers.get(kind)
    if found is None or found.all_ids is None:
        return []
    return list(found.all_ids())
