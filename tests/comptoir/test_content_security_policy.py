"""Every response carries a Content-Security-Policy: strict on the site, looser
(but still closed to other origins) in the Wagtail admin, the same in every setting."""

import json

import pytest

from .test_settings import run_with_env

pytestmark = pytest.mark.django_db

PRINT_POLICY = """
import json
from django.conf import settings
print(json.dumps({
    "site": settings.CONTENT_SECURITY_POLICY,
    "admin": settings.ADMIN_CONTENT_SECURITY_POLICY,
    "middleware": settings.MIDDLEWARE,
}))
"""


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))


def test_site_pages_allow_only_their_own_scripts_and_styles(client):
    policy = directives(client.get("/reviews/how-it-works/"))

    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


def test_error_pages_carry_the_policy_too(client):
    assert (
        "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]
    )


def test_the_admin_has_its_own_policy_still_closed_to_other_origins(client):
    policy = directives(client.get("/admin/login/"))

    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "http" not in " ".join(policy.values())


def test_development_sends_what_production_sends_with_media_on_another_origin():
    seen = {}
    for name, env in {
        "dev": {"DJANGO_SETTINGS_MODULE": "comptoir.settings.dev"},
        "production": {
            "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            # Required by production; nothing connects to them here.
            "DATABASE_URL": "postgres://shop@127.0.0.1:5432/comptoir",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    }.items():
        result = run_with_env(
            PRINT_POLICY, MEDIA_URL="https://media.example.com/comptoir/", **env
        )
        assert result.returncode == 0, result.stderr
        seen[name] = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["dev"] == seen["production"]
    img_src = seen["production"]["site"]["DIRECTIVES"]["img-src"]
    assert "https://media.example.com" in img_src
    assert (
        "comptoir.content_security.ContentSecurityPolicyMiddleware"
        in seen["production"]["middleware"]
    )
