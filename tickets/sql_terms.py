"""SQL terms that mean the same on every database, written as each database's planner handles them best."""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean


class InSelect(ColumnElement):
    """`column IN (SELECT …)`.

    PostgreSQL gets `column = ANY(ARRAY(SELECT …))`, the same test: within an OR (the ticket lists'
    scopes) its planner can then combine the column's index with the other alternatives' indexes (a
    bitmap OR), where an IN subquery becomes a hashed subplan tested on every row of the table.
    """

    type = Boolean()
    _is_implicitly_boolean = True  # a test itself: no «= 1» appended where booleans are integers
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("select", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, select):
        self.column, self.select = column, select


@compiles(InSelect)
def _in(element, compiler, **kw):
    return compiler.process(element.column.in_(element.select), **kw)


@compiles(InSelect, "postgresql")
def _any_array(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY({compiler.process(element.select, **kw)}))"
