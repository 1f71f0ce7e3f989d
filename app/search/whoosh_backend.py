"""The default backend: a whoosh index under instance/search-index, written after the commit.

Changes are queued in search_pending inside the caller's transaction and applied after its commit
with one writer; a writer that cannot get the lock (another gunicorn worker is writing) waits with
a timeout and retries, and whatever still fails stays pending for the next call.
"""

import logging
import os
import shutil
import time
import uuid

from flask import current_app
from sqlalchemy import delete, func, select, update
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from app.extensions import db
from app.search import registry
from app.search.documents import RawHit, analyze_document
from app.search.models import CHANGE, REMOVE, SearchPending
from app.search.whoosh_query import document_fields, make_schema, open_handle, open_index, plan_query

log = logging.getLogger(__name__)
WRITE_LOCK = "MAIN_WRITELOCK"  # the file whoosh's writers lock (index name MAIN)


def index_path():
    """Where the index lives: SEARCH_INDEX_PATH, or instance/search-index."""
    return current_app.config.get("SEARCH_INDEX_PATH") or os.path.join(current_app.instance_path,
                                                                        "search-index")


class WhooshBackend:
    """Search over a whoosh index; see the module docstring."""

    name = "whoosh"

    def __init__(self, path=None):
        self.path = path or index_path()

    # --- changes ---------------------------------------------------------------------------------

    def document_changed(self, kind, object_id):
        """Queue the change in the caller's transaction."""
        db.session.add(SearchPending(kind=kind, object_id=object_id, action=CHANGE))

    def document_removed(self, kind, object_id):
        """Queue the removal in the caller's transaction."""
        db.session.add(SearchPending(kind=kind, object_id=object_id, action=REMOVE))

    def apply_pending(self, limit=None):
        """Write queued changes with one writer; on failure they stay queued. Returns how many applied."""
        if db.session.scalar(select(SearchPending.id).limit(1)) is None:
            return 0
        try:
            return self._apply(limit)
        except Exception as exc:  # noqa: BLE001 — the index must never break the caller
            db.session.rollback()
            log.warning("search index update postponed: %s", exc)
            self._postpone(limit, exc)
            return 0

    def _apply(self, limit):
        ix = self._ensure_index()
        writer = self._writer(ix)
        try:
            # Read the queue and the documents while holding the lock: a concurrent writer then
            # cannot overwrite a newer state with an older one.
            rows = self._pending_rows(limit)
            for kind, ids in _group(rows).items():
                documents = registry.load_documents(kind, ids)
                for object_id in ids:
                    self._write(writer, kind, object_id, documents.get(object_id))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        db.session.execute(delete(SearchPending).where(SearchPending.id.in_([row.id for row in rows])))
        db.session.commit()
        return len(rows)

    def _write(self, writer, kind, object_id, doc):
        if doc is None:
            writer.delete_by_term("key", f"{kind}:{object_id}")
        else:
            writer.update_document(**document_fields(analyze_document(doc)))

    def _pending_rows(self, limit):
        statement = select(SearchPending).order_by(SearchPending.id)
        if limit:
            statement = statement.limit(limit)
        return list(db.session.scalars(statement))

    def _postpone(self, limit, exc):
        try:
            ids = [row.id for row in self._pending_rows(limit)]
            db.session.execute(update(SearchPending).where(SearchPending.id.in_(ids)).values(
                attempts=SearchPending.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000]))
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            log.exception("could not record the postponed search changes")

    def _writer(self, ix):
        """A writer, waiting for the lock up to SEARCH_LOCK_TIMEOUT seconds, SEARCH_LOCK_ATTEMPTS times."""
        timeout = float(current_app.config.get("SEARCH_LOCK_TIMEOUT", 2.0))
        attempts = int(current_app.config.get("SEARCH_LOCK_ATTEMPTS", 3))
        for attempt in range(attempts):
            try:
                return ix.writer(timeout=timeout, delay=0.02)
            except LockError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.1 * 2 ** attempt)
        raise LockError("no attempts configured")

    def _ensure_index(self):
        if not whoosh_index.exists_in(self.path):
            log.warning("no search index in %s: starting an empty one (`opora search reindex` fills it)",
                        self.path)
            os.makedirs(self.path, exist_ok=True)
            whoosh_index.create_in(self.path, make_schema())
        return open_index(self.path)

    # --- rebuilding --------------------------------------------------------------------------------

    def reindex(self, progress=None):
        """Build a new index in a temporary folder from the providers and swap it in."""
        first_unqueued = (db.session.scalar(select(func.max(SearchPending.id))) or 0) + 1
        work = [(provider.kind, registry.all_ids(provider.kind)) for provider in registry.providers()]
        fresh = f"{self.path}.new-{uuid.uuid4().hex[:8]}"
        # Hold the old index's lock: changes made meanwhile stay queued instead of going into
        # an index that is about to be replaced.
        old_lock = self._lock_old_index()
        try:
            total = _build(fresh, work, progress)
            retired = self._swap(fresh)
        finally:
            if old_lock is not None:
                old_lock.release()
            shutil.rmtree(fresh, ignore_errors=True)
        if retired:
            shutil.rmtree(retired, ignore_errors=True)
        # Changes queued before the rebuild started are in the new index; later ones are applied now.
        db.session.execute(delete(SearchPending).where(SearchPending.id < first_unqueued))
        db.session.commit()
        self.apply_pending()
        return total

    def _lock_old_index(self):
        """The write lock of the current index (None when there is no index yet)."""
        if not os.path.isdir(self.path):
            return None
        # The writers' lock file, taken without reading the index (which may be unreadable).
        lock = FileStorage(self.path).lock(WRITE_LOCK)
        timeout = float(current_app.config.get("SEARCH_LOCK_TIMEOUT", 2.0))
        attempts = int(current_app.config.get("SEARCH_LOCK_ATTEMPTS", 3))
        if not try_for(lock.acquire, timeout=timeout * attempts, delay=0.05):
            raise LockError("the search index is locked by another writer; try again later")
        return lock

    def _swap(self, fresh):
        """Put the fresh index in place; returns the retired folder to delete (or None)."""
        retired = None
        if os.path.exists(self.path):
            retired = f"{self.path}.old-{uuid.uuid4().hex[:8]}"
            os.rename(self.path, retired)
        os.rename(fresh, self.path)
        return retired

    # --- reading -----------------------------------------------------------------------------------

    def search(self, plan, filters, page, per_page, mode="and"):
        """(raw hits of the page, total) for a query plan."""
        handle = open_handle(self.path)
        if handle is None or filters.empty():
            return [], 0
        limit = page * per_page
        results = handle.searcher.search(plan_query(plan, mode), limit=limit, filter=handle.allowed(filters))
        hits = [_raw_hit(hit) for hit in results[(page - 1) * per_page:limit]]
        if results.scored_length() < limit:
            return hits, results.scored_length()  # every match was collected
        return hits, handle.count(plan, filters) if mode == "and" else len(results)

    def remembered(self, key, compute):
        """compute()'s value, kept with this thread's open searcher: forgotten when the index changes."""
        handle = open_handle(self.path)
        return compute() if handle is None else handle.remembered(key, compute)

    def count(self, plan, filters):
        """How many documents match."""
        handle = open_handle(self.path)
        return 0 if handle is None or filters.empty() else handle.count(plan, filters)

    def generation(self):
        """An identity of the index's current state (changes whenever the index does)."""
        handle = open_handle(self.path)
        return (handle.inode, handle.generation) if handle else None

    def state(self):
        """The index's generation: every change of a document makes a new one."""
        return self.generation()

    def known_terms(self, terms):
        """The terms that occur in the index."""
        handle = open_handle(self.path)
        return {term for term in terms if handle.occurs(term)} if handle else set()

    def vocabulary(self):
        """Every indexed term."""
        handle = open_handle(self.path)
        return handle.vocabulary() if handle else set()

    def doc_frequency(self, term):
        """In how many documents a term occurs."""
        handle = open_handle(self.path)
        return handle.doc_frequency(term) if handle else 0


def _build(folder, work, progress):
    """Write every document of work [(kind, ids)] into a new index in folder with one writer."""
    os.makedirs(folder)
    writer = whoosh_index.create_in(folder, make_schema()).writer(limitmb=256)
    total = sum(len(ids) for _kind, ids in work)
    done = 0
    try:
        for kind, ids in work:
            for offset in range(0, len(ids), registry.BATCH):
                batch = ids[offset:offset + registry.BATCH]
                for doc in registry.load_documents(kind, batch).values():
                    writer.add_document(**document_fields(analyze_document(doc)))
                done += len(batch)
                if progress:
                    progress(done, total)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return total


def _group(rows):
    """{kind: [object ids]} in queue order, each id once."""
    grouped = {}
    for row in rows:
        grouped.setdefault(row.kind, {})[row.object_id] = None
    return {kind: list(ids) for kind, ids in grouped.items()}


def _raw_hit(hit):
    return RawHit(kind=hit["kind"], id=hit["oid"], slug=hit["slug"], title=hit["title"], url=hit["url"],
                  summary=hit["summary"], text=hit["text_stored"], score=float(hit.score or 0.0))
