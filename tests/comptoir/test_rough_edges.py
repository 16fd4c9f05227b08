"""Issue 14's rough edges: what a visitor, a phone, a feed reader or a member of
staff notices before the content — icons, titles, error pages, addresses, the
admin's avatars, development e-mail, the home page's promise, refusals in the
admin.

Most tests read the site as `make run` shows it: the demo content, loaded once
for the module and rolled back after it.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from comptoir import icons
from comptoir.demo.members import ADMIN_EMAIL
from comptoir.demo.moderation import MODERATOR_EMAIL
from comptoir.demo.rewards import MANAGER_EMAIL
from comptoir.mail import ConsoleAndFileEmailBackend
from comptoir.templatetags.page_titles import site_title
from editorial.models import ArticleIndexPage, ArticlePage, HomePage
from marketplace.catalog.models import Product, Store
from marketplace.reservations.models import Reservation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
MEMBER_EMAIL = "camille.martin@exemple.fr"
LYON_STAFF_EMAIL = "magasin-lyon@comptoir.example"
NO_PERMISSION = "Sorry, you do not have permission to access this area."
TAGLINE = "the community of your garden and DIY stores"


@pytest.fixture(autouse=True)
def _language_kept():
    """A request in French activates French for the thread: the tests that run
    after these in the same process keep the language they had."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content of `make run`, loaded once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def user(email: str):
    return get_user_model().objects.get(email=email)


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return " ".join(match[1].split())


