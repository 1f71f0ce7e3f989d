"""OPORA_SEARCH_BACKEND=postgres: the analyzed terms in search_documents, matched with full-text search.

The analyzer's terms (lemmas) are stored as space-separated strings per weight class; the migration
adds a generated column `tsv` = setweight(to_tsvector('simple', title_terms), 'A') || … tags B,
summary C, body D, with a GIN index. A change is written in the caller's transaction: it is
remembered in the session and upserted just before the commit (so the caller may call
document_changed before or after changing the object), inside a savepoint so that an indexing
failure never loses the caller's data (the change is then queued in search_pending instead).
"""

import logging

from sqlalchemy import bindparam, delete, event, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.search import registry
from app.search.documents import RawHit, analyze_document
from app.search.models import CHANGE, REMOVE, IndexedDocument, SearchPending, SearchTerm

log = logging.getLogger(__name__)

CHANGES_KEY = "search_changes"
# ts_rank weights for D (body), C (summary), B (tags), A (title): the same 1:2:3:4 as the whoosh boosts;
# normalization 1 (rank / (1 + log(length))) keeps long documents from winning by sheer size, like BM25.
RANK_WEIGHTS = "{0.25, 0.5, 0.75, 1.0}"
TERM_BATCH = 5000


class PostgresBackend:
    """Search with PostgreSQL full-text columns; see the module docstring."""

    name = "postgres"

    # --- changes ---------------------------------------------------------------------------------

    def document_changed(self, kind, object_id):
        """Upsert the document's row when the caller's transaction commits."""
        db.session().info.setdefault(CHANGES_KEY, {})[(kind, object_id)] = CHANGE

    def document_removed(self, kind, object_id):
        """Delete the document's row when the caller's transaction commits."""
        db.session().info.setdefault(CHANGES_KEY, {})[(kind, object_id)] = REMOVE

    def apply_pending(self, limit=None):
        """Rows are written in the caller's transaction; only changes that failed there are retried."""
        statement = select(SearchPending).order_by(SearchPending.id).limit(limit)
        rows = list(db.session.scalars(statement))
        if not rows:
            return 0
        try:
            write_changes(db.session(), {(row.kind, row.object_id): row.action for row in rows})
            db.session.execute(delete(SearchPending).where(SearchPending.id.in_([row.id for row in rows])))
            db.session.commit()
        except Exception:  # noqa: BLE001 — never break the caller; the rows stay queued
            db.session.rollback()
            log.exception("search rows not written; the changes stay queued")
            return 0
        return len(rows)

    # --- rebuilding --------------------------------------------------------------------------------

    def reindex(self, progress=None):
        """Rebuild every row (and the vocabulary) from the providers in one transaction."""
        work = [(provider.kind, registry.all_ids(provider.kind)) for provider in registry.providers()]
        total = sum(len(ids) for _kind, ids in work)
        session = db.session()
        session.execute(delete(IndexedDocument))
        session.execute(delete(SearchTerm))
        vocabulary, done = set(), 0
        for kind, ids in work:
            for offset in range(0, len(ids), registry.BATCH):
                batch = ids[offset:offset + registry.BATCH]
                analyzed = [analyze_document(doc) for doc in registry.load_documents(kind, batch).values()]
                if analyzed:
                    session.execute(insert(IndexedDocument), [_row(item) for item in analyzed])
                    vocabulary.update(*(_terms(item) for item in analyzed))
                done += len(batch)
                if progress:
                    progress(done, total)
        _insert_terms(session, vocabulary)
        session.execute(delete(SearchPending))
        session.commit()
        session.execute(text("ANALYZE search_documents"))  # fresh statistics for the planner
        session.commit()
        return total

    # --- reading -----------------------------------------------------------------------------------

    def search(self, plan, filters, page, per_page, mode="and"):
        """(raw hits of the page, total) for a query plan."""
        if filters.empty():
            return [], 0
        where, params = _where(filters)
        params.update(tsq=plan_tsquery(plan, mode), limit=per_page, offset=(page - 1) * per_page)
        rows = _read(_statement(
            "SELECT d.kind, d.object_id, d.slug, d.title, d.url, d.summary, d.body_text, "
            f"ts_rank('{RANK_WEIGHTS}', d.tsv, query, 1) AS score "
            f"FROM search_documents d, to_tsquery('simple', :tsq) query WHERE {where} "
            "ORDER BY score DESC, d.updated_at DESC NULLS LAST, d.id LIMIT :limit OFFSET :offset", filters),
            params)
        hits = [RawHit(kind=row.kind, id=row.object_id, slug=row.slug, title=row.title, url=row.url,
                       summary=row.summary, text=row.body_text, score=float(row.score)) for row in rows]
        total = len(hits) + params["offset"] if 0 < len(hits) < per_page else self._count(where, params,
                                                                                           filters)
        return hits, total

    def remembered(self, _key, compute):
        """compute()'s value: not kept (no cheap signal says when the documents table changed)."""
        return compute()

    def count(self, plan, filters):
        """How many documents match."""
        if filters.empty():
            return 0
        where, params = _where(filters)
        params["tsq"] = plan_tsquery(plan, "and")
        return self._count(where, params, filters)

    def _count(self, where, params, filters):
        return _read(_statement(
            f"SELECT count(*) FROM search_documents d, to_tsquery('simple', :tsq) query WHERE {where}",
            filters), params)[0][0]

    def state(self):
        """None: only a query could tell whether the documents changed."""
        return None

    def known_terms(self, terms):
        """The terms that occur in some document."""
        terms = sorted(terms)
        if not terms:
            return set()
        statement = text(
            "SELECT t FROM unnest(CAST(:terms AS text[])) AS t WHERE EXISTS "
            "(SELECT 1 FROM search_documents d WHERE d.tsv @@ plainto_tsquery('simple', t))")
        return {row[0] for row in _read(statement, {"terms": terms})}

    def generation(self):
        """Changes whenever new terms were added to the vocabulary."""
        return db.session.scalar(select(func.max(SearchTerm.id)))

    def vocabulary(self):
        """Every term ever indexed since the last rebuild (a few may be gone: suggestions are checked)."""
        return set(db.session.scalars(select(SearchTerm.term)))

    def doc_frequency(self, term):
        """In how many documents a term occurs."""
        statement = text("SELECT count(*) FROM search_documents d "
                         "WHERE d.tsv @@ plainto_tsquery('simple', :t)")
        return _read(statement, {"t": term})[0][0]


