"""Markdown → sanitized HTML: the only way text written by users becomes HTML on a page."""

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


def render_markdown(text):
    """Render Markdown and keep only harmless tags, attributes and link schemes."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    # nh3 drops every tag and attribute not listed (script, style, on*…) and unsafe URLs.
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)
