"""«Did you mean»: a query word unknown to the index is replaced by the closest indexed term.

The vocabulary (the index's terms, bucketed by length) is cached per process and rebuilt when the
backend reports a new generation of the index.
"""

import re

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from app.search.query import replace_clauses

MIN_LENGTH = 3
CANDIDATES = 8
_NOT_A_WORD = re.compile(r"\d")
_cache = {}


def forget():
    """Drop the cached vocabularies (after a rebuild)."""
    _cache.clear()


def prepare(engine):
    """Build the vocabulary of the engine's index now rather than at the first misspelt query."""
    _vocabulary(engine)


def max_distance(word):
    """Edits allowed: none below 3 letters, 1 up to 5 letters, 2 for longer words."""
    if len(word) < MIN_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2


def _vocabulary(engine):
    key = (engine.name, getattr(engine, "path", None))
    generation = engine.generation()
    cached = _cache.get(key)
    if cached is None or cached[0] != generation:
        buckets = {}
        for term in engine.vocabulary():
            if not _NOT_A_WORD.search(term):
                buckets.setdefault(len(term), []).append(term)
        cached = (generation, buckets)
        _cache[key] = cached
    return cached[1]


def closest(words, engine):
    """The vocabulary term nearest to any of the words (a surface form and its lemmas), or None."""
    buckets = None
    found = []
    for word in words:
        distance = max_distance(word)
        if not distance or _NOT_A_WORD.search(word):
            continue
        buckets = buckets if buckets is not None else _vocabulary(engine)
        candidates = [term for size in range(len(word) - distance, len(word) + distance + 1)
                      for term in buckets.get(size, ())]
        found.extend(process.extract(word, candidates, scorer=DamerauLevenshtein.distance,
                                     score_cutoff=distance, limit=CANDIDATES))
    if not found:
        return None
    best = min(score for _term, score, _index in found)
    tied = sorted({term for term, score, _index in found if score == best})
    # Among equally close terms prefer the most common one.
    return max(tied, key=engine.doc_frequency) if len(tied) > 1 else tied[0]


def correct(plan, engine):
    """The plan with its unknown words corrected, or None when there is nothing to correct."""
    words = {index: clause for index, clause in enumerate(plan.clauses) if clause.correctable}
    if not words:
        return None
    known = engine.known_terms(set().union(*(clause.terms() | {clause.word} for clause in words.values())))
    replacements = {}
    for index, clause in words.items():
        if (clause.terms() | {clause.word}) & known:
            continue
        term = closest([clause.word, *sorted(clause.terms())], engine)
        if term:
            replacements[index] = term
    return replace_clauses(plan, replacements) if replacements else None
