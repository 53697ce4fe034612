"""Django settings for smartsmm, read only from environment variables.

The embedded default needs no variable at all: SQLite in the data folder, a secret key generated
once and kept there. Every variable is listed in the README's settings table.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from smartsmm.config.env import data_dir, env_bool, env_int, env_list, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("SMARTSMM_DEBUG", False)
ALLOWED_HOSTS = env_list("SMARTSMM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SMARTSMM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "smartsmm.tenancy",
    "smartsmm.clients",
    "smartsmm.measurements",
    "smartsmm.goals",
    "smartsmm.collection",
    "smartsmm.reports",
    "smartsmm.web",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "smartsmm.config.urls"
WSGI_APPLICATION = "smartsmm.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=env_int("SMARTSMM_DB_CONN_MAX_AGE", 60)))
        return config
    # SQLite tuned for a web process and a worker sharing one file: WAL lets readers run while a
    # writer commits, the busy timeout waits instead of failing with "database is locked", and
    # IMMEDIATE transactions take the write lock up front so two writers never deadlock on upgrade.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "smartsmm.sqlite3"),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA mmap_size=134217728;"
                "PRAGMA cache_size=-32000;"
            ),
        },
        "TEST": {"NAME": None},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("SMARTSMM_LANGUAGE", "ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("SMARTSMM_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Whitenoise serves the package's static files straight from the apps in embedded mode, so no
# collectstatic step is needed to start the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SMARTSMM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "file": {
            "class": "logging.FileHandler",
            "filename": str(DATA_DIR / "smartsmm.log"),
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["file"], "level": env_str("SMARTSMM_LOG_LEVEL", "INFO")},
}

# How often the worker collects counters and daily statistics + posts (the demo shortens both).
SMARTSMM_SYNC_COUNTERS_MINUTES = env_int("SMARTSMM_SYNC_COUNTERS_MINUTES", 60)
SMARTSMM_SYNC_DAILY_MINUTES = env_int("SMARTSMM_SYNC_DAILY_MINUTES", 1440)

# A goal's forecast is cached on the goal and recomputed when newer data arrives or after this age.
SMARTSMM_EVALUATION_MAX_AGE_HOURS = env_int("SMARTSMM_EVALUATION_MAX_AGE_HOURS", 24)

# The collection worker's task queue (smartsmm.collection.tasks): a SQLite file in the data folder by
# default, Redis when REDIS_URL is set (several worker machines); immediate mode runs tasks inline.
REDIS_URL = env_str("REDIS_URL")
SMARTSMM_QUEUE_IMMEDIATE = env_bool("SMARTSMM_QUEUE_IMMEDIATE", False)

# E-mail for scheduled reports (smartsmm.reports.emails). Without SMARTSMM_EMAIL_HOST the messages are
# written as files into DATA_DIR/outbox, so the demo never needs an SMTP server.
EMAIL_HOST = env_str("SMARTSMM_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("SMARTSMM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("SMARTSMM_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("SMARTSMM_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("SMARTSMM_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("SMARTSMM_EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("SMARTSMM_EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("SMARTSMM_EMAIL_FROM", "smartsmm <reports@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
