"""schema.org JSON-LD written into pages, for search engines.

Built as Python data and serialised with json.dumps, never by pasting strings into a
template; `<`, `>` and `&` are escaped as \\u003c, \\u003e, \\u0026, so member text
saying "</script><script>…" cannot close the script element it sits in.
"""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data) -> SafeString:
    """JSON safe to put inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308
