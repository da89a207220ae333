"""Grassroots settings: one module, configured by environment variables.

Defaults give a working development site on SQLite (a file under var/). Production sets
DEBUG=false and provides SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff as _RedisNoBackoff
from redis.connection import parse_url as _redis_parse_url
from redis.retry import Retry as _RedisRetry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# Django's debug pages for a missing page or a crash. Off, a development site (`make run`) shows
# the site's own 404 and 500 pages as people would see them (core/middleware.py).
DEBUG_ERROR_PAGES = env.bool("DEBUG_ERROR_PAGES", default=False)
# Under pytest: fast password hashing, tasks run in-process unless a test says otherwise.
TESTING = env.bool("GRASSROOTS_TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-key-change-me"  # noqa: S105 - refused below when DEBUG is off
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="Grassroots")
COUNCIL_NAME = env.str("COUNCIL_NAME", default="the council")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The prefix 360Giving registered for this publisher: grant identifiers are "<prefix>-<id>".
GRANTS_360_PREFIX = env.str("GRANTS_360_PREFIX", default="360G-grassroots")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "grassroots.core",
    "grassroots.accounts",
    "grassroots.places",
    "grassroots.initiatives",
    "grassroots.support",
    "grassroots.notifications",
    "grassroots.groups",
    "grassroots.conversations",
    "grassroots.events",
    "grassroots.actions",
    "grassroots.opinions",
    "grassroots.priorities",
    "grassroots.directory",
    "grassroots.funding",
    "grassroots.learning",
    "grassroots.following",
    "grassroots.moderation",
    # The home page and site search compose every app above, so they come last.
    "grassroots.home",
    # The demo borough builds through every app above and nothing imports it: the top layer.
    "grassroots.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: where this request's reads go (core/db_router.py).
    "grassroots.core.db_router.ReplicaReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "grassroots.core.pagecache.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grassroots.core.request_cache.RequestCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "grassroots.accounts.middleware.RequireMFAForRolesMiddleware",
    "grassroots.core.middleware.SiteErrorPagesMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "grassroots" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "grassroots.core.context_processors.site",
                "grassroots.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database: SQLite file by default, anything dj-database-url understands via DATABASE_URL.
VAR_DIR.mkdir(exist_ok=True)


# psycopg prepares a query after this many runs on a server-binding cursor, and at once when
# asked; only core/compiled.py's cursor binds on the server, and it asks.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def _database(url: str, *, connect_timeout: int) -> dict[str, Any]:
    """One database's settings from its URL, with the options every connection of ours uses."""
    db: dict[str, Any] = dict(env.db_url_config(url))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the web process and the task worker share the file.
        db.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
        return db
    db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    db["CONN_HEALTH_CHECKS"] = True
    db.setdefault("OPTIONS", {}).setdefault("connect_timeout", connect_timeout)
    if db["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles small, cheap queries whose cost it overestimates (the unread
        # count took ~220 ms with it, 3 ms without, in bench/load.py): our pages never need it.
        db["OPTIONS"].setdefault("options", "-c jit=off")
        # The queries kept compiled (core/compiled.py) run as prepared statements; psycopg
        # prepares nothing else (Django's cursors bind on the client), and none at all if this
        # is None, as a pooler that shares server sessions needs (decisions/0023).
        if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
            db["OPTIONS"].setdefault("prepare_threshold", PREPARE_ONLY_WHEN_ASKED)
    return db


DATABASES = {
    "default": _database(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'grassroots.sqlite3'}"),
        connect_timeout=5,
    ),
}
# A streaming replica of the primary (docs/operations.md, decisions/0011): reads that may be a
# few seconds stale go there through grassroots.core.db_router; unset, there is one database.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
# After a request that wrote (any POST, or a write in a GET), that browser reads the primary for
# this long, so a person always sees their own change.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
# A replica further behind than this is treated as down (reads go to the primary). Above the pin
# window, somebody could come back from the window to a replica that has not caught up.
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=5)
if REPLICA_MAX_LAG_SECONDS > REPLICA_PIN_SECONDS:
    raise environ.ImproperlyConfigured(
        "REPLICA_MAX_LAG_SECONDS must not be above REPLICA_PIN_SECONDS: a person would not be "
        "sure to see their own writes once the pin window ends."
    )
# A replica that did not answer (or lagged) is left alone for this long, then tried again.
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=15)
# A primary that refused a connection is not asked again for this long, per process; meanwhile a
# signed-out page missing from the page cache is drawn from the replica (core/pagecache.py).
PRIMARY_RETRY_SECONDS = env.int("PRIMARY_RETRY_SECONDS", default=5)
if DATABASE_REPLICA_URL:
    # A short connect timeout: a replica that does not answer costs a request this much once
    # per REPLICA_RETRY_SECONDS and process, then reads go to the primary.
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL, connect_timeout=2)
    # Tests run against the primary's test database: a standby cannot create one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["grassroots.core.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
