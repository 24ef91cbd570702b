"""Settings from the environment: DATABASE_URL and DURCHSTARTEN_* variables.

Development defaults work out of the box (SQLite under var/); with DEBUG off the
process refuses to start on the development secret key.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from durchstarten.accounts.oidc_settings import BACKEND as OIDC_BACKEND
from durchstarten.accounts.oidc_settings import oidc_settings
from durchstarten.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("DURCHSTARTEN_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DURCHSTARTEN_DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DURCHSTARTEN_SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DURCHSTARTEN_SECRET_KEY must be set to a random value of at least 50 characters "
        "when DURCHSTARTEN_DEBUG is off."
    )
# Keys for the encrypted note fields (core.crypto; first encrypts, all decrypt; SECURITY.md).
DURCHSTARTEN_FIELD_KEYS = env_list("DURCHSTARTEN_FIELD_KEYS", [])
if not DEBUG and not DURCHSTARTEN_FIELD_KEYS:
    raise ImproperlyConfigured(
        "DURCHSTARTEN_FIELD_KEYS must be set when DURCHSTARTEN_DEBUG is off (create a key with "
        "`durchstarten rotate_keys --generate`, see SECURITY.md)."
    )

ALLOWED_HOSTS = env_list(
    "DURCHSTARTEN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DURCHSTARTEN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_countries",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "durchstarten.core",
    "durchstarten.organisation",
    "durchstarten.cases",
    "durchstarten.offers",
    "durchstarten.reporting",
    "durchstarten.funding",
    "durchstarten.selection",
    "durchstarten.network",
    "durchstarten.accounts",
    "durchstarten.imports",
    "durchstarten.exports",
    "durchstarten.privacy",
    "durchstarten.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "durchstarten.core.security.SessionLifetimeMiddleware",
    "durchstarten.core.security.NoStoreForAuthenticatedMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "durchstarten.core.middleware.ActiveMembershipMiddleware",
    "durchstarten.accounts.middleware.TwoFactorMiddleware",
    # After the active membership (its role goes into the audit log), before django-axes.
    "durchstarten.core.audit_middleware.AuditRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the view into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "durchstarten.urls"
WSGI_APPLICATION = "durchstarten.wsgi.application"

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
                "durchstarten.core.context_processors.navigation",
            ],
            "string_if_invalid": "",
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'durchstarten.sqlite3'}"),
        conn_max_age=env_int("DURCHSTARTEN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the dev server and a command share the file. Transactions
    # take the write lock when they begin: a transaction that read first and then writes
    # could not wait for another writer and would fail at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a locked-out attempt before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Optional single sign-on (OpenID Connect, docs/oidc.md): on when DURCHSTARTEN_OIDC_CLIENT_ID
# is set.
_oidc = oidc_settings()
globals().update(_oidc)
if _oidc:
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)
# Roles that must use two-factor authentication (TOTP); empty: none.
DURCHSTARTEN_2FA_ENFORCED_ROLES = env_list(
    "DURCHSTARTEN_2FA_ENFORCED_ROLES", ["coordinator", "admin"]
)
# Lockout per username and client address together, so that one attacker cannot lock a
# user out from everywhere; unknown usernames are counted exactly like known ones.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the page promises 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "durchstarten.core.security.lockout_response"
# Successful logins belong in our audit log, not in a second table without retention.
AXES_DISABLE_ACCESS_LOG = True

# OWASP ASVS 5 (V6.2): length and a deny list, no composition rules, long passwords allowed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
# The second path restores Django's formal wording where an installed app translates informally.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files (programme documents). Never served by URL: every download goes through a
# view that checks the user's district (no MEDIA_URL on purpose).
MEDIA_ROOT = Path(env_str("DURCHSTARTEN_MEDIA_DIR", str(VAR_DIR / "media")))
DURCHSTARTEN_UPLOAD_MAX_BYTES = env_int("DURCHSTARTEN_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle timeout: every request moves the server-side expiry on by this much.
SESSION_COOKIE_AGE = env_int("DURCHSTARTEN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime from login, however active the session (core.security).
DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS = env_int(
    "DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60
)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Templates carry no inline scripts, styles or event handlers; htmx is served from static.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DURCHSTARTEN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DURCHSTARTEN_HSTS_SECONDS", 31536000)
    # Sent from the app's own host name, so they cover only it and its subdomains.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DURCHSTARTEN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DURCHSTARTEN_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# REST API (durchstarten.api): tokens or the browser session, problem details, cursor pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "durchstarten.api.authentication.TokenAuthentication",
        "durchstarten.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "durchstarten.api.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["durchstarten.api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "durchstarten.api.pagination.CursorPage",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "durchstarten.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Durchstarten API",
    "DESCRIPTION": "Programmierschnittstelle von Durchstarten (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docstrings are notes for developers (in English); what users read is set per operation.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OfferKindEnum": "durchstarten.offers.choices.OfferKind",
        "OfferCategoryEnum": "durchstarten.offers.choices.OfferCategory",
        "OutcomeKindEnum": "durchstarten.offers.choices.OutcomeKind",
        "ReferralStateEnum": "durchstarten.offers.choices.ReferralState",
        "NeedCategoryEnum": "durchstarten.cases.choices.NeedCategory",
        "LanguageEnum": "durchstarten.cases.choices.LANGUAGES",
        "ResidenceStatusKindEnum": "durchstarten.cases.choices.ResidenceStatusKind",
        "TaskKindEnum": "durchstarten.cases.choices.TaskKind",
        "OutreachChannelEnum": "durchstarten.cases.choices.OutreachChannel",
        "OutreachResultEnum": "durchstarten.cases.choices.OutreachResult",
        "ContactChannelEnum": "durchstarten.cases.choices.ContactChannel",
        "NeedStatusEnum": "durchstarten.cases.choices.NeedStatus",
        "GoalStatusEnum": "durchstarten.cases.choices.GoalStatus",
        "ConsentPurposeEnum": "durchstarten.cases.choices.ConsentPurpose",
        "ExitReasonEnum": "durchstarten.cases.choices.ExitReason",
        "PriorityEnum": "durchstarten.cases.choices.Priority",
        "StageEnum": "durchstarten.cases.choices.Stage",
        "TargetGroupEnum": "durchstarten.cases.choices.TargetGroup",
        "GenderEnum": "durchstarten.cases.choices.Gender",
        "GermanLevelEnum": "durchstarten.cases.choices.GermanLevel",
        "LiteracyEnum": "durchstarten.cases.choices.Literacy",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "durchstarten.api.schema.add_problem_responses",
        "durchstarten.api.schema.drop_backend_integer_limits",
    ],
}
# Requests per token (or signed-in user) and minute; bodies larger than this are refused.
DURCHSTARTEN_API_RATE = env_str("DURCHSTARTEN_API_RATE", "600/min")
DURCHSTARTEN_API_MAX_BODY_BYTES = env_int("DURCHSTARTEN_API_MAX_BODY_BYTES", 1024 * 1024)
DURCHSTARTEN_API_TOKEN_MAX_DAYS = env_int("DURCHSTARTEN_API_TOKEN_MAX_DAYS", 365)

# Retention (docs/privacy.md): personal data is anonymised this long after the exit, never
# before the minimum; funding records stay for the audit period after the funding year.
DURCHSTARTEN_RETENTION_DAYS = env_int("DURCHSTARTEN_RETENTION_DAYS", 730)
DURCHSTARTEN_RETENTION_MIN_DAYS = env_int("DURCHSTARTEN_RETENTION_MIN_DAYS", 365)
DURCHSTARTEN_AUDIT_LOG_RETENTION_DAYS = env_int("DURCHSTARTEN_AUDIT_LOG_RETENTION_DAYS", 2190)
DURCHSTARTEN_FUNDING_AUDIT_YEARS = env_int("DURCHSTARTEN_FUNDING_AUDIT_YEARS", 1)

# Background work (imports, exports, retention) runs in `durchstarten db_worker`; the
# immediate backend runs a task inside the request instead (tests, or no worker at hand).
TASKS = {
    "default": {
        "BACKEND": env_str("DURCHSTARTEN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DURCHSTARTEN_LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start and every login; failures stay (masked).
    "loggers": {"axes": {"level": "WARNING"}},
}
