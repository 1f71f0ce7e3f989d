"""Inbound e-mail: RFC 5322/MIME bytes → plain data (sender, subject, text, attachments). No database.

Mail reaches the hotline from every kind of client a school has: Outlook in windows-1251, old
Unix mailers in KOI8-R, phones sending HTML only. Everything is decoded to str here, guessing
sensibly when a charset is missing or wrong, so the rest of the hotline sees clean text.
"""

import email
import email.policy
import mimetypes
import re
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header
from email.utils import getaddresses
from html.parser import HTMLParser

# When the declared charset is missing, unknown or wrong: UTF-8, then the Russian Windows code page.
FALLBACK_CHARSETS = ("utf-8", "cp1251")
CHARSET_ALIASES = {"win-1251": "cp1251", "x-cp1251": "cp1251", "windows1251": "cp1251", "koi8r": "koi8-r"}
MESSAGE_ID_MAX = 250
FILENAME_MAX = 255
AUTO_PRECEDENCE = {"bulk", "auto_reply", "junk"}
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")


class UnparseableMail(ValueError):
    """The input is not an e-mail message at all (empty, binary junk, no sender address)."""


@dataclass
class ParsedMail:
    """What the hotline needs from one message, fully decoded."""

    sender_email: str
    sender_name: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    is_auto_reply: bool = False


# --- bytes and headers --------------------------------------------------------------------


def decode_bytes(data, charset=None):
    """Text from bytes: the declared charset if it fits, else UTF-8, else CP1251, else Latin-1."""
    for candidate in (charset, *FALLBACK_CHARSETS):
        if not candidate:
            continue
        candidate = CHARSET_ALIASES.get(candidate.strip().lower(), candidate.strip())
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1", errors="replace")


def _has_surrogates(text):
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _unfold(text):
    return re.sub(r"\r?\n[ \t]*", " ", text).replace("\r", " ").strip()


def decode_header_value(value):
    """A header as text: RFC 2047 encoded words decoded, raw 8-bit bytes guessed, lines unfolded."""
    if value is None:
        return ""
    value = str(value)
    if _has_surrogates(value):
        # The email package keeps undeclared 8-bit header bytes as surrogate escapes.
        value = decode_bytes(value.encode("ascii", "surrogateescape"))
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError):
        return _unfold(value)
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        elif charset is None:
            parts.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            parts.append(decode_bytes(chunk, charset))
    return _unfold("".join(parts))


def _raw_headers(message, name):
    """Every raw value of a header (as received, before the email package's own decoding)."""
    return [value for key, value in message.raw_items() if key.lower() == name.lower()]


def _header(message, name):
    values = _raw_headers(message, name)
    return decode_header_value(values[0]) if values else ""


def _addresses(message, *names):
    """(name, lower-cased address) pairs from address headers, skipping anything malformed."""
    raw = [_unfold(value) for name in names for value in _raw_headers(message, name)]
    found, seen = [], set()
    for display, address in getaddresses(raw):
        address = address.strip().lower()
        if _has_surrogates(address) or not ADDRESS.match(address) or address in seen:
            continue
        seen.add(address)
        found.append((decode_header_value(display).strip().strip('"').strip(), address))
    return found


def _message_ids(value):
    return [match[:MESSAGE_ID_MAX] for match in MESSAGE_ID.findall(value or "")]


def _own_message_id(message):
    value = _header(message, "Message-ID")
    ids = _message_ids(value)
    if ids:
        return ids[0]
    token = value.strip().split()[0] if value.strip() else ""
    return f"<{token}>"[:MESSAGE_ID_MAX] if token else ""


def _is_auto_reply(message):
    """Vacation notices, bounces and bulk mail: they must never open tickets or start a mail loop."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        value = _header(message, name).lower()
        if value and value != "no":
            return True
    if _header(message, "Precedence").lower() in AUTO_PRECEDENCE:
        return True
    return message.get_content_type() == "multipart/report" or _header(message, "Return-Path") == "<>"


# --- HTML to text -------------------------------------------------------------------------


class _TextFromHtml(HTMLParser):
    """Collects the readable text of an HTML body, keeping paragraphs, line breaks and list items."""

    SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
    PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "hr"}
    LINES = {"div", "tr", "dd", "dt", "section", "article", "header", "footer", "address", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.preformatted = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.PARAGRAPHS or tag in self.LINES:
            self.parts.append("\n\n" if tag in self.PARAGRAPHS else "\n")
        if tag == "pre":
            self.preformatted += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in self.LINES and tag != "li":
            self.parts.append("\n")
        if tag == "pre":
            self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data):
        if self.skipping:
            return
        self.parts.append(data if self.preformatted else re.sub(r"\s+", " ", data))


def html_to_text(html):
    """Readable plain text of an HTML message body."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return _tidy("".join(parser.parts).replace("\xa0", " "))


