"""The search API, run on both backends (PostgreSQL's when the test database is PostgreSQL)."""

import pytest

from app.extensions import db
from app.search import services as search
from app.search import spelling
from tests.search.conftest import BACKENDS, KIND, corpus_documents

ALL = ("public", "staff", "internal")


@pytest.fixture(params=BACKENDS)
def app_settings(request, tmp_path):
    """Each backend in turn, with an index of the test's own."""
    return {"SEARCH_BACKEND": request.param, "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def find(text, **options):
    options.setdefault("kinds", (KIND,))
    options.setdefault("audiences", ALL)
    return search.search(text, **options)


def ids(results):
    return [hit.id for hit in results.hits]


def test_word_forms_meet(notes):
    notes.put(1, "Электронные журналы", body="Учитель ставит оценку за контрольную.")
    notes.put(2, "Расписание звонков", body="Уроки начинаются в восемь.")
    for query in ("журналы", "журнала", "журнал", "оценки", "оценку", "оценками"):
        assert ids(find(query)) == [1], query


def test_yo_and_ye_are_the_same_letter(notes):
    notes.put(1, "Учётная запись", body="Её создаёт координатор.")
    notes.put(2, "Зеленые елки", body="Праздник.")
    assert ids(find("учетной записи")) == [1]
    assert ids(find("зелёных ёлок")) == [2]


def test_an_ambiguous_form_finds_every_meaning(notes):
    notes.put(1, "Сталь и чугун", body="Сталью называют сплав железа.")
    notes.put(2, "Учителя стали чаще заходить", body="Журнал открывают каждый день.")
    notes.put(3, "Как стать координатором", body="Приказ директора.")
    assert sorted(ids(find("стали"))) == [1, 2, 3]
    assert sorted(ids(find("сталью"))) == [1, 2]  # «стали» in 2 may be the metal too
    assert sorted(ids(find("стать"))) == [2, 3]


def test_synonyms_in_both_directions(notes):
    notes.put(1, "Работа в электронном журнале", body="Откройте раздел «Классы».")
    notes.put(2, "Не получается войти", body="Проверьте пароль и раскладку клавиатуры.")
    notes.put(3, "Заполнение ЭЖ", body="Заполняйте каждый день.")
    assert sorted(ids(find("ЭЖ"))) == [1, 3]
    assert sorted(ids(find("электронный журнал"))) == [1, 3]
    assert ids(find("логин")) == [2]


def test_a_typo_is_corrected_and_its_results_shown(notes):
    notes.put(1, "Электронный журнал", body="Как выставить оценку.")
    notes.put(2, "Восстановление пароля", body="Если забыли, обратитесь к администратору школы.")
    results = find("журанл")
    assert results.corrected and results.suggestion == "журнал"
    assert ids(results) == [1] and results.total == 1
    results = find("забыл пороль")
    assert results.corrected and results.suggestion == "забыл пароль"
    assert ids(results) == [2]


def test_a_known_word_is_not_corrected(notes):
    notes.put(1, "Электронный журнал", body="Оценки.")
    results = find("журнал")
    assert results.suggestion is None and not results.corrected


def test_nothing_found_and_nothing_to_suggest(notes):
    notes.put(1, "Электронный журнал", body="Оценки.")
    results = find("сковородка")
    assert results.total == 0 and results.hits == [] and results.suggestion is None


def test_title_outranks_tags_summary_and_body(notes):
    notes.put(1, "Расписание", body="Про дневник здесь одно слово.")
    notes.put(2, "Расписание", summary="Дневник ученика")
    notes.put(3, "Расписание", tags=["дневник"])
    notes.put(4, "Дневник", body="Текст.")
    assert ids(find("дневник")) == [4, 3, 2, 1]


def test_the_snippet_is_escaped_and_only_the_match_is_marked(notes):
    notes.put(1, "Опасная статья", body="Пример: <script>alert(1)</script> и **жирный** текст.")
    hit = find("script").hits[0]
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in hit.snippet_html
    assert "<script" not in hit.snippet_html
    assert hit.snippet_html.count("<mark>") == 2


def test_an_internal_document_never_reaches_other_audiences(notes):
    notes.put(1, "Журнал для всех", audience="public")
    notes.put(2, "Журнал для сотрудников", audience="staff")
    notes.put(3, "Журнал операторов", body="Секретный регламент", audience="internal")
    results = find("журнал", audiences=("public", "staff"))
    assert sorted(ids(results)) == [1, 2] and results.total == 2
    assert ids(find("журнал", audiences=("public",))) == [1]
    hidden = find("регламент", audiences=("public", "staff"))
    assert hidden.total == 0 and hidden.suggestion is None
    typo = find("реглямент", audiences=("public", "staff"))
    assert typo.total == 0 and typo.suggestion is None  # no hint at words of hidden documents
    assert ids(find("журнал", audiences=())) == []


def test_the_category_filter_is_part_of_the_query(notes):
    for number in range(1, 8):
        notes.put(number, f"Журнал {number}", category_id=10 if number % 2 else 20)
    results = find("журнал", category_ids=[10], per_page=2)
    assert results.total == 4 and len(results.hits) == 2
    page_two = find("журнал", category_ids=[10], per_page=2, page=2)
    assert set(ids(results)).isdisjoint(ids(page_two))
    assert set(ids(results)) | set(ids(page_two)) <= {1, 3, 5, 7}
    assert find("журнал", category_ids=[10, 20]).total == 7
    assert find("журнал", category_ids=[]).total == 0


def test_the_scope_filter(notes):
    notes.put(1, "Обращение о журнале", scope_key="12", audience="internal")
    notes.put(2, "Обращение о журнале", scope_key="13", audience="internal")
    assert ids(find("журнал", scope_keys=["12"])) == [1]
    assert find("журнал", scope_keys=None).total == 2


def test_hits_without_snippets_for_callers_that_need_ids(notes):
    notes.put(1, "Журнал", body="Оценки в журнале.")
    results = find("журнал", snippets=False, per_page=500)
    assert ids(results) == [1] and results.hits[0].snippet_html == "" and results.per_page == 500


def test_paging_covers_every_hit_once(notes):
    for number in range(1, 16):
        notes.put(number, f"Инструкция {number}", body="журнал " * number)
    first, second = find("журнал", per_page=10), find("журнал", per_page=10, page=2)
    assert first.total == second.total == 15 and first.pages == 2
    assert len(first.hits) == 10 and len(second.hits) == 5
    assert set(ids(first)) | set(ids(second)) == set(range(1, 16))
    assert find("журнал", per_page=10, page=3).hits == []


def test_a_change_replaces_the_old_text_and_a_removal_drops_it(notes):
    notes.put(1, "Журнал", body="Старый текст про звонки.")
    notes.put(1, "Журнал", body="Новый текст про каникулы.")
    assert ids(find("каникулы")) == [1] and ids(find("звонки")) == []
    notes.remove(1)
    assert find("журнал").total == 0


def test_a_rolled_back_change_is_not_indexed(notes):
    notes.put(1, "Журнал", body="Текст.")
    notes.docs[2] = notes.docs[1].__class__(kind=KIND, id=2, slug="n2", title="Дневник")
    search.document_changed(KIND, 2)
    db.session.rollback()
    db.session.commit()
    search.apply_pending()
    assert find("дневник").total == 0


def test_reindex_rebuilds_from_the_providers(notes):
    notes.put(1, "Журнал", body="Текст.")
    notes.docs[1].title = "Дневник"  # changed without telling the index
    assert find("дневник").total == 0
    assert search.reindex() == 1
    assert ids(find("дневник")) == [1] and find("журнал").total == 0
    assert search.pending_count() == 0


def test_suggestions_while_typing(notes):
    notes.put(1, "Электронный журнал: выставление оценок", audience="public")
    notes.put(2, "Электронный журнал: настройки", audience="internal")
    notes.put(3, "Расписание уроков", audience="public")
    hits = search.suggest("как поставить оцен", kinds=(KIND,), audiences=("public",))
    assert [hit.id for hit in hits] == [1]
    hits = search.suggest("электр", kinds=(KIND,), audiences=("public", "staff"), limit=5)
    assert [hit.id for hit in hits] == [1]


def test_suggestions_prefer_titles_and_fill_up_from_the_text(notes):
    notes.put(1, "Расписание уроков", body="В каникулы расписание не действует.")
    notes.put(2, "Каникулы", body="Даты каникул.")
    notes.put(3, "Праздники", body="Ничего общего.")
    hits = search.suggest("каникулы", kinds=(KIND,), audiences=("public",))
    assert [hit.id for hit in hits] == [2, 1]
    assert [hit.id for hit in search.suggest("каникулы", kinds=(KIND,), limit=1)] == [2]


def test_the_progit_corpus(notes):
    notes.docs.update(corpus_documents())
    assert search.reindex() == len(notes.docs) >= 280
    merging = find("слиянии веток", audiences=("public",))
    assert merging.total > 10
    assert merging.hits[0].slug.startswith(("basic-branching-and-merging", "advanced-merging"))
    assert "<mark>" in merging.hits[0].snippet_html
    remote = find("удалённого репозитория", audiences=("public",))
    assert remote.hits[0].slug.startswith("remotes-")
    typo = find("перебазирвание", audiences=("public",))
    assert typo.corrected and typo.suggestion == "перебазирование" and typo.total > 5


def test_odd_input_gives_empty_results_not_errors(notes):
    notes.put(1, "Журнал")
    for text in ("", None, "   ", "!!! ??? ...", "и в на", "'\" OR 1=1 -- ; & | ! :*"):
        results = find(text)
        assert (results.total, results.hits) == (0, []), text
    assert find("журнал", page="x", per_page="y").total == 1
    assert find("журнал " * 200).total == 1  # a pasted wall of text
    assert ids(find("журнал's")) == [1]


def test_a_repeated_search_is_answered_again_only_after_the_index_changed(notes, monkeypatch):
    notes.put(1, "Журнал", body="Текст про отметки.")
    backend_class, asked = type(search.backend()), []
    original = backend_class.search
    monkeypatch.setattr(backend_class, "search", lambda self, *args, **kwargs: asked.append(args[0].text)
                        or original(self, *args, **kwargs))
    first = find("журнал")
    first.hits.clear()  # the caller's list is its own
    assert ids(find("журнал")) == [1] and ids(find("журнал", page=2)) == []
    notes.put(2, "Журнал отметок")
    assert sorted(ids(find("журнал"))) == [1, 2]
    # whoosh keeps answers while its index is unchanged; the PostgreSQL backend asks every time.
    expected = 3 if search.backend().state() is not None else 4
    assert asked == ["журнал"] * expected and search.index_state() == search.backend().state()


def test_warming_up_loads_the_vocabulary_before_the_first_query(notes):
    search.warm_up()  # an empty index: nothing to load, nothing breaks
    notes.put(1, "Электронный журнал", body="Отметки за четверть.")
    spelling.forget()
    search.warm_up()
    assert spelling._cache and find("журнл").corrected
