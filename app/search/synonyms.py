"""Synonym groups («ЭЖ» = «электронный журнал», «пароль» = «логин») applied to queries.

Synonyms are expanded at query time only, so editing the list takes effect without a reindex.
The default list is app/search/synonyms.txt; instance/synonyms.txt, if present, replaces it.
"""

import os
from dataclasses import dataclass

from flask import current_app

from app.search.analyzer import query_words

DEFAULT_PATH = os.path.join(os.path.dirname(__file__), "synonyms.txt")
_cache = {}


@dataclass(frozen=True)
class Member:
    """One member of a group: the lemma sets of its words, in order."""

    words: tuple


def parse_groups(text):
    """Groups of members from the list's text (comments and blank lines ignored)."""
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        members = [_member(item) for item in line.split(",") if item.strip()]
        members = [member for member in members if member.words]
        if len(members) > 1:
            groups.append(tuple(members))
    return groups


def _member(phrase):
    return Member(tuple(word.lemmas for word in query_words(phrase)))


def list_path():
    """The synonym list in use: the instance's own file if it exists, the default one otherwise."""
    instance_file = os.path.join(current_app.instance_path, "synonyms.txt")
    return instance_file if os.path.exists(instance_file) else DEFAULT_PATH


def groups():
    """The synonym groups, re-read when the list file changes."""
    path = list_path()
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return []
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        with open(path, encoding="utf-8") as handle:
            cached = (stamp, parse_groups(handle.read()))
        _cache[path] = cached
    return cached[1]


def _matches(member, words, start):
    if start + len(member.words) > len(words):
        return False
    return all(lemmas & words[start + offset].lemmas for offset, lemmas in enumerate(member.words))


def find_group(words, start):
    """The longest synonym member that begins at words[start]: (group, length) or (None, 0)."""
    best, best_length = None, 0
    for group in groups():
        for member in group:
            if len(member.words) > best_length and _matches(member, words, start):
                best, best_length = group, len(member.words)
    return best, best_length
