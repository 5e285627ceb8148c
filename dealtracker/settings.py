"""Settings for dealtracker, read from the environment (django-environ).

Every setting that is not obvious says why beside it. Nothing secret has a default outside DEBUG.
"""

import importlib.util
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    TIME_ZONE=(str, "Asia/Seoul"),
    REDIS_URL=(str, ""),
)
# A .env file beside manage.py is read when present, for local runs; the environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-dev-only-key-never-used-in-production")
else:
    SECRET_KEY = env("SECRET_KEY")  # required: raises ImproperlyConfigured when missing
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # Django's admin with optional TOTP sign-in: dealtracker/admin_site.py.
    "dealtracker.apps.EditorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files in development too, so runserver behaves like production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "import_export",
    "csp",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "deals",
]

# Development tools, present when the dev extra is installed (make test installs it).
if importlib.util.find_spec("django_migration_linter"):
    INSTALLED_APPS.append("django_migration_linter")

MIDDLEWARE = [
    # First, so every response (errors too) carries the request id and gets its log line.
    "dealtracker.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dealtracker.middleware.EditorLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication and locale: anonymous pages from the shared cache.
    "dealtracker.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change for django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dealtracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `{% extends %}` finding the root template's blocks once (its docstring).
            "builtins": ["deals.templatetags.kept_blocks"],
        },
    },
]

WSGI_APPLICATION = "dealtracker.wsgi.application"

# Without DATABASE_URL the app runs on a SQLite file in the project folder, so anyone can try it
# with nothing else installed. PostgreSQL is the production database and the one CI tests on.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Read replicas (comma-separated URLs): reads go to them, and everything in a request after it
# wrote goes to the primary (dealtracker/db_router.py). See docs/deploy.md.
REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
for number, url in enumerate(REPLICA_URLS, start=1):
    DATABASES[f"replica{number}"] = env.db_url_config(url)
