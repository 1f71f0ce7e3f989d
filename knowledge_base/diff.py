"""Comparing two revisions of a guide: a line diff of the texts and the changed simple fields."""

import difflib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from app.extensions import db
from knowledge_base import constants as c
from knowledge_base import services
from knowledge_base.models import ArticleCategory

CONTEXT_LINES = 3
TEXT_FIELDS = ("title", "summary", "body")


@dataclass
class FieldChange:
    """A simple field whose value differs between the two revisions."""

    label: str
    old: str
    new: str


@dataclass
class RevisionDiff:
    """What changed from one revision to another."""

    article: object
    old: object
    new: object
    texts: dict = field(default_factory=dict)  # field label → HTML table (Markup), only changed texts
    fields: list = field(default_factory=list)

    @property
    def is_empty(self):
        """Whether the two revisions are the same."""
        return not self.texts and not self.fields


def _row(kind, old_no, new_no, line):
    marks = {"equal": " ", "delete": "−", "insert": "+"}
    tags = {"equal": "span", "delete": "del", "insert": "ins"}
    css = {"equal": "", "delete": "table-danger", "insert": "table-success"}
    return Markup(
        '<tr class="{css}" data-change="{kind}"><td class="text-muted text-end">{old}</td>'
        '<td class="text-muted text-end">{new}</td><td>{mark}</td>'
        '<td class="font-monospace text-break"><{tag}>{line}</{tag}></td></tr>'
    ).format(css=css[kind], kind=kind, old=old_no or "", new=new_no or "", mark=marks[kind],
             tag=Markup(tags[kind]), line=line)


def _rows_for_group(group, old_lines, new_lines):
    rows = []
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            rows += [_row("equal", i + 1, j1 + (i - i1) + 1, old_lines[i]) for i in range(i1, i2)]
            continue
        rows += [_row("delete", i + 1, None, old_lines[i]) for i in range(i1, i2)]
        rows += [_row("insert", None, j + 1, new_lines[j]) for j in range(j1, j2)]
    return rows


def diff_table(old_text, new_text):
    """A unified line diff as an HTML table; every line of text is escaped. None when equal."""
    old_lines, new_lines = (old_text or "").splitlines(), (new_text or "").splitlines()
    if old_lines == new_lines:
        return None
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if rows:
            rows.append(Markup('<tr class="table-light"><td colspan="4" class="text-center">…</td></tr>'))
        rows += _rows_for_group(group, old_lines, new_lines)
    body = Markup("").join(rows)
    return Markup('<table class="table table-sm kb-diff mb-0"><tbody>{}</tbody></table>').format(body)


def _category_name(category_id):
    category = db.session.get(ArticleCategory, category_id) if category_id else None
    return category.name if category is not None else "—"


def _field_changes(old, new):
    changes = []
    if old.category_id != new.category_id:
        changes.append(FieldChange(_("Category"), _category_name(old.category_id),
                                   _category_name(new.category_id)))
    if old.audience != new.audience:
        changes.append(FieldChange(_("Who may read"), str(c.AUDIENCE_LABELS.get(old.audience, old.audience)),
                                   str(c.AUDIENCE_LABELS.get(new.audience, new.audience))))
    if list(old.tags or []) != list(new.tags or []):
        changes.append(FieldChange(_("Tags"), ", ".join(old.tags or []) or "—",
                                   ", ".join(new.tags or []) or "—"))
    return changes


def compare(actor, slug, from_number, to_number):
    """The differences between two revisions of a guide (authors only)."""
    article = services.history_article(actor, slug)
    old = services.revision_of(article, from_number)
    new = services.revision_of(article, to_number)
    labels = {"title": _("Title"), "summary": _("Summary"), "body": _("Text")}
    texts = {}
    for name in TEXT_FIELDS:
        table = diff_table(getattr(old, name), getattr(new, name))
        if table is not None:
            texts[labels[name]] = table
    return RevisionDiff(article=article, old=old, new=new, texts=texts, fields=_field_changes(old, new))
