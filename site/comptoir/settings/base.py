"""Settings shared by every environment; the others start from these.

Everything a deployment changes comes from the environment (README lists it all).
"""

import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from comptoir.env import env_bool, env_int, env_list, env_str, redis_settings

SITE_DIR = Path(__file__).resolve().parent.parent.parent  # site/
BASE_DIR = SITE_DIR.parent  # the checkout

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Daphne first, so `runserver` is Daphne too.
    "daphne",
    "comptoir",
    "editorial",
    "community.members",
    "community.moderation",
    "community.reviews",
    "community.notifications",
    "rewards",
    "marketplace.catalog",
    "marketplace.sales",
    "marketplace.integrations",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's user admin, with the member fields (display name, loyalty card…).
    "community.members.apps.MembersUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # django-ninja's own Swagger UI files, so /api/v1/docs works offline.
    "ninja",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "comptoir.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"
ASGI_APPLICATION = "comptoir.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "community.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# SQLite by default: WAL so readers never wait on the writer, a busy timeout so a
# second writer waits instead of failing, IMMEDIATE transactions so a transaction
# that will write takes the write lock at BEGIN (no deadlock on lock upgrade).
SQLITE_PATH = env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and live updates -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Both carry on when Redis stops answering (README, "Operations").
    CACHES, CHANNEL_LAYERS = redis_settings(
        REDIS_URL,
        cache_prefix=env_str("CACHE_KEY_PREFIX", "comptoir"),
        channels_prefix=env_str("CHANNELS_PREFIX", "comptoir"),
    )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background work ------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Members ----------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the public display name (and makes the profile slug).
ACCOUNT_FORMS = {"signup": "community.members.forms.MemberSignupForm"}
ACCOUNT_ADAPTER = "community.members.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Comptoir · "
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Where the file-based backend writes messages (used by the browser tests).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent_emails"))
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Comptoir <communaute@comptoir.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages --------------------------------------------------------------------
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
CURRENCY = env_str("COMPTOIR_CURRENCY", "EUR")
# A refund whose sale has not arrived this many days after it is reported to the
# rewards managers by each monthly close (it counts in no net revenue meanwhile).
REWARDS_ORPHAN_REFUND_DAYS = env_int("REWARDS_ORPHAN_REFUND_DAYS", 14)

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Uploads of content nobody may see yet (photos of reviews awaiting moderation) are
# kept apart from MEDIA_ROOT, so no web server or bucket policy ever serves them;
# the app streams them to their author and moderators only.
PRIVATE_MEDIA_ROOT = Path(
    env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private_media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Development serves static files straight from the apps, no collectstatic needed.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
if WHITENOISE_USE_FINDERS:
    # Served from the apps' folders, STATIC_ROOT need not exist until collectstatic.
    warnings.filterwarnings("ignore", message="No directory at: ")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A bulk API call of 1,000 products with long descriptions is a few megabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Content-Security-Policy ------------------------------------------------------


def _origins(*urls: str) -> list[str]:
    """The origins of those URLs that are absolute (media on S3, static on a CDN)."""
    return sorted({"/".join(url.split("/")[:3]) for url in urls if "://" in url})


# Sent by every setting alike, so the browser tests see what production sends. The
# site's own scripts, styles and images only: inline scripts, event handlers and
# style attributes are refused, and so is anything from another origin (but media
# on S3). JSON-LD blocks are data, not scripts: no directive applies to them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_origins(MEDIA_URL, STATIC_URL)],
        "font-src": [SELF],
        # 'self' covers the site's own websockets (ws: and wss:).
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Wagtail's admin still writes inline scripts and styles of its own: under these
# prefixes its directives replace the site's (comptoir/content_security.py).
ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *_origins(MEDIA_URL, STATIC_URL)],
        # Page previews are the site's pages in a frame of the admin.
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
    }
}

# --- Wagtail ----------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Comptoir")
WAGTAILADMIN_BASE_URL = env_str("SITE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No staff e-mail hashes sent to gravatar.com, and no foreign images in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# "Jardin" and "jardin" are one tag, whoever typed it.
TAGGIT_CASE_INSENSITIVE = True

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
