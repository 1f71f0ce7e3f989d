"""Pages of lists computed in Python, shaped like a SQLAlchemy page so the pagination macro shows them."""

from flask_sqlalchemy.pagination import Pagination


class ListPage(Pagination):
    """One page of a list already held in memory (overdue items, late lessons…)."""

    def __init__(self, items, page, per_page):
        self._all = items
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self):
        return self._all[(self.page - 1) * self.per_page:self.page * self.per_page]

    def _query_count(self):
        return len(self._all)
