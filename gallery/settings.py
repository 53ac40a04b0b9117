"""Settings, read from environment variables with safe defaults for one machine.

Embedded default: SQLite (WAL mode) for data and as django-q2's broker, media under ./var/media,
static files through whitenoise. Scale-out (README "Scaling out") uses the same variables:
DATABASE_URL (PostgreSQL), Q_REDIS_URL (django-q2's Redis broker), AWS_STORAGE_BUCKET_NAME
(S3-compatible media through django-storages).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",  # failed log-ins and lock-outs (settings below: Accounts and throttles)
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_q",
    "gallery.core",
    "gallery.accounts",
    "gallery.studio",
    "gallery.stylemodels",
    "gallery.classroom",
    "gallery.video",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "gallery.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out log-in into the lock-out page
]

ROOT_URLCONF = "gallery.urls"
WSGI_APPLICATION = "gallery.wsgi.application"
ASGI_APPLICATION = "gallery.asgi.application"

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
                "gallery.core.context_processors.site",
            ],
        },
    },
]

# Form widgets and labels may be overridden in templates/django/forms/ (labels without ":").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
# SQLite serves the site and the worker's queue at once: WAL lets readers run beside the
# writer, IMMEDIATE transactions plus a busy timeout make writers wait instead of failing.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

# Requests run in a fixed pool of WEB_THREADS threads per web process (gallery/threadedwsgi.py), each keeping its
# connection for CONN_MAX_AGE seconds: at most processes x WEB_THREADS connections, no connect per request.
WEB_THREADS = env_int("WEB_THREADS", 8)
# uvicorn's C parser (httptools) and event loop (uvloop); "h11" and "asyncio" are the pure-Python ones
WEB_HTTP = os.environ.get("WEB_HTTP", "httptools")
WEB_LOOP = os.environ.get("WEB_LOOP", "uvloop")
conn_max_age = 60
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=conn_max_age, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "gallery.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = conn_max_age
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # A file (not in-memory) test database, so a real worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_PATH", str(VAR_DIR / "test-gallery.sqlite3"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "studio:dashboard"
LOGOUT_REDIRECT_URL = "studio:home"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Style Gallery <noreply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# User media is never served as plain static files: views check who may see each file.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media (requirements-scaleout.txt); credentials come from boto3's own
    # variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the machine's role.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Task queue (django-q2) -----------------------------------------------------------------
# A Gatys run at full size on a CPU can take an hour; `retry` must exceed `timeout` or a
# running task would be handed out twice. A task the worker died on comes back after `retry`
# seconds and finds its job "running": it then ends that job as failed (studio.services).
Q_TIMEOUT = env_int("Q_TIMEOUT", 3 * 3600)
Q_CLUSTER = {
    "name": os.environ.get("Q_NAME", "gallery"),
    "workers": env_int("Q_WORKERS", 1),
    "timeout": Q_TIMEOUT,
    "retry": env_int("Q_RETRY", Q_TIMEOUT + 300),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 2),
    "recycle": env_int("Q_RECYCLE", 20),
    "max_rss": env_int("Q_MAX_RSS_KB", 8 * 1024 * 1024),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": env_int("Q_SAVE_LIMIT", 200),
    "poll": env_float("Q_POLL", 1.0),
    "guard_cycle": env_float("Q_GUARD_CYCLE", 0.5),
    "label": "Task queue",
}
if os.environ.get("Q_REDIS_URL"):
    Q_CLUSTER["redis"] = os.environ["Q_REDIS_URL"]
else:
    Q_CLUSTER["orm"] = "default"

# --- Channels ---------------------------------------------------------------------------------
# The webcam socket needs no layer on one machine; with CHANNEL_REDIS_URL (channels-redis, requirements-scaleout.txt)
# every web process joins one Redis channel layer, so a message can reach a socket held by another process.
if os.environ.get("CHANNEL_REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["CHANNEL_REDIS_URL"]]},
        }
    }

# --- Studio ---------------------------------------------------------------------------------
STUDIO = {
    # Upload size limit in bytes, checked before the image is decoded.
    "MAX_UPLOAD_BYTES": env_int("STUDIO_MAX_UPLOAD_BYTES", 30 * 1024 * 1024),
    # The most images one upload form submit may carry (each still within MAX_UPLOAD_BYTES).
    "MAX_FILES_PER_UPLOAD": env_int("STUDIO_MAX_FILES_PER_UPLOAD", 20),
    "THUMBNAIL_SIZE": env_int("STUDIO_THUMBNAIL_SIZE", 480),
    # The most style images one job may blend (the job page shows this many rows; the API takes as many).
    "MAX_STYLES": env_int("STUDIO_MAX_STYLES", 3),
    # The worker writes progress (and looks for a cancel request) at most this often.
    "PROGRESS_INTERVAL": env_float("STUDIO_PROGRESS_INTERVAL", 1.0),
    # A running job whose heartbeat is older than this is treated as dead (worker killed); a queued
    # one with no worker task left for this long gets a new one (once).
    "STALE_AFTER": env_float("STUDIO_STALE_AFTER", 90.0),
    # How often the worker's heartbeat thread touches a running job.
    "HEARTBEAT_INTERVAL": env_float("STUDIO_HEARTBEAT_INTERVAL", 10.0),
    # Preview image every N optimisation steps (throttled by PROGRESS_INTERVAL too).
    "PREVIEW_EVERY": env_int("STUDIO_PREVIEW_EVERY", 10),
    "RESULTS_PER_PAGE": env_int("STUDIO_RESULTS_PER_PAGE", 24),
    # Per person (staff have no limit): jobs queued or running at once, and the work they may have
    # queued in megapixel-steps (each algorithm's estimate, README): the default fits one largest
    # Gatys job (4096 px, 5000 steps) or about 1500 of the default 512 px, 300 steps.
    "MAX_ACTIVE_JOBS": env_int("STUDIO_MAX_ACTIVE_JOBS", 10),
    "MAX_QUEUED_WORK": env_int("STUDIO_MAX_QUEUED_WORK", 120_000),
    # A webcam recording stops (and is saved) when it reaches this many seconds.
    "WEBCAM_MAX_RECORD_SECONDS": env_float("STUDIO_WEBCAM_MAX_RECORD_SECONDS", 60.0),
    # The most pictures (photos × styles) one batch may ask for; its jobs count against the limits above too.
    "MAX_BATCH_JOBS": env_int("STUDIO_MAX_BATCH_JOBS", 10),
}
# Django answers a request with more files than this with a bare 400; keep it above the upload page's
# own limit, which the page refuses with a message.
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, STUDIO["MAX_FILES_PER_UPLOAD"] + 1)

# --- Request bodies -------------------------------------------------------------------------
# gallery/bodylimits.py answers 413 to a body larger than its route takes, before anything reads it: upload
# routes take their files (images: STUDIO's MAX_UPLOAD_BYTES each; videos 1 GB and model files 200 MB, the
# limits stylecore.video and stylemodels check; the zip below) plus the room every other route gets, which
# is DATA_UPLOAD_MAX_MEMORY_SIZE (a form's fields, also Django's own limit) and 64 KB of multipart headers.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2**20)
# Bodies and uploaded files larger than this are spooled to temporary files instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2**20)
# The largest zip of photos a training run may upload (the admin's "Add training run").
TRAINING_ZIP_MAX_BYTES = env_int("TRAINING_ZIP_MAX_BYTES", 2 * 2**30)

# stylecore reads these itself; listed here so `manage.py diffsettings` shows them.
STYLECORE_VGG_WEIGHTS = os.environ.get("STYLECORE_VGG_WEIGHTS", "torchvision")
STYLECORE_DEVICE = os.environ.get("STYLECORE_DEVICE", "auto")

# --- REST API (gallery.api) ---------------------------------------------------------------
# Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["gallery.api.throttles.UserThrottle"],
    "DEFAULT_PARSER_CLASSES": [
        "gallery.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per user (anonymous: per address); "login" is token requests per address.
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "20000/hour"),
        "uploads": os.environ.get("API_THROTTLE_UPLOADS", "300/hour"),
        "jobs": os.environ.get("API_THROTTLE_JOBS", "120/hour"),
        "login": os.environ.get("API_THROTTLE_LOGIN", "20/minute"),
    },
    "EXCEPTION_HANDLER": "gallery.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Style Gallery API",
    "DESCRIPTION": "Upload images, run style transfer jobs, watch their progress, keep the results in albums.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ImageKindEnum": "gallery.studio.models.Upload.Kind",
        "StyleModelKindEnum": "gallery.stylemodels.models.Kind",
    },
    # Swagger UI from this site's static files (drf-spectacular-sidecar): it works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": True, "deepLinking": True},
}

# --- Security (production) ------------------------------------------------------------------
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only once DEBUG is off: plain HTTP is redirected and browsers remember it (HSTS) for a year.
# Subdomains and the preload list are the domain owner's call, so they stay opt-in.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp): scripts only from this site's files, never inline; inline styles
# (style attributes, the admin's and Swagger UI's <style> blocks) are allowed. 'self' covers the webcam's
# ws:/wss: socket to this host. Upload previews and webcam frames are blob: images, Swagger UI's icons data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Accounts and throttles -------------------------------------------------------------------
# How many proxies in front of the site add to X-Forwarded-For: 0 trusts only the connection's own
# address (a client can write any X-Forwarded-For). Every per-address limit uses it (core.http.client_ip).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Log-in (django-axes, counted in the database so every process shares them): LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address, or LOGIN_ADDRESS_FAILURE_LIMIT from one address for any
# usernames (higher: a class behind one school address), lock log-in there for LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "gallery.accounts.lockout.LoginLockout"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # the order LoginLockout reads
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock-out page's "try again in" stays true
AXES_CLIENT_IP_CALLABLE = "gallery.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "gallery.accounts.views.locked_out"
AXES_VERBOSE = False

# Sign-up and password-reset forms, per address and per e-mail (DRF's rate format), counted in the shared
# "throttles" cache (Redis or a database table, below) so every process shares them.
ACCOUNT_THROTTLE_RATES = {
    "signup": os.environ.get("SIGNUP_THROTTLE", "20/hour"),
    "password_reset": os.environ.get("PASSWORD_RESET_THROTTLE", "20/hour"),
    "password_reset_email": os.environ.get("PASSWORD_RESET_EMAIL_THROTTLE", "5/hour"),
}


def shared_cache(url: str, table: str, prefix: str) -> dict[str, object]:
    """A cache every web process (and machine) shares: Redis at `url` when one is set, else a database table
    (made by migrate). Its entries are capped high so culling never drops a throttle's count early."""
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


# The API's rates count in "default", the account forms' in "throttles": both shared, never per process.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": shared_cache(CACHE_URL, "gallery_cache", "gallery"),
    "throttles": shared_cache(CACHE_URL, "gallery_throttles", "throttles"),
}
# Sessions are read from the shared cache, the database keeping them too (a culled entry is read from there): a
# signed-in request reads one cache row (or Redis) instead of an ORM query, and logging out deletes both, for every
# process. Not signed cookies: a copied cookie would stay valid after its owner logs out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "gallery": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "stylecore": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "django-q": {"level": os.environ.get("Q_LOG_LEVEL", "INFO")},
    },
}
