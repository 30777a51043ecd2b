"""Settings for the directive tracker: one file, read from the environment.

Every variable is documented in README.md and `.env.example`. With no variable set,
the project runs in the zero-setup mode: SQLite under `var/`, Celery on kombu's
filesystem transport under `var/celery/`, email written to files under `var/mail/`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the zero-setup database, mail, queue and uploads live here


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean: 1/true/yes/on and 0/false/no/off (any case); anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files (no CDN)
    "directives",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "directives.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "directives.middleware.DeniedAccessLogMiddleware",
    "directives.middleware.InboxCountMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "directives.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, the worker and beat share one SQLite file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too (pytest-xdist adds a suffix per worker): threads and processes that
    # write at once (a Celery worker thread, concurrent reports) then wait for each other as in
    # production, where an in-memory database's shared cache answers "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force protection (django-axes): 5 failures for one username from one IP within 15
# minutes lock that pair for 15 minutes; an admin unlocks earlier by deleting the access attempt
# (admin → Axes → Access attempts) or with `manage.py axes_reset_username USER`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The web tier keeps no state of its own: sessions live in the database (Django's default
# backend), and the cache (API throttle counts) in Redis when DJANGO_CACHE_URL is set, so that
# a load balancer may send each request to any web process.
_cache_url = os.environ.get("DJANGO_CACHE_URL", "")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "tracker"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "directives:home"
LOGOUT_REDIRECT_URL = "login"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # "remember me" is off by default
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 3600)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tracker.formats"]  # dd/mm/yyyy in and out, the admin included
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
# Uploads (evidence files, attachments) live outside the static root and are served by a view
# that checks permissions, never by the web server directly.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# The import review posts every row of the draft in one form (up to 2,000 tasks of 14 fields:
# text, deadline, rhythm, bodies …); Django's default of 1,000 fields refused a draft of some
# 80-110 tasks with a bare 400. The body's size stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 50_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email (Django 6.1 MAILERS): a real SMTP server when EMAIL_HOST is set, files under var/mail
# otherwise. Code sends through `django.core.mail.mailers.default` (see directives/emails.py).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Theo dõi nhiệm vụ <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Redis in production, CI and docker-compose; kombu's filesystem transport (no server)
# in the zero-setup default.
# "filesystem://localhost//": with no host named, kombu warns "No hostname was supplied" at each start.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_celery_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # The exchange tables (kombu writes them to ./control otherwise: the repository root).
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers an unacknowledged task after the visibility timeout; every countdown,
    # ETA and retry backoff of ours stays well below it (see directives/tasks.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The one reviewed beat schedule. DatabaseScheduler copies it into the admin, where staff may
# change the times; each entry expires so that a backlog never sends stale work.
# The daily sweep's time (local): the beat entry below and the catch-up (a send tick or a worker
# start after this time, with no sweep today, runs it) read it. If staff move the sweep in the
# admin (DatabaseScheduler), set REMINDER_SWEEP_TIME to the same "HH:MM".
REMINDER_SWEEP_TIME = tuple(int(x) for x in os.environ.get("REMINDER_SWEEP_TIME", "07:00").split(":")[:2])
CELERY_BEAT_SCHEDULE = {
    # Plan the day's reminders (before-deadline, overdue, escalation, pending extensions), and
    # those of days missed since the last sweep. A tick lost while the broker is down is caught
    # up by the next send tick (reminders_catch_up).
    "reminders-daily-sweep": {
        "task": "directives.tasks.reminders_sweep_task",
        "schedule": crontab(hour=REMINDER_SWEEP_TIME[0], minute=REMINDER_SWEEP_TIME[1]),
        "options": {"expires": 3 * 3600, "expire_seconds": 3 * 3600},  # expire_seconds: django-celery-beat
    },
    # Send what is pending: new event mails, retries that are due, rows whose lease expired
    # after a crash; first runs a missed daily sweep.
    "reminders-send-pending": {
        "task": "directives.tasks.reminders_send_task",
        "schedule": 300.0,
        "options": {"expires": 240, "expire_seconds": 240},
    },
}

REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 600)
# SMTP connections a sender uses at once on PostgreSQL (one batch of digests each).
REMINDER_SEND_CONNECTIONS = env_int("REMINDER_SEND_CONNECTIONS", 4)
# Transient send failures retry with a backoff of 30 s doubling up to this cap, for as long as
# the reminder is useful: until its window ends, and at least through the day after the day it
# was planned for (REMINDER_USEFUL_DAYS). Then it expires with the reason.
REMINDER_BACKOFF_CAP_SECONDS = env_int("REMINDER_BACKOFF_CAP_SECONDS", 900)
REMINDER_USEFUL_DAYS = env_int("REMINDER_USEFUL_DAYS", 2)
# A safety net under the time bound: no row is attempted more often than this.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 1000)
# Days back a sweep plans when earlier sweeps were missed.
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 7)
REMINDER_CATCH_UP_GRACE_MINUTES = env_int("REMINDER_CATCH_UP_GRACE_MINUTES", 15)
# Tasks listed in one digest; the rest are counted by standing, with links to the list.
REMINDER_DIGEST_MAX_TASKS = env_int("REMINDER_DIGEST_MAX_TASKS", 20)
# reminders_health, /staff/reminders/ and /healthz/reminders turn red when sends have failed
# for longer than this, or rows failed or expired within REMINDER_ALERT_FAILED_HOURS.
REMINDER_ALERT_MINUTES = env_int("REMINDER_ALERT_MINUTES", 10)
REMINDER_ALERT_FAILED_HOURS = env_int("REMINDER_ALERT_FAILED_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "tracker.errors.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own "django" handlers would print every record a second time through the root's.
    "loggers": {
        "django": {"handlers": [], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"), "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"

# Production hardening; all on when DEBUG is off (HTTPS behind a proxy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: no inline scripts or styles, nothing from another origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# The REST API (directives/api/): tokens or the browser's session (with CSRF), JSON only,
# cursor pagination, throttling per token, errors as JSON in Vietnamese.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "directives.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["directives.api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "directives.api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["directives.api.throttling.PerTokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "directives.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "directives.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "3600/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Theo dõi nhiệm vụ — API",
    "DESCRIPTION": (
        "Văn bản chỉ đạo, nhiệm vụ, báo cáo tiến độ, gia hạn, chỉ tiêu và số liệu tổng hợp. "
        "Xác thực: `Authorization: Bearer <mã truy cập>` (tạo ở trang Tài khoản → Truy cập API) "
        "hoặc phiên đăng nhập của trình duyệt (kèm mã CSRF). Lỗi trả về JSON "
        '`{"detail", "code", "errors"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "directives.api.schema.TASK_STATUS",
        "DirectiveStatusEnum": "directives.api.schema.DIRECTIVE_STATUS",
    },
}