# Redis being away costs a miss, never an error page (core/cache.py, decision record 0012):
# reads miss, writes are dropped (and everything under KEY_PREFIX is forgotten when it returns),
# and the coordination keys below (django-ratelimit's "rl:", allauth's sign-in limits, the
# opinion map debounce) are kept in each process's memory meanwhile, so the limits keep working.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "grassroots.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "grassroots",
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
                "RETRY_AFTER": env.float("REDIS_RETRY_AFTER", default=2.0),
                "LOCAL_FALLBACK_PREFIXES": ["rl:", "allauth:rl:", "opinions.recompute."],
            },
        }
    }
    # Sessions are written to the database and read through the cache: the database is the
    # source of truth, so nobody is signed out when Redis stops or restarts empty.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for signed-out visitors (grassroots/core/pagecache.py): how long one may be kept.
# Any committed change to what public pages show makes every stored page out of date at once;
# this bounds the age of a page only when the cache was unreachable during a change. 0: off.
# On only with Redis: the counter that marks pages out of date must be shared by every process
# that writes (web servers and task workers); a process's local memory is not.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if REDIS_URL and not TESTING else 0)

# --- Background tasks (Django's Tasks API through the django-tasks backport).
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate" if TESTING else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # django-tasks-rq's backend with a job id made from each task's key (core/taskqueue_rq.py).
    "rq": "grassroots.core.taskqueue_rq.RQBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # The queue may live in another Redis than the cache (one that keeps its data on disk).
    TASK_REDIS_URL = env.str("TASK_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
    _task_redis = _redis_parse_url(TASK_REDIS_URL)  # type: ignore[no-untyped-call]
    RQ_QUEUES = {
        "default": {
            "HOST": _task_redis.get("host", "127.0.0.1"),
            "PORT": _task_redis.get("port", 6379),
            "DB": _task_redis.get("db", 0),
            "USERNAME": _task_redis.get("username"),
            "PASSWORD": _task_redis.get("password"),
            "SSL": TASK_REDIS_URL.startswith("rediss://"),
            # Redis away: the web process gives up in a moment and keeps the task in the
            # database outbox (core/taskqueue.py); no client-side retries multiply the wait.
            "REDIS_CLIENT_KWARGS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 5,
                "retry": _RedisRetry(_RedisNoBackoff(), 0),
            },
        }
    }
    # Workers run each job once per key and relay the outbox every TASK_RELAY_EVERY seconds.
    RQ = {
        "WORKER_CLASS": "grassroots.core.taskqueue_rq.Worker",
        "JOB_CLASS": "grassroots.core.taskqueue_rq.Job",
    }
    TASK_RELAY_EVERY = env.float("TASK_RELAY_EVERY", default=10)

# --- Authentication (django-allauth: email sign-in, verification, MFA).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing with full-strength PBKDF2 would dominate test time; production keeps the default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "grassroots.accounts.adapter.AccountAdapter"
# Called with user= and email= when an address is confirmed: invitations sent to that address
# before it had an account become the account's (the invite forms never say who has one).
EMAIL_CONFIRMED_HOOKS = [
    "grassroots.initiatives.services.invitations.email_invitations_claim",
    "grassroots.groups.services.email_invitations_claim",
]
# One email address per account; "change" replaces it once the new one is confirmed.
ACCOUNT_CHANGE_EMAIL = True
# Security emails: password changed, set or reset; email address changed or removed; two-factor
# authentication turned on or off; new recovery codes. Each says when, from where, and what to do
# if it was not you (templates/account/email/base_notification.txt).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# GOV.UK wording on allauth's forms (grassroots/accounts/auth_forms.py); behaviour is allauth's.
ACCOUNT_FORMS = {
    "login": "grassroots.accounts.auth_forms.LoginForm",
    "signup": "grassroots.accounts.auth_forms.SignupForm",
    "add_email": "grassroots.accounts.auth_forms.AddEmailForm",
    "change_password": "grassroots.accounts.auth_forms.ChangePasswordForm",
    "set_password": "grassroots.accounts.auth_forms.SetPasswordForm",
    "reset_password": "grassroots.accounts.auth_forms.ResetPasswordForm",
    "reset_password_from_key": "grassroots.accounts.auth_forms.ResetPasswordKeyForm",
    "reauthenticate": "grassroots.accounts.auth_forms.ReauthenticateForm",
}
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are counted per account *and client address* (the adapter puts the
    # address in the key), so somebody guessing at an account from elsewhere never locks its
    # owner out on their own device: 10 in 15 minutes (the wait our message names), then 50 a
    # day. Each address may also fail 20 times in 15 minutes across all accounts. The address
    # is the visitor's own behind a proxy (TRUSTED_PROXIES), never the proxy's.
    "login_failed": "20/15m/ip,10/15m/key,50/d/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/10m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "grassroots.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "grassroots.accounts.auth_forms.MFAAuthenticateForm",
    "reauthenticate": "grassroots.accounts.auth_forms.MFAReauthenticateForm",
    "activate_totp": "grassroots.accounts.auth_forms.ActivateTOTPForm",
}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300