def head_of(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


# --- 1. Favicon and app icons -------------------------------------------------


def test_favicon_answers_with_the_mark_at_three_sizes(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    favicon = Image.open(io.BytesIO(response.content))
    assert favicon.format == "ICO"
    assert favicon.ico.sizes() == {(16, 16), (32, 32), (48, 48)}


@pytest.mark.parametrize(
    "address", ["/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"]
)
def test_phones_asking_the_root_for_their_icon_get_a_square_png(client, address):
    response = client.get(address)

    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size, image.mode) == ("PNG", (180, 180), "RGB")


def test_the_manifest_names_the_site_and_lists_icons_that_answer(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Comptoir"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#1f6b3a"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            content = b"".join(served.streaming_content)
            width, height = Image.open(io.BytesIO(content)).size
            assert f"{width}x{height}" == icon["sizes"]


def test_the_manifest_speaks_the_visitors_language(client):
    english = json.loads(client.get("/manifest.webmanifest").content)
    french = json.loads(
        client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="fr").content
    )

    assert english["lang"] == "en"
    assert "garden and DIY" in english["name"]
    assert french["lang"] == "fr"
    assert "jardinage" in french["name"]


def test_every_page_links_its_icons_and_the_manifest(client, demo):
    head = head_of(client.get("/products/"))

    assert '<link rel="icon" href="/favicon.ico"' in head
    assert re.search(
        r'<link rel="icon" href="[^"]+icon\.svg" type="image/svg\+xml">', head
    )
    assert re.search(
        r'<link rel="icon" href="[^"]+icon-192\.png" type="image/png"', head
    )
    assert re.search(
        r'<link rel="apple-touch-icon" href="[^"]+apple-touch-icon\.png">', head
    )
    assert '<link rel="manifest" href="/manifest.webmanifest">' in head


def test_committed_icons_are_what_the_generator_draws(tmp_path):
    written = {path.name: path for path in icons.icons_write(tmp_path)}

    committed = icons.ICONS_DIR
    assert (committed / "icon.svg").read_text() == written["icon.svg"].read_text()
    for name, (size, _shape) in icons.PNG_ICONS.items():
        ours = Image.open(committed / name)
        assert ours.size == (size, size), name
        # Same drawing: the pixels agree (PNG bytes may differ between zlib builds).
        assert ours.tobytes() == Image.open(written[name]).tobytes(), name


def test_the_mark_is_in_the_sites_green():
    icon = Image.open(icons.ICONS_DIR / "icon-512.png").convert("RGB")

    # A corner of the square inside the rounding, and the middle of the C's back.
    assert icon.getpixel((200, 20)) == (0x1F, 0x6B, 0x3A)
    assert icon.getpixel((106, 256)) == (0xFB, 0xFA, 0xF6)


# --- 2. Page titles -----------------------------------------------------------


@pytest.mark.parametrize(
    ("page_title", "expected"),
    [
        ("", "Comptoir"),
        ("  ", "Comptoir"),
        ("Comptoir", "Comptoir"),
        ("comptoir", "Comptoir"),
        ("Produits", "Produits · Comptoir"),
        ("Comptoir · Jardin", "Comptoir · Jardin"),
        ("Produits · Comptoir", "Produits · Comptoir"),
        ("Mon\n  avis", "Mon avis · Comptoir"),
    ],
)
def test_site_title_adds_the_name_once(page_title, expected):
    assert site_title(page_title) == expected


def test_site_title_keeps_what_the_page_escaped():
    rendered = Template(
        "{% load page_titles %}{% filter site_title %}{{ name }}{% endfilter %}"
    ).render(Context({"name": "Bêche & râteau <pro>"}))

    assert rendered == "Bêche &amp; râteau &lt;pro&gt; · Comptoir"


def test_the_home_page_is_named_once_with_what_the_site_is(client, demo):
    response = client.get("/")

    assert response.status_code == 200
    assert title_of(response) == f"Comptoir · {TAGLINE}"


def test_an_editors_seo_title_on_the_home_page_is_kept(client, demo):
    home = HomePage.objects.get()
    home.seo_title = "Jardin et bricolage près de chez vous"
    home.save_revision().publish()

    assert (
        title_of(client.get("/")) == "Jardin et bricolage près de chez vous · Comptoir"
    )


def _public_addresses() -> list[str]:
    article = ArticlePage.objects.live().order_by("path").first()
    index = ArticleIndexPage.objects.get()
    product = Product.objects.filter(active=True).order_by("pk").first()
    store = Store.objects.order_by("pk").first()
    from community.ideas.models import PUBLIC_STATES, Idea

    idea = Idea.objects.filter(state__in=PUBLIC_STATES).order_by("pk").first()
    member = user(MEMBER_EMAIL)
    return [
        index.url,
        f"{index.url}?tag=jardin",
        article.url,
        "/products/",
        product.get_absolute_url(),
        "/stores/",
        f"/stores/{store.code}/",
        "/search/",
        "/search/?q=arrosoir",
        "/ideas/",
        idea.get_absolute_url(),
        "/ideas/how-it-works/",
        "/ideas/similar/?title=arrosoir",
        "/reviews/how-it-works/",
        f"/members/{member.slug}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]


MEMBER_ADDRESSES = [
    "/me/",
    "/me/reviews/",
    "/me/wallet/",
    "/me/reservations/",
    "/me/notifications/",
    "/me/emails/",
    "/me/ideas/",
    "/me/data/",
    "/me/delete/",
    "/ideas/new/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def assert_page_title(response, address: str) -> None:
    title = title_of(response)
    page, _, site = title.rpartition(" · ")
    assert site == "Comptoir", f"{address}: {title!r}"
    assert page.strip(), f"{address}: {title!r}"
    assert "Comptoir · Comptoir" not in title, f"{address}: {title!r}"


def test_every_public_page_type_is_titled_page_then_site(client, demo):
    for address in _public_addresses():
        response = client.get(address)

        assert response.status_code in (200, 404), address
        assert_page_title(response, address)


def test_every_members_page_is_titled_page_then_site(client, demo):
    member = user(MEMBER_EMAIL)
    client.force_login(member)
    product = Product.objects.filter(active=True).exclude(reviews__author=member)
    addresses = [
        *MEMBER_ADDRESSES,
        reverse("reviews:create", kwargs={"slug": product.first().slug}),
    ]
    reservation = Reservation.objects.filter(member=member).first()
    if reservation is not None:
        addresses.append(reservation.get_absolute_url())

    for address in addresses:
        response = client.get(address)

        assert response.status_code == 200, address
        assert_page_title(response, address)


# --- 3. The site's own 404 and 500 pages --------------------------------------


def test_an_unknown_address_gets_the_sites_404_page(client, demo):
    response = client.get("/articles/no-such-article/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html
    assert "Page not found" in html
    assert title_of(response) == "Page not found · Comptoir"


def test_a_crash_gets_the_sites_500_page_without_a_request_context(monkeypatch):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("the home page broke")

    monkeypatch.setattr(HomePage, "serve", crash)
    client = Client(raise_request_exception=False)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "Une erreur est survenue" in html
    assert "the home page broke" not in html
    assert "Traceback" not in html
    assert 'href="/favicon.ico"' in html


def test_a_refusal_outside_the_admin_gets_the_sites_403_page(client, demo):
    # Answering reviews is the retailer's staff's; a member is told so.
    from community.moderation.models import ModerationStatus
    from community.reviews.models import Review

    client.force_login(user(MEMBER_EMAIL))
    review = Review.objects.filter(status=ModerationStatus.PUBLISHED).first()

    response = client.get(reverse("reviews:respond", kwargs={"pk": review.pk}))

    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
    assert title_of(response) == "Not allowed · Comptoir"
    assert "Only the retailer" in response.content.decode()


ERROR_PAGES = """
import json
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.urls import get_resolver
resolver = get_resolver()
request = RequestFactory().get("/nowhere/")
not_found = resolver.resolve_error_handler(404)(request, Http404())
crash = resolver.resolve_error_handler(500)(request)
print(json.dumps({
    "debug": settings.DEBUG,
    "handler500": f"{resolver.urlconf_module.handler500}",
    "404": [not_found.status_code, "site-header" in not_found.content.decode()],
    "500": [crash.status_code, "Something went wrong" in crash.content.decode()],
    "gravatar": settings.WAGTAIL_GRAVATAR_PROVIDER_URL,
    "email": [settings.EMAIL_BACKEND, str(settings.EMAIL_FILE_PATH)],
}))
"""

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-Zq8#v1!pW3$mT6^rY9&uI2*oP5(aS7)dF0_gH4+jK",
    "DATABASE_URL": "postgres://shop@127.0.0.1:5432/comptoir",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WHITENOISE_USE_FINDERS": "true",
}


def _run_settings(code: str, **env: str) -> dict:
    import os

    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "SITE_"))
    }
    clean.update(env, PYTHONPATH=f"{ROOT}:{ROOT / 'site'}")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seen_under_each_setting() -> dict[str, dict]:
    """What each settings module, with DEBUG off, answers and says (one process
    each: settings are read once per process)."""
    return {
        name: _run_settings(ERROR_PAGES, **env)
        for name, env in {
            "dev": {
                "DJANGO_SETTINGS_MODULE": "comptoir.settings.dev",
                "DJANGO_DEBUG": "false",
            },
            "test": {"DJANGO_SETTINGS_MODULE": "comptoir.settings.test"},
            "production": PRODUCTION_ENV,
        }.items()
    }


