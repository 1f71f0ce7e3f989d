"""Russian analyzer: words → lowercase, ё→е, every pymorphy3 lemma of the word, stop words dropped.

The same terms feed both backends (whoosh fields and PostgreSQL tsvector columns), the query
builder and the snippet highlighter, so a word form found in the index is also marked in a snippet.
"""

import functools
import re
from dataclasses import dataclass

# A word is a run of letters/digits; hyphenated words («онлайн-журнал») are kept whole too.
WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
CYRILLIC_RE = re.compile(r"[а-я]")
DIGIT_RE = re.compile(r"\d")
MAX_WORD_LENGTH = 60

STOP_WORDS = frozenset(
    """
    и в во на с со по не ни что как для к ко а о об обо из у за от до же ли бы б это то но или да
    ну при под над без так там тут вот уже еще ее его их им ей ему он она оно они мы вы я ты все всё
    был была были было быть есть чтобы чем где когда если то-то
    """.replace("ё", "е").split()
)


def normalize(text):
    """Lowercase and fold ё into е (the same length, so offsets stay valid)."""
    return text.lower().replace("ё", "е")


@functools.lru_cache(maxsize=1)
def morph():
    """The process-wide pymorphy3 analyzer (loading the dictionaries takes a while)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _clean_lemma(lemma):
    # Hyphens would split a term again in PostgreSQL's parser: «кто-то» is indexed as «ктото».
    return normalize(lemma).replace("-", "")


@functools.lru_cache(maxsize=400_000)
def word_lemmas(word):
    """Index terms of one normalized word: () for stop words, every distinct dictionary lemma otherwise.

    An ambiguous form gives all its lemmas («стали» → стать, сталь); an unknown Russian word gives
    pymorphy's best guess; words without Cyrillic letters (Latin, numbers) and words with digits
    («т-000123», «5а») are kept as they are.
    """
    if word in STOP_WORDS or len(word) > MAX_WORD_LENGTH or (len(word) == 1 and not word.isdigit()):
        return ()  # single letters («s» of «журнал's», initials) are noise; single digits are not
    if not CYRILLIC_RE.search(word) or DIGIT_RE.search(word):
        # A word with digits has no forms to find, and guessing them is pymorphy's slowest path:
        # each ticket number is a new such word.
        return (word.replace("-", ""),)
    parses = morph().parse(word)
    known = [parse.normal_form for parse in parses if parse.is_known]
    candidates = known or [parses[0].normal_form]
    return tuple(dict.fromkeys(_clean_lemma(lemma) for lemma in candidates))


def index_terms(text):
    """Every term of a text in order (with repeats, for term frequencies); fast path for indexing."""
    terms = []
    extend = terms.extend
    for word in WORD_RE.findall(normalize(text or "")):
        if "-" in word:
            for part in word.split("-"):
                extend(word_lemmas(part))
        extend(word_lemmas(word))
    return terms


@dataclass(frozen=True)
class QueryWord:
    """A word of a query: its place in the original text and its term choices."""

    start: int
    end: int
    word: str
    lemmas: frozenset
    parts: tuple = ()  # lemma sets of the parts of a hyphenated word


def query_words(text):
    """The words of a query with their lemmas; stop words are left out."""
    result = []
    for match in WORD_RE.finditer(text or ""):
        word = normalize(match.group())
        lemmas = frozenset(word_lemmas(word))
        parts = ()
        if "-" in word:
            parts = tuple(frozenset(word_lemmas(part)) for part in word.split("-"))
            parts = tuple(part for part in parts if part)
        if lemmas:
            result.append(QueryWord(match.start(), match.end(), word, lemmas, parts))
    return result


def matching_spans(text, terms):
    """(start, end, matched terms) of the words of text that have a lemma among terms (hyphen parts too)."""
    isdisjoint = terms.isdisjoint
    for match in WORD_RE.finditer(normalize(text)):
        word = match.group()
        lemmas = word_lemmas(word)
        if "-" in word:
            lemmas = lemmas + tuple(lemma for part in word.split("-") for lemma in word_lemmas(part))
        if not isdisjoint(lemmas):
            yield match.start(), match.end(), terms.intersection(lemmas)
