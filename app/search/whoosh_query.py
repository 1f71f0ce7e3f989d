"""Whoosh side of reading: the schema, plans as whoosh queries, and the per-thread open searcher.

Two scored fields keep the query small (every term is looked up in two fields, not four):
`head` holds the title (each occurrence counted twice) and the tags, `text` holds the summary
(counted twice) and the body; a head match weighs HEAD_BOOST times a text match. Totals of «and»
queries are computed from cached per-term document sets instead of a second pass of the matcher; a set
is kept as the bits of one int (1.25 KB for 10,000 documents, where a frozenset of ints takes 100 times
that).
"""

import logging
import operator
import os
import threading
from collections import OrderedDict
from functools import reduce

from whoosh import index as whoosh_index
from whoosh import query as q
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.system import pack_uint

log = logging.getLogger(__name__)

HEAD_BOOST = 3.0
SCORED_FIELDS = (("head", HEAD_BOOST), ("text", 1.0))
TERM_SETS_CACHED = 512
FILTER_SETS_CACHED = 16  # a set of whoosh's own (it filters with sets), up to 0.5 MB each
RESULTS_CACHED = 256  # whole answers (a page of hits with snippets), kept while the index is unchanged


class LemmaField(TEXT):
    """A text field fed with already analyzed terms: a {term: frequency} mapping."""

    def __init__(self):
        super().__init__(analyzer=SpaceSeparatedTokenizer(), phrase=False)

    def index(self, value, **kwargs):
        """Postings straight from the counted terms (the analyzer already ran)."""
        for term, freq in value.items():
            yield term.encode("utf-8"), freq, float(freq), pack_uint(freq)


def make_schema():
    """Stored values for hits, filter fields, and the two scored fields."""
    return Schema(
        key=ID(unique=True, stored=True), kind=ID(stored=True), oid=STORED, slug=STORED, title=STORED,
        url=STORED, summary=STORED, text_stored=STORED, audience=ID, category=ID, scope=ID,
        head=LemmaField(), text=LemmaField(),
    )


def open_index(path):
    """The index at path; RuntimeError when it was built with another schema (an older version)."""
    # Read through the file, not mmap: whoosh copies every mapped part it opens (postings, stored
    # fields) into a private buffer, some 50 MB per worker for 10,000 guides; reads go through the
    # page cache the workers share instead.
    ix = FileStorage(path, supports_mmap=False).open_index()
    if sorted(ix.schema.names()) != sorted(make_schema().names()):
        raise RuntimeError(f"the search index in {path} has an outdated layout: run `opora search reindex`")
    return ix


def document_fields(analyzed):
    """The whoosh fields of an analyzed document."""
    doc = analyzed.doc
    title, tags, summary, body = analyzed.counts()
    fields = {"key": analyzed.key, "kind": doc.kind, "oid": doc.id, "slug": doc.slug or "",
              "title": doc.title or "", "url": doc.url or "", "summary": doc.summary or "",
              "text_stored": analyzed.text, "audience": doc.audience}
    if doc.category_id is not None:
        fields["category"] = str(doc.category_id)
    if doc.scope_key:
        fields["scope"] = str(doc.scope_key)
    head = title + title + tags
    text = summary + summary + body
    if head:
        fields["head"] = head
    if text:
        fields["text"] = text
    return fields


def _alternative_query(alternative, fields):
    words = [q.Or([q.Term(name, term, boost=boost) for term in sorted(lemmas) for name, boost in fields])
             for lemmas in alternative]
    return words[0] if len(words) == 1 else q.And(words)


def _clause_query(clause, fields):
    options = [_alternative_query(alternative, fields) for alternative in clause.alternatives]
    if clause.prefix:
        options.append(q.Prefix("head", clause.prefix))
    return options[0] if len(options) == 1 else q.Or(options)


def plan_query(plan, mode="and"):
    """The whoosh query of a plan: every clause in any field ("and"), or any clause in the head ("head")."""
    fields = SCORED_FIELDS if mode == "and" else SCORED_FIELDS[:1]
    clauses = [_clause_query(clause, fields) for clause in plan.clauses]
    if len(clauses) == 1:
        return clauses[0]
    return q.And(clauses) if mode == "and" else q.Or(clauses)


def _any_of(field, values):
    return q.Or([q.Term(field, str(value)) for value in values])


