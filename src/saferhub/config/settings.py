"""SaferHub settings: one module, decided by environment variables alone.

Production is these settings plus its environment; nothing forks per environment. Secure by
default: without SAFERHUB_DEBUG and with HTTPS on, `manage.py check --deploy` passes with no
warnings. Variables (see docs/configuration.md):

SAFERHUB_SECRET_KEY      required unless SAFERHUB_DEBUG is on (then a local key is kept in the data dir)
SAFERHUB_DEBUG           'true' for tracebacks in the browser (never in production)
SAFERHUB_HTTPS           'false' only for a local demo on plain http://127.0.0.1
SAFERHUB_ALLOWED_HOSTS   comma-separated host names
DATABASE_URL             sqlite:///path (default: the data dir) or postgres://user:pass@host/db
SAFERHUB_DATA_DIR        local files: SQLite database, uploads, warehouse (default ./var)
SAFERHUB_SESSION_IDLE_MINUTES  inactivity timeout (default 30)
SAFERHUB_UPLOAD_MAX_MB  the largest data file an analyst may upload (default 500)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SAFERHUB_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = _flag("SAFERHUB_DEBUG", False)
HTTPS = _flag("SAFERHUB_HTTPS", True)


def _secret_key() -> str:
    key = os.environ.get("SAFERHUB_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG and HTTPS:
        raise ImproperlyConfigured(
            "SAFERHUB_SECRET_KEY is not set: production needs a long random secret key "
            "(only a local demo with SAFERHUB_HTTPS=false or SAFERHUB_DEBUG=true may run without one)"
        )
    # A local demo: keep a random key in the data directory, never in the repository.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "SAFERHUB_ALLOWED_HOSTS", "" if HTTPS and not DEBUG else "127.0.0.1,localhost"
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "saferhub.core",
    "saferhub.organisations",
    "saferhub.accounts",
    "saferhub.audit",
    "saferhub.sharing",
    "saferhub.people",
    "saferhub.places",
    "saferhub.incidents",
    "saferhub.cases",
    "saferhub.risk",
    "saferhub.marac",
    "saferhub.referrals",
    "saferhub.governance",
    "saferhub.casework_mi",
    "saferhub.performance",
    "saferhub.reports",
    "saferhub.dataloads",
    "saferhub.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "saferhub.core.request_context.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saferhub.accounts.middleware.SessionActivityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "saferhub.accounts.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "saferhub.config.urls"
WSGI_APPLICATION = "saferhub.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "saferhub.web.context_processors.layout",
            ],
        },
    }
]
FORM_RENDERER = "saferhub.web.forms.GovukFormRenderer"

# DATABASE_URL selects SQLite (default, a file in the data directory) or PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'saferhub.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, so the audit hash chain never forks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's password backend, loading the member's membership and two-factor facts with the
# user in one query per request.
AUTHENTICATION_BACKENDS = ["saferhub.accounts.backends.MemberBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"

# Sessions end after a period of inactivity: each request renews the session's expiry on the
# server, writing the session at most once a minute (accounts.middleware.SessionActivity-
# Middleware), so an idle session ends within the minute before SESSION_IDLE_MINUTES.
SESSION_IDLE_MINUTES = int(os.environ.get("SAFERHUB_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "saferhub.web.views.csrf_failure"

# Transport security: on unless a local demo turns HTTPS off.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: our own files only, one nonce for the GOV.UK body script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Files users upload live outside the web root and are served only through access checks.
MEDIA_ROOT = DATA_DIR / "uploads"

# The DuckDB warehouse (written only by data loads) and the indicator definitions.
WAREHOUSE_PATH = Path(os.environ.get("SAFERHUB_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))
INDICATORS_PATH = os.environ.get("SAFERHUB_INDICATORS") or None

# Background tasks (data loads) are queued in the database and run by `saferhub worker`
# (started beside the web server by `saferhub run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Uploaded data files: the largest file accepted, in megabytes (police.uk's monthly archive of
# every force is a few hundred MB), and how many files one upload may hold.
DATALOAD_MAX_FILE_BYTES = int(os.environ.get("SAFERHUB_UPLOAD_MAX_MB", "500")) * 1024 * 1024
DATALOAD_MAX_FILES = 50

# Sign-in throttling (policy in saferhub.accounts.rules).
SIGNIN_FAILURE_LIMIT = int(os.environ.get("SAFERHUB_SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_FAILURE_WINDOW_MINUTES = 15
SIGNIN_LOCKOUT_MINUTES = int(os.environ.get("SAFERHUB_SIGNIN_LOCKOUT_MINUTES", "15"))

OTP_TOTP_ISSUER = "SaferHub"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFERHUB_LOG_LEVEL", "WARNING")},
}
