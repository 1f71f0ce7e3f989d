"""Knowledge base fixtures: categories and guides made through the services, as the pages make them."""

import pytest

from knowledge_base import categories, services
from knowledge_base import constants as c

BODY = "## Шаги\n\n1. Откройте журнал.\n2. Выберите класс и предмет.\n3. Поставьте **отметку**.\n"


class KbFactory:
    """kb.category("Журнал"), kb.article("Как выставить отметку", audience="internal")…"""

    def __init__(self, make):
        self._make = make
        self._author = None

    @property
    def author(self):
        """The methodologist who writes and publishes the test guides."""
        if self._author is None:
            self._author = self._make.user("methodologist")
        return self._author

    def category(self, name, parent=None, slug=""):
        """A category (a subcategory when parent is given)."""
        return categories.create_category(self.author, {"name": name, "slug": slug,
                                                        "parent_id": parent.id if parent else 0})

    def article(self, title="Как выставить отметку", status=c.PUBLISHED, audience=c.PUBLIC, body=BODY,
                summary="", tags=(), category=None, slug="", author=None):
        """A guide with one revision, moved to the status through the workflow."""
        data = {"title": title, "slug": slug, "summary": summary, "body": body, "audience": audience,
                "tags": list(tags), "category_id": category.id if category else None}
        article = services.create_article(author or self.author, data, "первая версия")
        if status != c.DRAFT:
            services.change_status(self.author, article.id, status)
        return article


@pytest.fixture
def kb(make):
    """The knowledge base factory."""
    return KbFactory(make)
