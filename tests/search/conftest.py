"""A test provider of «note» documents kept in memory, and the index in the test's own folder."""

import os
from pathlib import Path

import pytest
import yaml

from app.extensions import db
from app.search import services as search
from app.search.documents import SearchDocument
from app.timeutil import utcnow

KIND = "note"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "progit-ru"

# The PostgreSQL backend runs only when the test database is PostgreSQL (decided at import time).
BACKENDS = ["whoosh"]
if os.environ.get("OPORA_TEST_DATABASE_URL", "").startswith("postgresql"):
    BACKENDS.append("postgres")


class Notes:
    """Documents of kind «note»: put() changes one the way a feature's service would."""

    def __init__(self):
        self.docs = {}

    def load(self, ids):
        """The provider's load()."""
        return [self.docs[object_id] for object_id in ids if object_id in self.docs]

    def all_ids(self):
        """The provider's all_ids()."""
        return sorted(self.docs)

    def put(self, object_id, title, body="", summary="", tags=(), category_id=None, audience="public",
            scope_key=None):
        """Store a note, notify the index in the transaction, commit, then apply."""
        self.docs[object_id] = SearchDocument(
            kind=KIND, id=object_id, slug=f"note-{object_id}", title=title, summary=summary, body=body,
            tags=list(tags), category_id=category_id, audience=audience, scope_key=scope_key,
            url=f"/notes/{object_id}", updated_at=utcnow(),
        )
        search.document_changed(KIND, object_id)
        db.session.commit()
        search.apply_pending()
        return self.docs[object_id]

    def remove(self, object_id):
        """Delete a note and tell the index."""
        self.docs.pop(object_id, None)
        search.document_removed(KIND, object_id)
        db.session.commit()
        search.apply_pending()


@pytest.fixture
def notes(app):
    """The «note» provider, registered for the test."""
    store = Notes()
    search.register_provider(KIND, store.load, store.all_ids)
    yield store
    search.unregister_provider(KIND)


def corpus_documents(kind=KIND):
    """The progit-ru articles as search documents (id = position in the sorted file list)."""
    docs = {}
    for number, path in enumerate(sorted(CORPUS.glob("*.md")), start=1):
        _empty, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        docs[number] = SearchDocument(
            kind=kind, id=number, slug=meta["slug"], title=meta["title"], summary=meta.get("summary") or "",
            body=body, tags=meta.get("tags") or [], audience=meta.get("audience", "public"),
            url=f"/kb/{meta['slug']}", updated_at=utcnow(),
        )
    return docs