def _tidy(text):
    """Trim spaces at line ends, and keep at most one empty line in a row."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the body and the attachments ---------------------------------------------------------


def _unflow(text, delete_space):
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out, pending = [], ""
    for line in text.split("\n"):
        is_soft = line.endswith(" ") and line != "-- " and not line.startswith(">")
        if is_soft:
            pending += line[:-1] if delete_space else line
        else:
            out.append(pending + line)
            pending = ""
    if pending:
        out.append(pending)
    return "\n".join(out)


def _part_text(part):
    data = part.get_payload(decode=True) or b""
    text = decode_bytes(data, part.get_content_charset()).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/plain" and part.get_param("format", "").lower() == "flowed":
        text = _unflow(text, part.get_param("delsp", "").lower() == "yes")
    return text


def _filename(part, number):
    try:
        name = part.get_filename() or ""
    except (HeaderParseError, ValueError, LookupError):
        name = ""
    name = decode_header_value(name) if ("=?" in name or _has_surrogates(name)) else name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name:
        extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{number}{extension}"
    return name[-FILENAME_MAX:]


def _is_attachment(part):
    if part.get_content_disposition() == "attachment":
        return True
    try:
        has_name = bool(part.get_filename())
    except (HeaderParseError, ValueError, LookupError):
        has_name = True
    return has_name or part.get_content_maintype() != "text"


class _Body:
    """Walks the MIME tree: text for the body (plain preferred over HTML) and every attachment."""

    def __init__(self):
        self.plain, self.html, self.attachments = [], [], []

    def visit(self, part, wants_text=True):
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            self._attach_message(part)
        elif part.is_multipart():
            children = list(part.iter_parts())
            chosen = _preferred_alternative(children) if content_type == "multipart/alternative" else None
            for child in children:
                self.visit(child, wants_text and (chosen is None or child is chosen))
        elif _is_attachment(part):
            data = part.get_payload(decode=True) or b""
            if data:
                self.attachments.append((_filename(part, len(self.attachments) + 1), data))
        elif wants_text and content_type == "text/html":
            self.html.append(_part_text(part))
        elif wants_text:
            self.plain.append(_part_text(part))

    def _attach_message(self, part):
        inner = part.get_payload(0) if part.is_multipart() else None
        if inner is None:
            return
        try:
            data = inner.as_bytes(policy=email.policy.compat32)
        except (UnicodeError, ValueError, LookupError, HeaderParseError):
            return
        subject = re.sub(r"[^\w\- ]+", "", _header(inner, "Subject")).strip()[:80] or "message"
        self.attachments.append((f"{subject}.eml", data))

    def text(self):
        plain = "\n\n".join(t.strip("\n") for t in self.plain).strip()
        if plain:
            return _tidy_plain(plain)
        return html_to_text("\n".join(self.html)) if self.html else ""


def _tidy_plain(text):
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()


def _preferred_alternative(children):
    """In multipart/alternative: the plain text if it says something, else HTML, else the richest part."""
    for wanted in ("text/plain", "text/html"):
        for child in children:
            if child.get_content_type() == wanted and _part_text(child).strip():
                return child
    multiparts = [child for child in children if child.is_multipart()]
    return multiparts[0] if multiparts else (children[-1] if children else None)


# --- the message --------------------------------------------------------------------------


def parse_message(raw):
    """Parse raw message bytes into a ParsedMail; UnparseableMail when it is not e-mail."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    if not raw or not bytes(raw).strip():
        raise UnparseableMail("empty input")
    try:
        return _parse(email.message_from_bytes(bytes(raw), policy=email.policy.default))
    except UnparseableMail:
        raise
    except Exception as exc:  # the email package can fail in many ways on junk input
        raise UnparseableMail(f"broken message: {type(exc).__name__}") from exc


def _parse(message):
    senders = _addresses(message, "From")
    if not senders:
        raise UnparseableMail("no sender address")
    sender_name, sender_email = senders[0]
    body = _Body()
    body.visit(message)
    return ParsedMail(
        sender_email=sender_email,
        sender_name=sender_name,
        recipients=[address for _name, address in _addresses(
            message, "To", "Cc", "Delivered-To", "X-Original-To")],
        subject=_header(message, "Subject"),
        message_id=_own_message_id(message),
        in_reply_to=next(iter(_message_ids(_header(message, "In-Reply-To"))), ""),
        references=_message_ids(_header(message, "References")),
        text=body.text(),
        attachments=body.attachments,
        is_auto_reply=_is_auto_reply(message),
    )


# --- trimming a reply ---------------------------------------------------------------------

QUOTE_STARTS = (
    re.compile(r"^\s*-{2,}\s*(original message|исходное сообщение|оригинальное сообщение)\s*-{2,}\s*$",
               re.IGNORECASE),
    re.compile(r"^\s*on\b.+\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^.+\b(пишет|написал|написала|написал\(а\)):\s*$", re.IGNORECASE),
)
HEADER_BLOCK_FROM = re.compile(r"^\s*\*?(from|от|від):\*?\s", re.IGNORECASE)
HEADER_BLOCK_NEXT = re.compile(r"^\s*\*?(sent|date|to|отправлено|дата|кому):\*?\s", re.IGNORECASE)
SEPARATOR = re.compile(r"^\s*_{10,}\s*$")
SIGNATURE = re.compile(r"^(-- ?|sent from my .{1,40}|отправлено (с|из) .{1,60})$", re.IGNORECASE)


def _starts_quote(lines, index):
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else ""
    for pattern in QUOTE_STARTS:
        # Clients wrap a long «On … wrote:» line in two.
        if pattern.match(line) or (following and pattern.match(f"{line} {following}")
                                   and pattern.match(following) is None and following.rstrip().endswith(":")):
            return True
    if HEADER_BLOCK_FROM.match(line):
        return any(HEADER_BLOCK_NEXT.match(next_line) for next_line in lines[index + 1:index + 4])
    return bool(SEPARATOR.match(line) and following and HEADER_BLOCK_FROM.match(following))


def trim_quoted_reply(text):
    """The new part of a reply: without the quoted previous message and the trailing signature."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    kept = []
    for index, line in enumerate(lines):
        if _starts_quote(lines, index) or SIGNATURE.match(line.rstrip("\r")):
            break
        if not line.startswith(">"):
            kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
