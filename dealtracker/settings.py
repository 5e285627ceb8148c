"""Settings for dealtracker, read from the environment (django-environ).

Every setting that is not obvious says why beside it. Nothing secret has a default outside DEBUG.
"""

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
    "django.contrib.admin",
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
    "deals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change for django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "dealtracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGIN_URL = "admin:login"

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

# The deal models' own settings.
DEALTRACKER = {
    # ISO 4217 code that money is converted to for totals and comparisons.
    "BASE_CURRENCY": "USD",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
