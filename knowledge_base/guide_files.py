"""Reading guide files: a Markdown file with YAML front matter, and a categories.yml tree.

A guide file looks like this (every field but title and slug may be left out):

    ---
    title: Как выставить отметку
    slug: kak-vystavit-otmetku
    category: marks
    tags: [отметки, ЭЖ]
    audience: public        # public | staff | internal; staff when left out
    status: published       # draft | review | published | archived; draft when left out
    summary: Одна-две фразы о статье.
    ---
    Markdown text…
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask_babel import gettext as _

from knowledge_base import constants as c
from knowledge_base.services import MAX_LENGTHS, RESERVED_SLUGS, SLUG_PATTERN, TAG_MAX_LENGTH, TAGS_MAX

FIELDS = ("title", "slug", "category", "tags", "audience", "status", "summary")
CATEGORY_FIELDS = ("slug", "name", "children")
MAX_CATEGORY_SLUG, MAX_CATEGORY_NAME = 80, 120  # the columns of ArticleCategory
DEFAULT_AUDIENCE = c.STAFF  # a file that does not say is for signed-in users, never for everyone
DEFAULT_STATUS = c.DRAFT  # nothing is published by accident
# "---", the YAML, "---" on a line of its own, then the Markdown body.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)(.*)\Z", re.S | re.M)


@dataclass
class Guide:
    """One checked Markdown file: the article fields it sets."""

    filename: str
    slug: str
    title: str
    body: str
    summary: str = ""
    category: str | None = None
    tags: list = field(default_factory=list)
    audience: str = DEFAULT_AUDIENCE
    status: str = DEFAULT_STATUS


@dataclass
class CategorySpec:
    """A category as categories.yml (or a file naming a missing one) describes it."""

    slug: str
    name: str
    parent: str | None = None
    position: int = 0


class FileProblem(Exception):
    """A file that cannot be imported; the messages say why."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def decode(raw):
    """The file's text with "\\n" line ends; FileProblem unless it is UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem([_("The file is not in UTF-8 (a bad byte at position %(position)d); save it "
                             "as UTF-8.", position=error.start)]) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(text, first_line=1):
    """Parse YAML with safe_load; FileProblem naming the file's line of a syntax error."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is None:
            raise FileProblem([_("YAML error: %(problem)s.", problem=problem)]) from error
        raise FileProblem([_("YAML error on line %(line)d: %(problem)s.",
                             line=mark.line + first_line, problem=problem)]) from error


def split_front_matter(text):
    """(front matter as a dict, Markdown body) of a guide's text; FileProblem when malformed."""
    match = FRONT_MATTER.match(text)
    if match is None:
        raise FileProblem([_("The file must start with front matter: a line “---”, the fields in YAML "
                             "(title, slug, category…), and another line “---”.")])
    meta = load_yaml(match.group(1), first_line=2)  # line 1 of the file is the opening "---"
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FileProblem([_("The front matter must be YAML fields like “title: …”, one per line.")])
    return meta, match.group(2).strip()


def read_guide(path):
    """The Guide a Markdown file describes; FileProblem with every reason it cannot be imported."""
    meta, body = split_front_matter(decode(Path(path).read_bytes()))
    errors = _unknown_fields(meta, FIELDS)
    guide = Guide(filename=Path(path).name, slug=_slug(meta, "slug", errors, MAX_LENGTHS["slug"]),
                  title=_text(meta, "title", errors, required=True, limit=MAX_LENGTHS["title"]), body=body,
                  summary=_text(meta, "summary", errors, limit=MAX_LENGTHS["summary"]),
                  tags=_tags(meta, errors),
                  audience=_choice(meta, "audience", c.AUDIENCES, DEFAULT_AUDIENCE, errors),
                  status=_choice(meta, "status", c.STATUSES, DEFAULT_STATUS, errors))
    if guide.slug in RESERVED_SLUGS:
        errors.append(_("The slug “%(slug)s” is reserved for a page of the knowledge base; choose another.",
                        slug=guide.slug))
    if meta.get("category") is not None:
        guide.category = _slug(meta, "category", errors, MAX_CATEGORY_SLUG, fold_case=True)
    if not body:
        errors.append(_("The article has no text: write the Markdown body after the closing “---”."))
    elif len(body) > MAX_LENGTHS["body"]:
        errors.append(_("The text is too long: at most %(max)d characters.", max=MAX_LENGTHS["body"]))
    if errors:
        raise FileProblem(errors)
    return guide


