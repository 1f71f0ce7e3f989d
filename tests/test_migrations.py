"""The Alembic history produces exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.search.models import include_object


def test_models_and_migrations_agree(app, db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                 "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask --app app db migrate` and commit the new revision"
