import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community.forum import urls as forum_urls
from community.ideas import urls as ideas_urls
from community.members import urls as members_urls
from community.members.views import AdminLogoutView
from community.moderation import urls as moderation_urls
from community.notifications import urls as notifications_urls
from community.reviews import urls as reviews_urls
from comptoir import health, metrics, web_app
from comptoir.language import language_switch
from editorial import urls as editorial_urls
from editorial.sitemaps import sitemap
from marketplace.catalog import urls as catalog_urls
from marketplace.integrations.api import api
from marketplace.resale import urls as resale_urls
from marketplace.reservations import urls as reservations_urls
from rewards import urls as rewards_urls

# A database outage met outside a view answers 503 too (comptoir/db_outage.py).
handler500 = "comptoir.db_outage.server_error"

urlpatterns = [
    # Probes first: they touch no database, session or cache on the way.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Asked for by browsers and phones whatever the page says (comptoir/web_app.py).
    path("favicon.ico", web_app.favicon, name="favicon"),
    path("apple-touch-icon.png", web_app.apple_touch_icon),
    path("apple-touch-icon-precomposed.png", web_app.apple_touch_icon),
    path("manifest.webmanifest", web_app.web_manifest, name="web_manifest"),
    path("django-admin/", admin.site.urls),
    # Ahead of Wagtail's own, which logs out on GET too.
    path("admin/logout/", AdminLogoutView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", language_switch, name="language_switch"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include(editorial_urls)),
    path("", include(rewards_urls)),
    path("", include(members_urls)),
    path("", include(moderation_urls)),
    path("", include(reviews_urls)),
    path("", include(ideas_urls)),
    path("", include(forum_urls)),
    path("", include(notifications_urls)),
    path("", include(reservations_urls)),
    path("", include(resale_urls)),
    path("", include(catalog_urls)),
]

if settings.METRICS_ENABLED:
    # Prometheus's scrape, for METRICS_ALLOWED_IPS only (comptoir/metrics.py).
    urlpatterns.insert(0, path("metrics", metrics.metrics_view, name="metrics"))

_media_prefix = settings.MEDIA_URL.lstrip("/")
if settings.SERVE_MEDIA and _media_prefix and "://" not in settings.MEDIA_URL:
    # Member uploads are served by Django only until S3-compatible storage is set.
    # Not with `static()`: it serves nothing once DEBUG is off, and production
    # and the browser tests run without DEBUG.
    urlpatterns += [
        re_path(
            rf"^{re.escape(_media_prefix)}(?P<path>.*)$",
            serve_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [
    # Wagtail's page tree takes whatever no other pattern claimed.
    path("", include(wagtail_urls)),
]
