"""The whoosh backend: changes written after the commit, kept pending while the index is locked."""

import os
import shutil

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema

from app.extensions import db
from app.search import services as search
from app.search.models import SearchPending
from tests.search.conftest import BACKENDS, KIND


@pytest.fixture
def app_settings(tmp_path):
    """The whoosh backend with a short lock timeout, so a held lock fails fast."""
    return {"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_PATH": str(tmp_path / "index"),
            "SEARCH_LOCK_TIMEOUT": 0.1, "SEARCH_LOCK_ATTEMPTS": 2}


def titles(text):
    return [hit.title for hit in search.search(text, kinds=(KIND,)).hits]


def test_a_change_is_queued_in_the_transaction_and_written_after_the_commit(notes, app):
    notes.put(1, "Журнал")
    notes.docs[1].title = "Дневник"
    search.document_changed(KIND, 1)
    db.session.commit()
    assert db.session.query(SearchPending).count() == 1
    assert titles("дневник") == []
    assert search.apply_pending() == 1
    assert titles("дневник") == ["Дневник"] and search.pending_count() == 0


def test_a_locked_index_keeps_the_change_pending_until_it_is_free(notes, app):
    notes.put(1, "Журнал")
    blocker = whoosh_index.open_dir(app.config["SEARCH_INDEX_PATH"]).writer()
    try:
        notes.put(2, "Дневник")  # put() commits and calls apply_pending: it must not raise
        row = db.session.query(SearchPending).one()
        assert (row.kind, row.object_id, row.attempts) == (KIND, 2, 1)
        assert "LockError" in row.last_error
        assert titles("дневник") == []
        assert search.apply_pending() == 0
        db.session.refresh(row)
        assert row.attempts == 2
    finally:
        blocker.cancel()
    assert search.apply_pending() == 1
    assert titles("дневник") == ["Дневник"] and search.pending_count() == 0


def test_a_kind_without_provider_stays_pending(notes):
    search.document_changed("unknown-kind", 7)
    db.session.commit()
    assert search.apply_pending() == 0
    row = db.session.query(SearchPending).one()
    assert row.attempts == 1 and "unknown-kind" in row.last_error


def test_reindex_rebuilds_a_deleted_index(notes, app):
    notes.put(1, "Журнал", body="Оценки")
    notes.put(2, "Дневник", body="Домашнее задание")
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    assert titles("журнал") == []
    assert search.reindex() == 2
    assert titles("журнал") == ["Журнал"] and titles("задание") == ["Дневник"]
    assert os.listdir(os.path.dirname(app.config["SEARCH_INDEX_PATH"])) == ["index"]  # no leftovers


def test_reindex_keeps_changes_made_meanwhile_in_the_queue(notes, app):
    notes.put(1, "Журнал")
    notes.docs[2] = notes.docs[1].__class__(kind=KIND, id=2, slug="n2", title="Дневник")
    search.document_changed(KIND, 2)
    db.session.commit()
    # Queued before the rebuild: the rebuild covers it and clears the queue.
    assert search.reindex() == 2
    assert search.pending_count() == 0 and titles("дневник") == ["Дневник"]


def test_an_index_of_an_older_layout_finds_nothing_until_rebuilt(notes, app):
    path = app.config["SEARCH_INDEX_PATH"]
    os.makedirs(path)
    whoosh_index.create_in(path, Schema(key=ID(unique=True), body=TEXT))
    notes.put(1, "Журнал")  # must not raise
    assert titles("журнал") == [] and search.pending_count() == 1
    assert "reindex" in db.session.query(SearchPending).one().last_error
    search.reindex()
    assert titles("журнал") == ["Журнал"] and search.pending_count() == 0


if BACKENDS == ["whoosh"]:

    def test_the_postgres_backend_refuses_sqlite(app):
        app.config["SEARCH_BACKEND"] = "postgres"
        with pytest.raises(RuntimeError, match="PostgreSQL"):
            search.search("журнал")