def _unknown_fields(meta, allowed):
    unknown = sorted(str(key) for key in meta if key not in allowed)
    if not unknown:
        return []
    return [_("Unknown fields: %(names)s. Allowed: %(allowed)s.", names=", ".join(unknown),
              allowed=", ".join(allowed))]


def _text(meta, key, errors, required=False, limit=None):
    value = meta.get(key)
    if value is not None and not isinstance(value, str):
        errors.append(_("The field “%(field)s” must be text; put the value in quotes.", field=key))
        return ""
    value = (value or "").strip()
    if required and not value:
        errors.append(_("The field “%(field)s” is required and must not be empty.", field=key))
    if limit and len(value) > limit:
        errors.append(_("The field “%(field)s” is too long: at most %(max)d characters.", field=key,
                        max=limit))
    return value


def _slug(meta, key, errors, limit, fold_case=False):
    value = _text(meta, key, errors, required=True, limit=limit)
    if fold_case:  # category slugs are matched case-insensitively: «A-git» names «a-git»
        value = value.lower()
    if value and not SLUG_PATTERN.match(value):
        errors.append(_("The field “%(field)s” (“%(value)s”) may hold only lowercase Latin letters, digits "
                        "and single hyphens, like “parent-access”.", field=key, value=value))
    return value


def _choice(meta, key, allowed, default, errors):
    value = meta.get(key)
    if value is None:
        return default
    if value not in allowed:
        errors.append(_("The field “%(field)s” is “%(value)s”; allowed: %(allowed)s.", field=key,
                        value=value, allowed=", ".join(allowed)))
    return value


def _tags(meta, errors):
    value = meta.get("tags")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        errors.append(_("The field “tags” must be a list of words, like “tags: [пароль, вход]”."))
        return []
    tags = {}
    for tag in (" ".join(tag.split()) for tag in value):
        if len(tag) > TAG_MAX_LENGTH:
            errors.append(_("The tag “%(tag)s” is too long: at most %(max)d characters.", tag=tag,
                            max=TAG_MAX_LENGTH))
        tags.setdefault(tag.casefold(), tag)
    if len(tags) > TAGS_MAX:
        errors.append(_("Too many tags: at most %(max)d.", max=TAGS_MAX))
    return list(tags.values())


def read_categories(path):
    """CategorySpecs (parents first) from a categories.yml; FileProblem with every reason it is wrong."""
    data = load_yaml(decode(Path(path).read_bytes()))
    if not isinstance(data, list):
        raise FileProblem([_("The category file must be a YAML list: “- slug: …”, “name: …” and, for a "
                             "top-level category, “children:” with its subcategories.")])
    specs, errors = [], []
    for position, item in enumerate(data):
        _category_spec(item, None, position, specs, errors)
    seen = set()
    for spec in specs:
        if spec.slug and spec.slug in seen:
            errors.append(_("The category “%(slug)s” is listed twice.", slug=spec.slug))
        seen.add(spec.slug)
    if errors:
        raise FileProblem(errors)
    return specs


def _category_spec(item, parent, position, specs, errors):
    if not isinstance(item, dict):
        errors.append(_("Each category must be a mapping with “slug” and “name”."))
        return
    errors.extend(_unknown_fields(item, CATEGORY_FIELDS))
    slug = _slug(item, "slug", errors, MAX_CATEGORY_SLUG, fold_case=True)
    specs.append(CategorySpec(slug=slug, parent=parent, position=position,
                              name=_text(item, "name", errors, required=True, limit=MAX_CATEGORY_NAME)))
    children = item.get("children") or []
    if children and parent is not None:
        errors.append(_("The category “%(slug)s” is a subcategory and cannot have its own: the tree has two "
                        "levels.", slug=slug))
    elif not isinstance(children, list):
        errors.append(_("The subcategories of “%(slug)s” must be a YAML list.", slug=slug))
    else:
        for child_position, child in enumerate(children):
            _category_spec(child, slug, child_position, specs, errors)
