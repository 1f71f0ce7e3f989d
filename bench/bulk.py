"""Bulk inserts for the bench data: plain rows in chunks or COPY, never ORM objects one by one."""

CHUNK = 10_000


def insert_rows(model, rows):
    """Bulk insert in chunks (executemany), not ORM objects one by one."""
    from sqlalchemy import insert

    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def copy_rows(table, rows):
    """Bulk insert of rows that give every column but the key: COPY on PostgreSQL, executemany elsewhere.

    COPY writes a few times faster than multi-row INSERTs; it skips the columns' Python defaults,
    hence rows must be complete.
    """
    from sqlalchemy import insert

    from app.extensions import db

    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(table), rows[start:start + CHUNK])
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = db.session.connection().connection.cursor()  # psycopg's, in the session's transaction
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def ids_by(column, key_column, keys=None):
    """{key: id} read back after a bulk insert."""
    from sqlalchemy import select

    from app.extensions import db

    query = select(key_column, column)
    if keys is not None:
        query = query.where(key_column.in_(keys))
    return dict(db.session.execute(query).all())