@pytest.mark.parametrize("setting", ["dev", "test", "production"])
def test_every_setting_without_debug_answers_with_the_sites_error_pages(
    seen_under_each_setting, setting
):
    seen = seen_under_each_setting[setting]

    assert seen["debug"] is False
    assert seen["handler500"] == "comptoir.db_outage.server_error"
    assert seen["404"] == [404, True]
    assert seen["500"] == [500, True]


def test_uploads_are_served_with_debug_off(client, settings):
    # The test settings run without DEBUG, as production and the browser tests do.
    assert settings.DEBUG is False and settings.SERVE_MEDIA is True
    folder = Path(settings.MEDIA_ROOT) / "images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "arrosoir-test.jpg").write_bytes(b"not really a jpeg")

    served = client.get("/media/images/arrosoir-test.jpg")
    missing = client.get("/media/images/no-such-photo.jpg")
    outside = client.get("/media/../pyproject.toml")

    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"not really a jpeg"
    assert missing.status_code == 404
    assert 'class="site-header"' in missing.content.decode()
    assert outside.status_code in (400, 404)


# --- 4. Sitemap and feeds on SITE_BASE_URL -------------------------------------


def _locations(response) -> list[str]:
    return [
        loc.text
        for loc in ElementTree.fromstring(response.content).findall(
            "sm:url/sm:loc", SITEMAP_NS
        )
    ]


def test_the_sitemap_is_on_the_sites_public_address(client, settings, demo):
    settings.SITE_BASE_URL = "https://jardin.example"

    response = client.get("/sitemap.xml", HTTP_HOST="10.0.0.7:8000")

    locations = _locations(response)
    assert response.status_code == 200
    assert "https://jardin.example/" in locations
    assert "https://jardin.example/articles/" in locations
    product = Product.objects.filter(active=True).order_by("pk").first()
    assert f"https://jardin.example{product.get_absolute_url()}" in locations
    # Pages, products and what apps register (ideas) alike.
    assert any(loc.startswith("https://jardin.example/ideas/") for loc in locations)
    assert not [
        loc for loc in locations if not loc.startswith("https://jardin.example/")
    ]


