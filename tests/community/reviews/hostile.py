"""Hostile text for every field a member or staff writes: at least 100 strings."""

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">clic</a>',
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x]( <javascript:alert(1)> )",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    '[a](https://ok.example "title" onclick=alert(1))',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scr&#0;ipt>alert(1)</script>",
    "<scr\ufeffipt>alert(1)</script>",
    "java\u200bscript:alert(1)",
    "[x](java\tscript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<video><source onerror=alert(1)></video>",
    "<base href=javascript:alert(1)//>",
    "{{ 7*7 }} {% debug %}",
]

WRAPPERS = [
    "{}",
    "Très bien **{}** vraiment",
    "> {}",
    "- {}\n- fin",
]


def hostile_strings() -> list[str]:
    strings = []
    for payload in PAYLOADS:
        for wrapper in WRAPPERS[:2]:
            strings.append(wrapper.format(payload))
    return strings


assert len(hostile_strings()) >= 100
