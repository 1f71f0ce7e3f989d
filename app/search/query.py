"""A query as a plan both backends translate: clauses of alternatives of terms.

A plan is an AND (search) or an OR (suggestions) of clauses. A clause is an OR of alternatives;
an alternative is an AND of words; a word is an OR of its lemmas. «журналы» becomes one clause
with one alternative ({журнал}); «ЭЖ» becomes a clause whose alternatives are ({эж}) and
({электронный}, {журнал}).
"""

from dataclasses import dataclass, field, replace

from app.search import synonyms
from app.search.analyzer import normalize, query_words

MIN_PREFIX = 3
MAX_WORDS = 24  # a pasted page of text is not a query: its first words are enough


@dataclass(frozen=True)
class Clause:
    """One word (or synonym phrase) of the query and the term combinations that satisfy it."""

    start: int
    end: int
    alternatives: tuple  # tuple of alternatives; an alternative is a tuple of frozensets of terms
    correctable: bool = False  # a single plain word: spelling may replace it
    word: str = ""
    prefix: str | None = None  # suggestions: the last, maybe unfinished, word

    def terms(self):
        """Every term this clause may match."""
        return {term for alternative in self.alternatives for lemmas in alternative for term in lemmas}


@dataclass(frozen=True)
class QueryPlan:
    """The analyzed query: its original text and its clauses."""

    text: str
    clauses: tuple = field(default_factory=tuple)

    def terms(self):
        """Every term of the query (for highlighting)."""
        return set().union(*(clause.terms() for clause in self.clauses)) if self.clauses else set()

    def __bool__(self):
        return bool(self.clauses)


def _word_clause(word):
    alternatives = [(word.lemmas,)]
    if word.parts:
        # «онлайн-журнал» also matches a text that writes the parts apart.
        alternatives.append(word.parts)
    return Clause(word.start, word.end, tuple(alternatives), correctable=not word.parts, word=word.word)


def build_plan(text, prefix_last=False):
    """Analyze query text into a plan: synonyms expanded, stop words dropped."""
    text = (text or "").strip()
    words = query_words(text)[:MAX_WORDS]
    clauses = []
    index = 0
    while index < len(words):
        group, length = synonyms.find_group(words, index)
        if group:
            last = words[index + length - 1]
            alternatives = tuple(dict.fromkeys(member.words for member in group))
            clauses.append(Clause(words[index].start, last.end, alternatives))
            index += length
        else:
            clauses.append(_word_clause(words[index]))
            index += 1
    if prefix_last and clauses and text[clauses[-1].end:].strip() == "":
        clauses[-1] = _with_prefix(clauses[-1], text)
    return QueryPlan(text, tuple(clauses))


def _with_prefix(clause, text):
    word = normalize(text[clause.start:clause.end])
    if len(word) < MIN_PREFIX or "-" in word:
        return clause
    return replace(clause, prefix=word)


def replace_clauses(plan, replacements):
    """A new plan and its text with some single-word clauses replaced by terms: {index: term}."""
    text = plan.text
    # Replace from the end so earlier offsets stay valid.
    for index in sorted(replacements, reverse=True):
        clause, term = plan.clauses[index], replacements[index]
        text = text[:clause.start] + term + text[clause.end:]
    return build_plan(text)
