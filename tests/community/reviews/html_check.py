"""Parse a rendered page and list whatever could run: for the hostile-text tests."""

import json
from html.parser import HTMLParser

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "poster"}
FORBIDDEN_TAGS = {
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "video",
}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self._chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("type") == "application/ld+json":
                self._in_json_ld = True
                self._chunks = []
            elif not (attributes.get("src") or "").startswith("/static/"):
                self.problems.append(f"script element {attrs}")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "img" and not (attributes.get("src") or "").startswith(
            ("/media/", "/p/", "/static/")
        ):
            self.problems.append(f"img from {attributes.get('src')!r}")
        if tag == "meta" and attributes.get("http-equiv"):
            self.problems.append(f"meta http-equiv {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style" and value and "url(" in value:
                self.problems.append(f"style with url() on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._in_json_ld:
            self._chunks.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append("".join(self._chunks))


def live_html_problems(html: str) -> list[str]:
    """Script elements, event handlers, dangerous URLs, unexpected active tags."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    problems = collector.problems
    for block in collector.json_ld:
        try:
            json.loads(block)
        except ValueError as error:
            problems.append(f"JSON-LD does not parse: {error}")
        if "</" in block.lower() or "<script" in block.lower():
            problems.append("JSON-LD holds a raw '<'")
    return problems


def json_ld_blocks(html: str) -> list[dict]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [json.loads(block) for block in collector.json_ld]
