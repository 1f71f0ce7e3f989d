"""The Russian analyzer, the query plan with synonyms, plain text and snippets."""

import pytest

from app.search.analyzer import index_terms, query_words, word_lemmas
from app.search.query import build_plan
from app.search.snippets import make_snippet, plain_text


def test_word_forms_share_one_lemma():
    assert set(index_terms("журналы журнала журнал журналами")) == {"журнал"}
    assert set(index_terms("оценку оценки оценкой")) == {"оценка"}


def test_case_and_yo_are_folded():
    assert index_terms("Зелёные ЁЛКИ") == ["зеленый", "елка"]
    assert index_terms("зеленые елки") == ["зеленый", "елка"]


def test_an_ambiguous_form_gives_every_lemma():
    assert set(word_lemmas("стали")) == {"сталь", "стать"}
    assert word_lemmas("сталью") == ("сталь",)


def test_stop_words_are_dropped():
    assert index_terms("и в на что как журнал для это") == ["журнал"]


def test_latin_words_and_numbers_are_kept():
    assert index_terms("Git 2.5 SSH") == ["git", "2", "5", "ssh"]


def test_a_hyphenated_word_gives_its_parts_and_the_whole():
    assert index_terms("онлайн-журнал") == ["онлайн", "журнал", "онлайнжурнал"]


def test_lemmas_are_cached_per_word():
    word_lemmas("журнальчиками")
    before = word_lemmas.cache_info().hits
    word_lemmas("журнальчиками")
    assert word_lemmas.cache_info().hits == before + 1


def test_query_words_keep_their_place_in_the_text():
    words = query_words("Как поставить оценку?")
    assert [(word.start, word.end, set(word.lemmas)) for word in words] == [
        (4, 13, {"поставить"}), (14, 20, {"оценка"})]


def test_an_abbreviation_expands_to_its_phrase(app):
    plan = build_plan("ЭЖ")
    assert len(plan.clauses) == 1
    alternatives = {tuple(tuple(sorted(lemmas)) for lemmas in alt) for alt in plan.clauses[0].alternatives}
    assert (("эж",),) in alternatives
    assert (("электронный",), ("журнал",)) in alternatives


def test_a_phrase_in_another_form_expands_to_its_abbreviation(app):
    plan = build_plan("в электронном журнале")
    assert len(plan.clauses) == 1
    assert "эж" in plan.clauses[0].terms()
    assert not plan.clauses[0].correctable


def test_an_instance_synonym_list_replaces_the_default(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    (tmp_path / "synonyms.txt").write_text("# ours\nдневник, журнал\n", encoding="utf-8")
    assert build_plan("дневник").clauses[0].terms() == {"дневник", "журнал"}
    assert build_plan("ЭЖ").clauses[0].terms() == {"эж"}


def test_plain_text_drops_markdown_syntax():
    text = plain_text("# Заголовок\n\n**Жирный** и [ссылка](http://x.test) `код`\n\n- пункт\n> цитата")
    assert text == "Заголовок Жирный и ссылка код пункт цитата"


def test_a_snippet_escapes_the_text_before_marking_matches():
    snippet = make_snippet("Вставка <script>alert(1)</script> в журнал", "", {"script"})
    assert snippet == "Вставка &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; в журнал"


def test_a_snippet_is_the_passage_with_the_most_matched_terms():
    body = ("Вступление без нужных слов. " * 20 + "Здесь учитель ставит оценку в журнал. "
            + "Ещё немного текста. " * 20)
    snippet = make_snippet(body, "", {"оценка", "журнал"})
    assert "<mark>оценку</mark> в <mark>журнал</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 400


def test_a_snippet_falls_back_to_the_summary():
    snippet = make_snippet("Текст без совпадений.", "Кратко о журнале", {"журнал"})
    assert snippet == "Кратко о <mark>журнале</mark>"


def test_words_with_digits_are_kept_as_they_are_without_morphology(monkeypatch):
    from app.search import analyzer

    monkeypatch.setattr(analyzer, "morph", lambda: pytest.fail("pymorphy was asked about a word with digits"))
    word_lemmas.cache_clear()
    assert word_lemmas("т-000123") == ("т000123",)
    assert word_lemmas("5а") == ("5а",)
