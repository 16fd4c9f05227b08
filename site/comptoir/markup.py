"""Member-written Markdown to HTML that is safe to put in a page.

Reviews today, forum posts and ideas later all go through `markdown_to_safe_html`.
Two well-kept libraries do the work, one after the other, so either alone failing
is not enough for an attack to pass:

1. markdown-it-py renders CommonMark with raw HTML switched off: `<script>` typed
   by a member comes out as the text "<script>", never as a tag. Its link validator
   already refuses `javascript:`, `vbscript:`, `file:` and most `data:` targets.
2. nh3 (the Rust sanitiser ammonia) then keeps only an allow-list of tags and
   attributes, and only http, https and mailto links, each with
   rel="nofollow ugc noopener": search engines are told the link is the member's,
   not ours, and the opened page cannot reach back into ours.

A trusted author's text (`trusted=True`: forum posts of members of trust level 3
and above, `TRUSTED_LINKS_FROM_LEVEL`) is sanitised the same way, but its links
carry rel="ugc noopener": still marked as the member's, no longer "nofollow",
as Discourse does from trust level 3. The template filter `markdown_by` decides
from the author's current level.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
TRUSTED_LINK_REL = "ugc noopener"
# community.members.trust.REGULAR: the first level only staff grant.
TRUSTED_LINKS_FROM_LEVEL = 3

# "commonmark" with html=False: typed tags are text. Tables, strikethrough and images
# are not enabled: images would let a member load third-party content in our pages.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

# The tags nh3 drops *with their content* rather than unwrapping; the rest of the
# disallowed tags are unwrapped so their text stays readable.
_CLEAN_CONTENT_TAGS = frozenset({"script", "style", "svg", "math", "iframe", "object"})


def sanitise_html(html: str, *, link_rel: str = LINK_REL) -> str:
    """Keep only the allow-listed tags, attributes and link schemes of `html`;
    every link gets `link_rel`."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        # A relative href ("/admin/…", "evil") has no scheme to check: refuse it.
        url_relative="deny",
        link_rel=link_rel,
        strip_comments=True,
    )


# Rendering and sanitising cost about a millisecond per review; a page shows the same
# texts to every reader, so each process keeps the latest few thousand results.
# The function is pure (same text and variant, same HTML), so a cached result is
# never stale; the variant is part of the key.
@lru_cache(maxsize=4096)
def _render(text: str, trusted: bool = False) -> str:
    return sanitise_html(
        _renderer.render(text), link_rel=TRUSTED_LINK_REL if trusted else LINK_REL
    )


def markdown_to_safe_html(text: str, *, trusted: bool = False) -> SafeString:
    """Render member Markdown and sanitise the result; safe to output unescaped.

    `trusted` only drops "nofollow" from the links (see the module's docstring);
    the allow-list is the same.
    """
    if not text:
        return mark_safe("")
    return mark_safe(_render(text, bool(trusted)))  # noqa: S308 - sanitised in _render


def author_is_trusted(author) -> bool:
    """Whether links written by `author` (a member, or None) lose "nofollow":
    their current trust level is TRUSTED_LINKS_FROM_LEVEL or more."""
    level = getattr(author, "trust_level", None)
    try:
        return int(level) >= TRUSTED_LINKS_FROM_LEVEL
    except (TypeError, ValueError):
        return False


@lru_cache(maxsize=4096)
def markdown_to_plain_text(text: str) -> str:
    """The words of member Markdown without any markup (JSON-LD, e-mails, previews)."""
    if not text:
        return ""
    return html.unescape(strip_tags(markdown_to_safe_html(text))).strip()
