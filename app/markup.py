"""Markdown → sanitized HTML: the only way text written by users becomes HTML on a page."""

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "nl2br"]
RENDERED_KEPT = 512  # texts whose HTML a process keeps: tickets' and guides' bodies shown again and again


def render_markdown(text):
    """Render Markdown and keep only harmless tags, attributes and link schemes.

    The HTML depends on the text alone, so a process keeps the last RENDERED_KEPT results.
    """
    return _rendered(text or "")


@lru_cache(maxsize=RENDERED_KEPT)
def _rendered(text):
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    # nh3 drops every tag and attribute not listed (script, style, on*…) and unsafe URLs.
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)