def test_the_sitemap_defaults_to_the_development_address_not_localhost(client, demo):
    locations = _locations(client.get("/sitemap.xml"))

    assert locations
    assert not [loc for loc in locations if "localhost" in loc]
    assert all(loc.startswith("http://127.0.0.1:8000/") for loc in locations)


def test_the_articles_feed_links_to_the_sites_public_address(client, settings, demo):
    settings.SITE_BASE_URL = "https://jardin.example/"

    response = client.get("/articles/feed/", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("link") == "https://jardin.example/articles/"
    assert (
        channel.find("atom:link", ATOM_NS).get("href")
        == "https://jardin.example/articles/feed/"
    )
    links = [item.findtext("link") for item in channel.findall("item")]
    guids = [item.findtext("guid") for item in channel.findall("item")]
    assert links
    assert all(link.startswith("https://jardin.example/articles/") for link in links)
    assert guids == links


# --- 5. No gravatar in the admin ----------------------------------------------


def test_the_admin_shows_no_gravatar_but_wagtails_own_placeholder(client, demo):
    client.force_login(user(ADMIN_EMAIL))

    html = client.get("/admin/").content.decode()

    assert "gravatar" not in html
    assert "default-user-avatar" in html


@pytest.mark.parametrize("setting", ["dev", "test", "production"])
def test_gravatar_is_off_in_every_setting(seen_under_each_setting, setting):
    assert seen_under_each_setting[setting]["gravatar"] is None


# --- 6. E-mail in development: the console and ./sent_emails/ ------------------


def test_make_runs_settings_print_and_keep_every_email(seen_under_each_setting):
    backend, folder = seen_under_each_setting["dev"]["email"]

    assert backend == "comptoir.mail.ConsoleAndFileEmailBackend"
    assert folder == str(ROOT / "sent_emails")
    assert seen_under_each_setting["test"]["email"][0].endswith("locmem.EmailBackend")


def test_sign_up_prints_the_verification_mail_and_keeps_it_as_a_file(
    client, settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "comptoir.mail.ConsoleAndFileEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent_emails")

    # The mail leaves after the sign-up commits (comptoir.background).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "lucie@example.com",
                "display_name": "Lucie Jardine",
                "password1": "Un-potager-en-2026!",
                "password2": "Un-potager-en-2026!",
            },
        )

    assert response.status_code == 302
    files = sorted((tmp_path / "sent_emails").glob("*.eml"))
    assert len(files) == 1
    kept = files[0].read_text()
    assert "To: lucie@example.com" in kept
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", kept)[0]
    assert link in capsys.readouterr().out
    assert client.get(link.split("testserver", 1)[1]).status_code == 200


def test_each_message_gets_a_file_of_its_own(tmp_path):
    backend = ConsoleAndFileEmailBackend(file_path=tmp_path, stream=io.StringIO())
    messages = [
        mail.EmailMessage("Votre réservation", "Bonjour", to=["a@example.com"]),
        mail.EmailMessage("Votre réservation", "Bonsoir", to=["b@example.com"]),
    ]

    assert backend.send_messages(messages) == 2

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert all("votre-reservation" in path.name for path in files)
    assert {("Bonjour" in p.read_text()) for p in files} == {True, False}
    assert "Bonsoir" in backend.stream.getvalue()