def _read(statement, params):
    """Rows of a query over search_documents, made to use the GIN index.

    The planner does not count the cost of reading each row's large tsvector, so without help it
    prefers scanning the whole table (tens of milliseconds at 10,000 articles) to the GIN index.
    """
    session = db.session
    session.execute(text("SET LOCAL enable_seqscan = off"))
    rows = session.execute(statement, params).all()
    session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
    return rows


def _statement(sql, filters):
    statement = text(sql).bindparams(bindparam("kinds", expanding=True),
                                     bindparam("audiences", expanding=True))
    if filters.category_ids is not None:
        statement = statement.bindparams(bindparam("categories", expanding=True))
    if filters.scope_keys is not None:
        statement = statement.bindparams(bindparam("scopes", expanding=True))
    return statement


def _where(filters):
    clauses = ["d.tsv @@ query", "d.kind IN :kinds", "d.audience IN :audiences"]
    params = {"kinds": list(filters.kinds), "audiences": list(filters.audiences)}
    if filters.category_ids is not None:
        clauses.append("d.category_id IN :categories")
        params["categories"] = [int(value) for value in filters.category_ids]
    if filters.scope_keys is not None:
        clauses.append("d.scope_key IN :scopes")
        params["scopes"] = [str(value) for value in filters.scope_keys]
    return " AND ".join(clauses), params


def _quote(term, label=""):
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'" + label


def _alternative(alternative, label):
    words = ("(" + " | ".join(_quote(term, label) for term in sorted(lemmas)) + ")" for lemmas in alternative)
    return " & ".join(words)


