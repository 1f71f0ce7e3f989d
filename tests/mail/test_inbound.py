"""Parsing inbound mail: real messages as MTAs deliver them, in the charsets schools' clients use."""

from pathlib import Path

import pytest

from app.mail.inbound import UnparseableMail, html_to_text, parse_message, trim_quoted_reply

EML = Path(__file__).parent / "eml"


def parse(name):
    return parse_message((EML / name).read_bytes())


def test_outlook_windows_1251_quoted_printable_with_crlf():
    mail = parse("outlook-cp1251-qp.eml")
    assert mail.sender_email == "ivanova@school.test"
    assert mail.sender_name == "Иванова Мария Петровна"
    assert mail.subject == "Не входит в журнал"
    assert mail.recipients == ["support@opora.local"]
    assert mail.message_id == "<000001cbf8e1$6a2b1c40$3e8154c0$@school.test>"
    # The plain-text alternative is preferred over the HTML one.
    assert mail.text == (
        "Здравствуйте!\n\n"
        "Не удаётся войти в электронный журнал: после ввода пароля страница обновляется и снова "
        "просит логин.\nШкола № 5, г. Мичуринск.\n\nС уважением,\nИванова Мария Петровна"
    )
    assert mail.attachments == [] and mail.is_auto_reply is False


def test_koi8r_base64_body_and_q_encoded_headers():
    mail = parse("koi8r-base64.eml")
    assert mail.sender_name == "Петров Сергей"
    assert mail.subject == "Отметка за четверть"
    assert mail.recipients == ["metod@opora.local"]
    assert mail.text == (
        "Добрый день.\nКак выставить итоговую отметку за четверть, если ученик болел полтора месяца?\n\n"
        "Петров С. А., учитель истории\nгимназия 2, г. Тамбов"
    )


def test_utf8_alternative_takes_the_flowed_plain_part():
    mail = parse("utf8-alternative.eml")
    assert mail.subject == "Домашнее задание в дневнике"
    assert mail.recipients == ["support@opora.local", "director@school.test"]
    # format=flowed: the soft line break after «эту» is joined back.
    assert mail.text == (
        "Добрый день!\n\nВ дневнике родителей 7 \"Б\" класса не отображается домашнее задание за эту "
        "неделю, хотя учителя его вводили.\n\nСидорова Анна,\nзаместитель директора"
    )


def test_html_only_message_is_converted_to_text():
    mail = parse("html-only.eml")
    assert mail.sender_name == "Кузнецова Елена"
    assert mail.text == (
        "Добрый день!\n\nРодители не видят оценки в дневнике:\n\n- 5 «А» класс;\n- 6 «Б» класс.\n\n"
        "Спасибо — жду ответа.\nКузнецова Е. В."
    )
    assert "alert" not in mail.text and "color" not in mail.text and "Письмо" not in mail.text


def test_html_to_text_keeps_structure_and_drops_scripts():
    html = ("<div>Первая строка<br/>вторая&nbsp;строка</div><script>var x = 1;</script>"
            "<ol><li>один</li><li>два</li></ol><pre>  код\n  отступ</pre><p>&lt;b&gt; — не тег</p>")
    expected = "Первая строка\nвторая строка\n\n- один\n- два\n\nкод\nотступ\n\n<b> — не тег"
    assert html_to_text(html) == expected


def test_attachments_with_rfc2231_and_rfc2047_file_names():
    mail = parse("attachments-rfc2231.eml")
    assert mail.text == "Скриншот ошибки и акт активации школы во вложении."
    names = [name for name, _data in mail.attachments]
    assert names == ["Скрин.png", "Акт активации.pdf", "setup.exe"]
    png, pdf = mail.attachments[0][1], mail.attachments[1][1]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and pdf.startswith(b"%PDF-1.4")


def test_mislabelled_charset_falls_back_to_windows_1251():
    mail = parse("mislabelled-charset.eml")
    # Body declared UTF-8 but written in windows-1251; raw 8-bit subject; unknown charset in From.
    assert mail.text == "Журнал не открывается с компьютера в учительской, пишет «ошибка сертификата»."
    assert mail.subject == "Ошибка сертификата"
    assert mail.sender_name == "Информатик"


def test_reply_headers_are_parsed():
    mail = parse("reply-outlook-in-reply-to.eml")
    assert mail.subject == "RE: [Т-000001] Не входит в журнал"
    assert mail.in_reply_to == "<171234567890.4242.1@opora.local>"
    assert mail.references == ["<000001cbf8e1$6a2b1c40$3e8154c0$@school.test>",
                               "<171234567890.4242.1@opora.local>"]


@pytest.mark.parametrize(("name", "expected"), [
    ("reply-outlook-in-reply-to.eml", "Спасибо, пароль сбросили, вход работает."),
    ("reply-thunderbird-ru.eml", "Проверила ещё раз — задание видно только за вчерашний день."),
    ("reply-gmail-wrote.eml", "Yes, the marks are there now. Thank you!"),
    ("reply-mailru-pishet.eml", "Спасибо, разобрались: отметку выставили по результатам зачёта."),
])
def test_quoted_previous_message_and_signature_are_trimmed(name, expected):
    mail = parse(name)
    assert len(mail.text) > len(expected)
    assert trim_quoted_reply(mail.text) == expected


def test_trim_keeps_answers_between_quotes_and_outlook_header_blocks():
    text = ("> Какой класс?\n7 «Б».\n> А предмет?\nИстория.\n\n________________________________\n"
            "От: Опора <noreply@opora.local>\nОтправлено: 12 апреля 2011 г. 10:02\nТема: вопрос\n\nтекст")
    assert trim_quoted_reply(text) == "7 «Б».\nИстория."


def test_trim_does_not_cut_ordinary_text():
    text = "Пишет: журнал не открывается.\nOn Monday we start.\nОт: директора школы тоже вопрос"
    assert trim_quoted_reply(text) == text


def test_auto_reply_is_recognised():
    mail = parse("auto-reply.eml")
    assert mail.is_auto_reply is True
    assert mail.subject == "Автоответ: [Т-000001] Не входит в журнал"


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-generated", "Precedence: bulk", "Precedence: junk",
                                    "X-Autoreply: yes"])
def test_auto_reply_headers(header):
    raw = f"From: a@school.test\nTo: support@opora.local\n{header}\nSubject: x\n\nbody\n".encode()
    assert parse_message(raw).is_auto_reply is True


def test_ordinary_mail_is_not_an_auto_reply():
    raw = b"From: a@school.test\nTo: support@opora.local\nAuto-Submitted: no\nSubject: x\n\nbody\n"
    assert parse_message(raw).is_auto_reply is False


def test_unknown_sender_message_still_parses():
    mail = parse("unknown-sender.eml")
    assert mail.sender_email == "vasya1987@example.org" and mail.sender_name == "Василий"
    assert mail.text == "Здравствуйте! Подскажите, где скачать программу для электронного журнала?"


@pytest.mark.parametrize("raw", [
    b"",
    b"   \r\n\r\n",
    b"Subject: no sender\n\nbody\n",
    b"From: not an address\nSubject: x\n\nbody\n",
])
def test_input_that_is_not_mail_is_unparseable(raw):
    with pytest.raises(UnparseableMail):
        parse_message(raw)


def test_binary_junk_is_unparseable():
    with pytest.raises(UnparseableMail):
        parse("garbage.eml")


def test_message_id_without_brackets_and_missing_subject():
    mail = parse_message(b"From: a@school.test\nMessage-ID: abc@host\n\n\n")
    assert mail.message_id == "<abc@host>" and mail.subject == "" and mail.text == ""