def filter_query(filters):
    """Kinds, audiences, categories and scopes as an unscored query."""
    parts = [_any_of("kind", filters.kinds), _any_of("audience", filters.audiences)]
    if filters.category_ids is not None:
        parts.append(_any_of("category", filters.category_ids))
    if filters.scope_keys is not None:
        parts.append(_any_of("scope", filters.scope_keys))
    return q.And(parts)


def _bitmap(docnums):
    """Document numbers as the bits of one int (bit n set for document n)."""
    docnums = list(docnums)
    if not docnums:
        return 0
    bits = bytearray(max(docnums) // 8 + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


class _Cache(OrderedDict):
    """A small LRU mapping."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def remember(self, key, value):
        """Store a value, forgetting the least recently used one when full."""
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value

    def recall(self, key):
        """The value of a key (marked as recently used), or None."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


class Handle:
    """An open searcher with the document sets of terms and filters used with it."""

    def __init__(self, inode, generation, searcher):
        self.inode = inode
        self.generation = generation  # of the index when opened (an empty index's reader has none)
        self.searcher = searcher
        self._filters = _Cache(FILTER_SETS_CACHED)
        self._terms = _Cache(TERM_SETS_CACHED)
        self._results = _Cache(RESULTS_CACHED)

    def remembered(self, key, compute):
        """compute()'s value, computed once for this state of the index (the handle lives as long)."""
        found = self._results.recall(key)
        return found if found is not None else self._results.remember(key, compute())

    def allowed(self, filters):
        """Document numbers that pass the filters."""
        return self._filter_sets(filters)[0]

    def _filter_sets(self, filters):
        """(set, bitmap) of the documents that pass the filters."""
        found = self._filters.recall(filters)
        if found is None:
            # A plain set: whoosh accepts set filters, not frozensets (the set is only read).
            docs = set(filter_query(filters).docs(self.searcher))
            found = self._filters.remember(filters, (docs, _bitmap(docs)))
        return found

    def term_docs(self, term):
        """Document numbers containing a term in a scored field, as a bitmap."""
        found = self._terms.recall(term)
        if found is None:
            reader = self.searcher.reader()
            docs = []
            for name, _boost in SCORED_FIELDS:
                if reader.doc_frequency(name, term):
                    docs.extend(reader.postings(name, term).all_ids())
            found = self._terms.remember(term, _bitmap(docs))
        return found

    def occurs(self, term):
        """Whether some document has the term in a scored field (cheaper than its document set)."""
        reader = self.searcher.reader()
        return any(reader.doc_frequency(name, term) for name, _boost in SCORED_FIELDS)

    def count(self, plan, filters):
        """Documents matching every clause of the plan and the filters (set algebra, no scoring)."""
        docs = self._filter_sets(filters)[1]
        for clause in plan.clauses:
            docs &= self._clause_docs(clause)
            if not docs:
                break
        return docs.bit_count()

    def _clause_docs(self, clause):
        docs = 0
        for alternative in clause.alternatives:
            sets = (reduce(operator.or_, map(self.term_docs, lemmas), 0) for lemmas in alternative)
            docs |= reduce(operator.and_, sets)
        return docs

    def doc_frequency(self, term):
        """Documents containing the term."""
        return self.term_docs(term).bit_count()

    def vocabulary(self):
        """Every term of the scored fields."""
        reader = self.searcher.reader()
        words = set()
        for name, _boost in SCORED_FIELDS:
            words.update(term.decode("utf-8") for term in reader.lexicon(name))
        return words


class _Opened(threading.local):
    """Per-thread open handles (whoosh searchers are not shared between threads)."""

    def __init__(self):
        self.handles = {}


_opened = _Opened()


def open_handle(path):
    """This thread's handle of the index at path, reopened when it changed or was rebuilt; or None."""
    try:
        inode = os.stat(path).st_ino
    except FileNotFoundError:
        return None
    handle = _opened.handles.get(path)
    if handle is not None and (handle.inode != inode or not handle.searcher.up_to_date()):
        # A fresh searcher rather than refresh(): whoosh's reader reuse can bring back
        # segments (and deleted documents) of the previous generation.
        handle.searcher.close()
        handle = None
    if handle is None:
        if not whoosh_index.exists_in(path):
            return None
        try:
            ix = open_index(path)
            handle = Handle(inode, ix.latest_generation(), ix.searcher())
        except Exception:  # noqa: BLE001 — an unreadable index finds nothing; pages keep working
            log.exception("search index unreadable; rebuild it with `opora search reindex`")
            return None
        _opened.handles[path] = handle
    return handle

