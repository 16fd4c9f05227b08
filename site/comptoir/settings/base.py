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
    "community.ideas",
    "community.forum",
    "community.notifications",
    "rewards",
    "marketplace.catalog",
    "marketplace.sales",
    "marketplace.integrations",
    "marketplace.reservations",
    "marketplace.resale",
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
    # A database that does not answer makes a 503 page, not a stack trace.
    "comptoir.db_outage.DatabaseOutageMiddleware",
    "comptoir.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Ahead of sessions and authentication: a page from the cache costs no query.
    "comptoir.page_cache.PageCacheMiddleware",
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

# Prometheus metrics at /metrics (comptoir/metrics.py), off unless asked for: the
# middlewares of django-prometheus go around all the others, to time them too.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
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
DATABASE_POOL = env_bool("DATABASE_POOL", False)


def database_from_url(url: str) -> dict:
    """A DATABASES entry for `url`, with the scale settings of README's table."""
    # A pool keeps connections itself: Django refuses persistent ones beside it.
    conn_max_age = 0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 0)
    database = dj_database_url.parse(
        url,
        conn_max_age=conn_max_age,
        # A kept connection that the server dropped is replaced, not failed on.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", conn_max_age > 0),
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        # A host that does not answer costs a page seconds (then a 503), not a
        # worker its whole timeout.
        options["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
        if DATABASE_POOL:
            options["pool"] = {
                "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
                "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
            }
    return database


if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(SQLITE_OPTIONS),
            # Opening the file and running the PRAGMAs above cost a page about
            # 1.5 ms of CPU: each worker thread keeps its connection instead.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 600),
        }
    }
# Reads outside a transaction go to a read replica when one is given
# (comptoir/db_router.py); writes and everything in a transaction to the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database_from_url(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["comptoir.db_router.ReplicaRouter"]
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

# Anonymous visitors' pages from the cache above, forgotten when what they show
# changes (comptoir/page_cache.py); PAGE_CACHE_SECONDS is only a safety net.
# Browsers and proxies may keep such a page PAGE_CACHE_MAX_AGE seconds: nothing
# tells them of a change.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 3600)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)

# --- Background work ------------------------------------------------------------
# Jobs (comptoir/background.py) run at once inside the process that asks for them
# (`immediate`: make run, tests), or are stored for `manage.py tasks_worker`
# (`database`: production's default).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def tasks_setting(name: str) -> dict:
    """TASKS for the backend named `name` (the TASKS_BACKEND variable)."""
    if name not in TASK_BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}."
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = tasks_setting(env_str("TASKS_BACKEND", "immediate"))

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
# The language links' choice (comptoir/language.py) outlives the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
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
# S3-compatible object storage (django-storages) for uploads, by settings alone.
# Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "s3" if AWS_STORAGE_BUCKET_NAME else "files")
if MEDIA_STORAGE == "s3":
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "file_overwrite": False,
    }
    _custom_domain = env_str("AWS_S3_CUSTOM_DOMAIN")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": env_str("AWS_MEDIA_LOCATION", "media"),
            "custom_domain": _custom_domain or None,
            # Published media: plain URLs a CDN can cache, not signed ones.
            "querystring_auth": False,
        },
    }
    # Never public: its own bucket or prefix, signed URLs, streamed by the app.
    STORAGES["private_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env_str("AWS_PRIVATE_STORAGE_BUCKET_NAME")
            or AWS_STORAGE_BUCKET_NAME,
            "location": env_str("AWS_PRIVATE_MEDIA_LOCATION", "private"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    # Where the images are served from, for the Content-Security-Policy below.
    if _custom_domain:
        _media_origin = f"https://{_custom_domain}/"
    elif _s3["endpoint_url"]:
        _media_origin = f"{_s3['endpoint_url'].rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}/"
    else:
        _media_origin = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/"
    MEDIA_URL = env_str("MEDIA_URL", _media_origin)
    SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
elif MEDIA_STORAGE != "files":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be files or s3, not {MEDIA_STORAGE!r}."
    )
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


# Where the pages' scripts open their websockets (comptoir/static/comptoir/js/
# live-socket.js): unset, the page's own origin (a proxy routes /ws/ to Daphne);
# ":8001", the page's host on that port (make serve-prod without a proxy); or a
# whole origin, "wss://live.shop.example".
LIVE_SOCKET_URL = env_str("LIVE_SOCKET_URL").strip().rstrip("/")


_WS_SCHEMES = ("ws", "wss")


def _socket_origins(url: str, hosts: list[str]) -> list[str]:
    """What connect-src must allow beyond 'self' for sockets at `url`."""
    if not url:
        return []
    if url.startswith(":"):
        # ALLOWED_HOSTS' ".shop.example" is the domain and its subdomains.
        names = {f"*{host}" if host.startswith(".") else host for host in hosts}
        return sorted(f"{ws}://{name}{url}" for name in names for ws in _WS_SCHEMES)
    return _origins(url.replace("http", "ws", 1) if url.startswith("http") else url)


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
        # 'self' covers the site's own websockets (ws: and wss:) on its own port.
        "connect-src": [SELF, *_socket_origins(LIVE_SOCKET_URL, ALLOWED_HOSTS)],
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
# The site's public address: links in e-mails and the admin, /sitemap.xml and the
# feeds (comptoir/site_address.py), whatever host a request came in by.
SITE_BASE_URL = env_str("SITE_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Elasticsearch or OpenSearch when SEARCH_URL is set. Wagtail imports the backend,
# and its client, only when searching or indexing: install the client first
# (README, "Deploying"); `manage.py check` says so if it is missing.
SEARCH_URL = env_str("SEARCH_URL")
SEARCH_BACKENDS = {
    "elasticsearch8": "wagtail.search.backends.elasticsearch8",
    "elasticsearch9": "wagtail.search.backends.elasticsearch9",
    "opensearch2": "wagtail.search.backends.opensearch2",
    "opensearch3": "wagtail.search.backends.opensearch3",
}
if SEARCH_URL:
    _engine = env_str("SEARCH_BACKEND", "elasticsearch8")
    if _engine not in SEARCH_BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}, "
            f"not {_engine!r}."
        )
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": SEARCH_BACKENDS[_engine],
            "URLS": env_list("SEARCH_URL", []),
            "INDEX": env_str("SEARCH_INDEX", "comptoir"),
            "TIMEOUT": env_int("SEARCH_TIMEOUT", 5),
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }
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