def test_a_folder_that_cannot_be_written_still_prints_the_mail(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    stream = io.StringIO()
    backend = ConsoleAndFileEmailBackend(file_path=blocker, stream=stream)

    sent = backend.send_messages(
        [mail.EmailMessage("Bienvenue", "Bonjour", to=["a@example.com"])]
    )

    assert sent == 1
    assert "Bonjour" in stream.getvalue()
    assert "E-mail not saved" in caplog.text


# --- 7. The home page promises only what exists -------------------------------


def test_the_demo_home_page_introduces_only_what_the_site_does(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    intro = html[html.index('class="home-hero"') : html.index("</section>")]

    for promise in ("stock", "réservation", "avis", "idées de produits", "récompens"):
        assert promise in intro, promise
    for missing in ("revente", "forum", "occasion", "annonce"):
        assert missing not in intro.lower(), missing


def test_no_demo_article_promises_resale_between_members(demo):
    for article in ArticlePage.objects.live():
        text = str(article.body).lower()
        assert "revente entre membres" not in text, article.slug


# --- 8. Admin pages outside one's role: back home, told why --------------------


def assert_sent_home(client, response, address: str, reason: str) -> None:
    assert response.status_code == 302, address
    assert response["Location"] == reverse("wagtailadmin_home"), address
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert told, address
    assert told[-1].startswith(NO_PERMISSION), (address, told)
    assert reason in told[-1], (address, told)
    # The admin's home then shows it, once.
    home = client.get(response["Location"]).content.decode()
    assert home.count(NO_PERMISSION) == 1, address


def test_a_moderator_opening_rewards_pages_is_sent_home_told_why(client, demo):
    client.force_login(user(MODERATOR_EMAIL))

    for address in (
        "/admin/rewards/",
        "/admin/rewards/payouts/",
        "/admin/rewards/report/",
    ):
        response = client.get(address)

        assert_sent_home(client, response, address, "Only rewards managers")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("/admin/members/data-requests/", "Only staff handling data requests"),
        ("/admin/background-tasks/", "You may not see the background tasks."),
    ],
)
def test_a_moderator_opening_staff_only_pages_is_sent_home_told_why(
    client, demo, address, reason
):
    client.force_login(user(MODERATOR_EMAIL))

    assert_sent_home(client, client.get(address), address, reason)


def test_a_rewards_manager_opening_the_moderation_queue_is_sent_home(client, demo):
    client.force_login(user(MANAGER_EMAIL))

    response = client.get("/admin/moderation/")

    assert_sent_home(client, response, "/admin/moderation/", "")


def test_a_rewards_manager_opening_the_ideas_board_is_sent_home_told_why(client, demo):
    from community.ideas.models import Idea

    client.force_login(user(MANAGER_EMAIL))
    idea = Idea.objects.order_by("pk").first()

    for address in ("/admin/ideas/", f"/admin/ideas/{idea.pk}/"):
        response = client.get(address)

        assert_sent_home(client, response, address, "Only the review board")


def test_a_moderator_deciding_an_idea_is_sent_home_and_nothing_changes(client, demo):
    from community.ideas.models import Idea, IdeaState

    client.force_login(user(MODERATOR_EMAIL))
    idea = Idea.objects.filter(state=IdeaState.IN_REVIEW).order_by("pk").first()

    response = client.post(
        f"/admin/ideas/{idea.pk}/decide/", {"decision": "accepted", "reason": "Oui"}
    )

    assert_sent_home(client, response, "decide", "Only members of the review board")
    idea.refresh_from_db()
    assert idea.state == IdeaState.IN_REVIEW


def test_staff_of_no_store_opening_the_desk_are_sent_home_told_why(client, demo):
    reservation = Reservation.objects.order_by("pk").first()
    for email in (MODERATOR_EMAIL, MANAGER_EMAIL):
        client.force_login(user(email))

        for address in (
            "/admin/desk/",
            "/admin/desk/lyon-part-dieu/",
            "/admin/desk/no-such-store/",
            f"/admin/reservations/{reservation.pk}/",
        ):
            response = client.get(address)

            assert_sent_home(client, response, address, "hand-off desk")


def test_another_stores_desk_and_reservations_stay_unknown_to_store_staff(client, demo):
    lyon = user(LYON_STAFF_EMAIL)
    client.force_login(lyon)
    elsewhere = Store.objects.exclude(staff=lyon).order_by("pk").first()
    theirs = Reservation.objects.exclude(store__staff=lyon).order_by("pk").first()

    assert client.get("/admin/desk/lyon-part-dieu/").status_code == 200
    assert client.get(f"/admin/desk/{elsewhere.code}/").status_code == 404
    assert client.get(f"/admin/reservations/{theirs.pk}/").status_code == 404


def test_scripts_asking_outside_their_role_get_a_403_not_a_redirect(client, demo):
    client.force_login(user(MANAGER_EMAIL))

    response = client.get("/admin/desk/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.status_code == 403
