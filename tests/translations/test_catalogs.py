"""The Russian catalog covers every UI string, and the compiled catalogs match their sources."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"


def _extract(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
         "--no-location", "-o", str(pot), str(ROOT)]
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalog(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _is_translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def test_every_ui_string_has_a_russian_translation(tmp_path):
    template = _extract(tmp_path)
    russian = _catalog("ru")
    missing = [
        m.id for m in template
        if m.id and (russian.get(m.id) is None or not _is_translated(russian[m.id]))
    ]
    assert missing == [], "run `make translations` and translate: " + "; ".join(map(str, missing[:20]))


def _key(value):
    """Plural messages carry tuples (or lists, when read from .mo): make both comparable."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogs_match_their_sources():
    for lang in ("ru", "en"):
        source = _catalog(lang)
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
            compiled = read_mo(handle)
        expected = {_key(m.id): _key(m.string) for m in source if m.id and _is_translated(m)}
        actual = {_key(m.id): _key(m.string) for m in compiled if m.id}
        assert actual == expected, f"{lang}: run `pybabel compile -d app/translations`"


def test_english_is_selectable(client):
    client.get("/lang/en")
    assert "Sign in to Opora" in client.get("/login").get_data(as_text=True)
    client.get("/lang/ru")
    assert "Вход в «Опору»" in client.get("/login").get_data(as_text=True)
