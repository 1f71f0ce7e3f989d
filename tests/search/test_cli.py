"""`opora search reindex`, `opora search query` and `opora search apply`."""

import json

import pytest

from app.extensions import db
from app.search import services as search
from tests.search.conftest import KIND


@pytest.fixture
def app_settings(tmp_path):
    """The whoosh backend with an index of the test's own."""
    return {"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def test_query_prints_the_ranked_hits_as_json(runner, notes):
    notes.put(1, "Электронный журнал", body="Как выставить оценку.")
    notes.put(2, "Расписание", body="В журнале есть расписание.")
    notes.put(3, "Внутренний регламент журнала", audience="internal")
    result = runner.invoke(args=["search", "query", "журналы", "--json", "--kind", KIND])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert [hit["id"] for hit in hits][:1] == [1] and {hit["id"] for hit in hits} == {1, 2, 3}
    assert {"kind", "id", "slug", "title", "score"} <= set(hits[0])
    assert (hits[0]["kind"], hits[0]["slug"], hits[0]["title"]) == (KIND, "note-1", "Электронный журнал")
    assert hits[0]["score"] >= hits[1]["score"] > 0


def test_query_limits_and_filters_by_audience(runner, notes):
    for number in range(1, 6):
        notes.put(number, f"Журнал {number}", audience="internal" if number == 5 else "public")
    result = runner.invoke(args=["search", "query", "журнал", "--json", "--kind", KIND, "--limit", "2",
                                 "--audience", "public"])
    hits = json.loads(result.output)
    assert len(hits) == 2 and 5 not in [hit["id"] for hit in hits]


def test_query_as_text_shows_the_correction(runner, notes):
    notes.put(1, "Электронный журнал")
    result = runner.invoke(args=["search", "query", "журанл", "--kind", KIND])
    assert result.exit_code == 0, result.output
    assert "«журнал»" in result.output and "Найдено: 1" in result.output
    assert "Электронный журнал" in result.output


def test_query_of_an_empty_index_is_an_empty_list(runner, notes):
    result = runner.invoke(args=["search", "query", "журнал", "--json", "--kind", KIND])
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_reindex_reports_the_count(runner, notes):
    notes.put(1, "Журнал")
    notes.docs[2] = notes.docs[1].__class__(kind=KIND, id=2, slug="n2", title="Дневник")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Проиндексировано документов: 2" in result.output
    assert [hit.id for hit in search.search("дневник", kinds=(KIND,)).hits] == [2]


def test_apply_writes_the_queue(runner, notes):
    notes.docs[1] = notes.put(1, "Журнал").__class__(kind=KIND, id=1, slug="n1", title="Дневник")
    search.document_changed(KIND, 1)
    db.session.commit()
    result = runner.invoke(args=["search", "apply"])
    assert result.exit_code == 0, result.output
    assert "Применено изменений: 1; в очереди: 0" in result.output


def test_reindex_of_a_busy_index_says_so(runner, notes, app):
    from whoosh import index as whoosh_index

    app.config.update(SEARCH_LOCK_TIMEOUT=0.05, SEARCH_LOCK_ATTEMPTS=1)
    notes.put(1, "Журнал")
    blocker = whoosh_index.open_dir(app.config["SEARCH_INDEX_PATH"]).writer()
    try:
        result = runner.invoke(args=["search", "reindex"])
    finally:
        blocker.cancel()
    assert result.exit_code == 1 and "занят" in result.output
    assert [hit.id for hit in search.search("журнал", kinds=(KIND,)).hits] == [1]  # the old index stays