# --- Email: console by default; EMAIL_URL=smtp+tls://user:pass@host:587 in production.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(environ.Env.email_url_config(EMAIL_URL))
# GOV.UK Notify for councils: set the API key and the id of a plain "((subject)) ((body))"
# email template in Notify; this replaces EMAIL_URL.
GOVUK_NOTIFY_API_KEY = env.str("GOVUK_NOTIFY_API_KEY", default="")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = env.str("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", default="")
if GOVUK_NOTIFY_API_KEY:
    EMAIL_BACKEND = "grassroots.core.mail.NotifyEmailBackend"  # keeps one-click unsubscribe
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Grassroots <noreply@grassroots.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Safeguarding concerns go to the council's safeguarding contacts; with none set up, here
# (docs/operations.md). Empty: the concern is recorded for site admins and an error is logged.
SAFEGUARDING_FALLBACK_EMAIL = env.str("SAFEGUARDING_FALLBACK_EMAIL", default="")

# --- Internationalisation: en-GB now, Welsh to come; times shown in Europe/London.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "grassroots" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: built by `npm run build` into build/static/, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# Uploads live under MEDIA_ROOT, which no URL serves: each file is sent by its owner's view after
# the owner's visibility rule (core/files.py). MEDIA_URL is only Django's required default.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# How those views hand a file over: "django" streams it (works under gunicorn alone); "nginx"
# answers X-Accel-Redirect to PRIVATE_MEDIA_INTERNAL_URL (an `internal` location); "sendfile"
# answers X-Sendfile with the file's path (docs/operations.md).
PRIVATE_MEDIA_SERVE = env.str("PRIVATE_MEDIA_SERVE", default="django")
if PRIVATE_MEDIA_SERVE not in ("django", "nginx", "sendfile"):
    raise environ.ImproperlyConfigured("PRIVATE_MEDIA_SERVE must be django, nginx or sendfile")
PRIVATE_MEDIA_INTERNAL_URL = env.str("PRIVATE_MEDIA_INTERNAL_URL", default="/_private-media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "grassroots.core.static_files.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Maps: tiles come from a configurable server; blank means the drawn SVG map only.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")

# --- Security. Production (DEBUG off) gets secure cookies, HSTS and an HTTPS redirect.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preload commits the whole registrable domain (every council subdomain) to HTTPS in browsers:
# the operator opts in with SECURE_HSTS_PRELOAD=true, so check --deploy need not nag about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A monitor sending "Authorization: Bearer <token>" may read /healthz?detail=1 (failed and
# waiting background tasks); site admins signed in may too. Empty: admins only.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of ours stand in front of gunicorn (each appends to X-Forwarded-For).
# 0: the header is ignored and the peer's address is the client's. `grassroots.core.net` reads
# it for every rate limit, allauth's included, and for the "from where" in security emails.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
RATELIMIT_IP_META_KEY = "grassroots.core.net.client_ip"

_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: everything to stderr, for the process manager to collect.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product settings.
POSTCODE_IMPORT_BATCH_SIZE = env.int("POSTCODE_IMPORT_BATCH_SIZE", default=5000)
# Help requests unanswered after this many working days (England and Wales) are flagged.
HELP_REQUEST_WORKING_DAYS = env.int("HELP_REQUEST_WORKING_DAYS", default=5)
# How long the author of a conversation reply may still change it (then it is marked "edited").
CONVERSATION_EDIT_WINDOW_MINUTES = env.int("CONVERSATION_EDIT_WINDOW_MINUTES", default=15)
# A follower gets at most one email straight away per person's news in this window; the rest of
# that person's news waits for the daily digest (grassroots/notifications/bursts.py).
FOLLOWING_EMAIL_WINDOW_MINUTES = env.int("FOLLOWING_EMAIL_WINDOW_MINUTES", default=60)