if REPLICA_URLS:
    DATABASE_ROUTERS = ["dealtracker.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "dealtracker.db_router.PinPrimaryMiddleware")
# tests/test_db_router.py: a replica alias that is the test database itself (Django's test
# mirror), so the router can be tested without a second server.
if env.bool("TEST_REPLICA_MIRROR", default=False):
    DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# Persistent connections: a connection is reused by the requests a worker serves for this many
# seconds, instead of a new one (a few milliseconds and a PostgreSQL backend fork) per request.
# Each gunicorn worker thread holds one per database; size max_connections for that
# (docs/deploy.md). Health checks drop a connection the server closed before reusing it.
for _database in DATABASES.values():
    _database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _database.setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and locks the account (and address) out after AXES_FAILURE_LIMIT.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and Korean are both first-class. Korean pages live under /ko/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed static files in production (run collectstatic); plain files served from the
# apps' folders in DEBUG and in tests, so a missing collectstatic never breaks a page there.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# The cache is Redis when REDIS_URL is set (shared by every app server), otherwise local memory.
if env("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its redis-py client (see deals/cache.py).
            "BACKEND": "deals.cache.ReusingRedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "dealtracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long anonymous pages and API answers stay cached; any committed edit refreshes them at
# once (deals/cache.py). 0 turns the page and API caches off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Figures computed over whole tables (the home page's totals, a company's totals) are kept this
# long, and likewise refreshed by any committed edit (deals.cache.cached_for_generation). On
# whenever the page cache is; 0 turns it off (the tests do, through PAGE_CACHE_SECONDS).
DATA_CACHE_SECONDS = env.int("DATA_CACHE_SECONDS", default=PAGE_CACHE_SECONDS)
# On PostgreSQL the API's deals (written as JSON by the database itself), the rows of the
# site's deal tables and the records of the deal and company pages are read by statements
# prepared once per connection (deals/prepared.py).
# Turn this off behind a connection pooler that does not keep prepared statements (PgBouncer in
# transaction mode): docs/deploy.md. (API_SQL_JSON was its name when only the API used it.)
PREPARED_STATEMENTS = env.bool(
    "PREPARED_STATEMENTS", default=env.bool("API_SQL_JSON", default=True)
)
# Each worker keeps its own copy of the cached answers (with Redis) and data-cache figures (with
# any cache) it read last, up to this many megabytes, used until an edit makes them stale
# (deals.cache.NearCache). 0 turns it off.
NEAR_CACHE_MB = env.int("NEAR_CACHE_MB", default=32)

# The benchmark (`make bench`, bench/run.py) turns this on: it adds the floor endpoint
# /bench/floor (a constant through the whole middleware stack) and an X-Query-Count header.
# Never on in production.
BENCH = env.bool("BENCH", default=False)

LOGIN_URL = "admin:login"
# The admin can live at another path, so scanners looking for /admin/ find nothing.
ADMIN_URL = env("ADMIN_URL", default="admin/").strip("/") + "/"

# --- Security -------------------------------------------------------------------------------
# Production defaults are strict; DEBUG and the test settings relax only what plain HTTP on
# localhost needs. `manage.py check --deploy` is clean with DEBUG off (tests/test_security.py).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a load balancer that terminates TLS, set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
if env("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + env("SECURE_PROXY_SSL_HEADER").upper().replace("-", "_"),
        "https",
    )
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Editors' sessions end after a working day, or an hour after the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions in the database: app servers hold no state of their own.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content-Security-Policy: no inline script or style anywhere, nothing from another origin.
# Pages put data for scripts in <script type="application/json"> blocks, which do not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

# CORS: the API is readable from other sites' scripts only where configured.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Sign-in lockout (django-axes): five failures lock the username from that address for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
OTP_TOTP_ISSUER = "dealtracker"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/minute"),
        # The bulk export is heavy; anonymous clients get their own, lower allowance.
        "anon-export": env("API_ANON_EXPORT_RATE", default="12/hour"),
        "user": env("API_USER_RATE", default="1200/minute"),
    },
    # One JSON error shape for every failure: deals/api/exceptions.py.
    "EXCEPTION_HANDLER": "deals.api.exceptions.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "dealtracker API",
    "DESCRIPTION": "AI-chip supply deals, the companies, meetings and projects around them, "
    "and the source of every fact. Read-only without a key; editors write with a token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc assets are served by the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind", "status" or "role" with different choices; name each set
    # after its model so the schema has readable enums and generates without warnings.
    "ENUM_NAME_OVERRIDES": {
        "DealKindEnum": "deals.models.DealKind",
        "CompanyKindEnum": "deals.models.CompanyKind",
        "MeetingKindEnum": "deals.models.MeetingKind",
        "ProjectKindEnum": "deals.models.ProjectKind",
        "DealStatusEnum": "deals.models.DealStatus",
        "ProjectStatusEnum": "deals.models.ProjectStatus",
        "AttendanceStatusEnum": "deals.models.AttendanceStatus",
        "PartyRoleEnum": "deals.models.PartyRole",
        "ProjectRoleEnum": "deals.models.ProjectRole",
        "MeetingRoleEnum": "deals.models.MeetingRole",
        "QualifierEnum": "deals.models.Qualifier",
        "DatePrecisionEnum": "deals.models.DatePrecision",
    },
}

# Spreadsheet import and export in the admin (django-import-export; deals/resources.py and
# deals/spreadsheets.py).
# The largest file an editor may import, in bytes.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# The most rows one import may hold: the preview checks every row in the request, so a larger
# file would outlast the server's request timeout.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=2000)
# Between the preview and the confirmation the upload waits in the cache (Redis when REDIS_URL
# is set, which every app server shares), never in a file named by the request. Without Redis
# each gunicorn worker has its own cache, and a confirmation that reaches another worker than
# its preview is asked to upload the file again: production wants REDIS_URL (docs/deploy.md).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "deals.spreadsheets.ImportCacheStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Import needs the model's add permission, export its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# The deal models' own settings.
DEALTRACKER = {
    # ISO 4217 code that money is converted to for totals and comparisons.
    "BASE_CURRENCY": "USD",
}

# One line per request (dealtracker.request) with its id; errors with their trace, never shown
# to the user.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dealtracker.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request log line above replaces Django's own per-request warnings.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.server": {"level": "WARNING", "propagate": True},
    },
}

# Optional error reporting: set SENTRY_DSN to send errors (never personal data) to Sentry.
if env("SENTRY_DSN", default=""):
    import sentry_sdk

    sentry_sdk.init(
        dsn=env("SENTRY_DSN"),
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