def _clause(clause, label):
    options = [f"({_alternative(alternative, label)})" for alternative in clause.alternatives]
    if clause.prefix:
        options.append(_quote(clause.prefix, ":*" + label.lstrip(":")))
    return "(" + " | ".join(options) + ")"


def plan_tsquery(plan, mode="and"):
    """The tsquery of a plan: every clause anywhere ("and"), or any clause in the title or tags ("head")."""
    if mode == "and":
        return " & ".join(_clause(clause, "") for clause in plan.clauses)
    # Weight labels restrict a lexeme to the title (A) and the tags (B): 'журнал':AB, 'журн':*AB.
    return " | ".join(_clause(clause, ":AB") for clause in plan.clauses)


def _terms(analyzed):
    return set(analyzed.title_terms) | set(analyzed.tags_terms) | set(analyzed.summary_terms) | set(
        analyzed.body_terms)


def _row(analyzed):
    doc = analyzed.doc
    return {
        "kind": doc.kind, "object_id": doc.id, "slug": doc.slug or "", "title": doc.title or "",
        "summary": doc.summary or "", "url": doc.url or "", "body_text": analyzed.text,
        "audience": doc.audience, "category_id": doc.category_id,
        "scope_key": str(doc.scope_key) if doc.scope_key else None, "updated_at": doc.updated_at,
        "title_terms": " ".join(analyzed.title_terms), "tags_terms": " ".join(analyzed.tags_terms),
        "summary_terms": " ".join(analyzed.summary_terms), "body_terms": " ".join(analyzed.body_terms),
    }


def _insert_terms(session, terms):
    # Sorted, so concurrent transactions take the rows' locks in the same order (no deadlock).
    ordered = sorted(terms)
    for offset in range(0, len(ordered), TERM_BATCH):
        batch = [{"term": term} for term in ordered[offset:offset + TERM_BATCH]]
        session.execute(insert(SearchTerm).values(batch).on_conflict_do_nothing(index_elements=["term"]))


def write_changes(session, changes):
    """Upsert or delete the rows of {(kind, id): action} in the session's transaction."""
    by_kind = {}
    for (kind, object_id), action in changes.items():
        by_kind.setdefault(kind, []).append((object_id, action))
    for kind, items in by_kind.items():
        wanted = [object_id for object_id, action in items if action == CHANGE]
        documents = registry.load_documents(kind, wanted) if wanted else {}
        for object_id, _action in items:
            _write_one(session, kind, object_id, documents.get(object_id))


def _write_one(session, kind, object_id, doc):
    if doc is None:
        session.execute(delete(IndexedDocument).where(IndexedDocument.kind == kind,
                                                      IndexedDocument.object_id == object_id))
        return
    analyzed = analyze_document(doc)
    row = _row(analyzed)
    statement = insert(IndexedDocument).values(row)
    session.execute(statement.on_conflict_do_update(
        index_elements=["object_id", "kind"],
        set_={name: statement.excluded[name] for name in row if name not in ("kind", "object_id")}))
    _insert_terms(session, _terms(analyzed))


@event.listens_for(Session, "before_commit")
def _write_before_commit(session):
    """Write the remembered changes just before the caller's commit, inside a savepoint."""
    if session.get_nested_transaction() is not None:
        return  # a savepoint is being released; the real commit comes later
    changes = session.info.pop(CHANGES_KEY, None)
    if not changes:
        return
    try:
        # A savepoint of the connection, not session.begin_nested(): the latter would look like
        # one more commit to whoever listens to the session's commit events.
        with session.connection().begin_nested():
            write_changes(session, changes)
    except Exception as exc:  # noqa: BLE001 — the caller's data matter more than the index
        log.warning("search rows not written, queued for later: %s", exc)
        for (kind, object_id), action in changes.items():
            session.add(SearchPending(kind=kind, object_id=object_id, action=action, attempts=1,
                                      last_error=f"{type(exc).__name__}: {exc}"[:1000]))


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    """A rolled back transaction changed nothing: forget its remembered changes."""
    session.info.pop(CHANGES_KEY, None)
