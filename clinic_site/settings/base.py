"""Settings shared by every environment.

Every value that differs between machines is read from the environment through the one
reader below; .env.example lists each variable with a safe example.
"""

import datetime
from pathlib import Path

import csp.constants
import environ

# Plain names, no models: which keys of a log record are PHI (see LOG_FILTERS below).
from consultations.answers import ANSWER_FIELDS

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

# SECRET_KEY, DEBUG and ALLOWED_HOSTS are set by each environment module (dev, test, prod).
DEBUG = False

INSTALLED_APPS = [
    # Django's admin on our site class, which requires a TOTP second factor (staff/sites.py).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "solo",
    "adminsortable2",
    "csp",
    "django_guid",
    "phonenumber_field",
    # The project's apps, lowest layer first (docs/architecture.md).
    "phi",
    "outbox",
    "audit",
    "staff",
    "pages",
    "booking",
    "consultations",
    "ops",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (see "Production hardening").
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the policy headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached published pages for visitors without a session: inside the header policies above,
    # ahead of the session, sign-in and CSRF work it makes unnecessary (pages/cache.py).
    "pages.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the address: /es/... Spanish, anything else English (clinic_site/urls.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session holds a confirmed TOTP device.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out sign-in with the lockout page (django-axes wants to be near the end).
    "axes.middleware.AxesMiddleware",
    # Last, so a lost database in any view becomes a 503 "try again" page (ops/middleware.py).
    "ops.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "clinic_site.urls"
WSGI_APPLICATION = "clinic_site.wsgi.application"

# Two engines. The public site (templates/jinja2/) renders with Jinja2, which compiles a page
# to Python and renders a long education page much faster than Django's templates: it is what
# lets an uncached page keep up (issue 9; docs/performance.md). The admin, staff pages, crispy
# forms' own templates and e-mails stay on Django templates. Django asks this engine first, so
# a name found in both would be a Django template; tests keep the two sets of names apart.
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
                "pages.context_processors.site",
                "staff.context_processors.admin_names",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "pages.templating.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
        },
    },
]


def database_from_environment(*, default_url=environ.Env.NOTSET, conn_max_age=0):
    """The database DATABASE_URL names, configured alike by every settings module; without
    a `default_url`, a missing DATABASE_URL stops the start-up."""
    database = env.db("DATABASE_URL", default=default_url)
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=conn_max_age)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Values travel apart from the SQL, so a statement a connection runs again and again
        # (the four reads behind every public page) is prepared once and PostgreSQL skips
        # parsing and planning it on every uncached page (issue 9; docs/performance.md). These
        # are Django's and psycopg's documented options.
        # An empty DATABASE_PREPARE_THRESHOLD turns preparing off, for a connection pooler in
        # transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        threshold = env("DATABASE_PREPARE_THRESHOLD", default="5")
        options["prepare_threshold"] = int(threshold) if threshold else None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite has one writer at a time. A transaction that begins by reading and then wants
        # to write while another holds the write lock is refused at once ("database is
        # locked": a 503 page for a patient who lost a race for a slot). Taking the write lock
        # when the transaction begins (Django's documented "transaction_mode") makes the
        # second writer wait its turn for up to "timeout" seconds, then read what the first
        # wrote: "That time was just taken".
        options = database.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
    return database


DATABASES = {
    "default": database_from_environment(default_url=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache (and, through it, rate-limit counters) lives in Redis when REDIS_URL is set,
# so several app processes agree; one process on its own uses local memory. django-redis keeps
# one client per process; Django's own backend builds a new client on every call, which cost a
# cached page as much as the rest of its request.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="clinic"),
        }
    }
    # The clinic's and the booking rules' settings (django-solo singletons) are read on every
    # page: kept in the shared cache, which their own save refreshes. Only with Redis: a copy in
    # one process's memory would miss an edit saved through another process.
    SOLO_CACHE = "default"
    SOLO_CACHE_TIMEOUT = 3600
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own copies of the pages the shared cache has just given it, each reused for
# PAGE_CACHE_LOCAL_SECONDS (pages/cache.py); bounded, as every address is a page of its own.
CACHES["page_copies"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "page-copies",
    "OPTIONS": {"MAX_ENTRIES": 300},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = "America/Chicago"  # the clinic's own time zone; datetimes are stored in UTC
USE_I18N = True
# English at the addresses the site always had, Spanish under /es/ (clinic_site/urls.py);
# the address alone decides, never a guess from the browser (docs/i18n.md). Staff screens stay
# English. The catalogue is locale/es/LC_MESSAGES/django.po, compiled by `make install`.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Set only when a visitor picks a language with the header's link (pages.views.language_choose),
# and declared in the privacy notice; it moves no one away from the address they opened.
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Let the app itself serve uploads: development (DEBUG) always does; `make serve` sets this, as
# there is no web server in front of it there. A real server leaves it off and serves
# MEDIA_ROOT from the web server (docs/deploy.md, "Uploaded images").
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The admin lives at a configurable path so it is not where scanners look first.
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# Development prints mail to the console; production requires EMAIL_URL (prod.py).
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Texas Ketamine & Wellness Center <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute address of the site, used in e-mails and canonical links outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# How long a published page stays in the anonymous cache when nothing changes it.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long a process reuses a page the shared cache gave it before asking again, so an edit
# reaches every process within this time (0: ask every time). Asking cost a cached page more
# than the framework's own work for it (issue 9).
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)
# How long the menus and the clinic's settings, which every page shows, are kept in the shared
# cache; any edit in the pages app retires them at once (pages/cache.py, site_frame_cached).
# Only with Redis: a copy in one process's memory would miss an edit saved through another.
SITE_FRAME_CACHE_SECONDS = env.int("SITE_FRAME_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# How long a published page's own rows (the page, its blocks) are kept in the shared cache for
# the visits the page cache does not serve (a session cookie, a query string, staff); retired
# like the menus (pages/cache.py, page_content_cached). Only with Redis, for the same reason.
PAGE_CONTENT_CACHE_SECONDS = env.int("PAGE_CONTENT_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# --- Production hardening (issue 8) -----------------------------------------------------
# Security headers on every response. HSTS is only ever sent over HTTPS, so it is harmless in
# development; prod.py adds the redirect to HTTPS and the Secure cookie flags.
SECURE_HSTS_SECONDS = 63_072_000  # two years, as the preload list requires
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# No other site has any use for our static files.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Nothing inline, nothing from another host. Pages run no script at all; the admin loads its
# own files. A template that ever needs an inline script uses {{ request.csp_nonce }}, and
# only then does the nonce appear in the header. Bootstrap draws form controls with data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp.constants.NONCE],
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

# Browser features the site never uses are switched off for it and anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

# Sessions: read from the shared cache, kept in the database, when Redis is there; a
# per-process memory cache would keep a signed-out session alive in the other processes.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Request id: taken from the proxy's X-Request-ID when it is a well-formed UUID (nginx's
# $request_id is one), otherwise made here; returned in the response and put on every log line.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}

# Secrets that travel in a path, masked wherever a path is logged: the patient's booking link
# (gunicorn's access log, Django's request log, JSON lines).
LOG_PATH_REDACTIONS = [(r"/consultation/booking/[^/\s?\"']+", "/consultation/booking/[link]")]

# Log records pass these filters before any handler writes them. The consultation app's
# PHI scrubber belongs in LOG_FILTERS too, so no handler can ever see a patient's words.
LOG_FILTERS = {
    "request_id": {
        "()": "django_guid.log_filters.CorrelationId",
        "correlation_id_field": "request_id",
    },
    # Removes the consultation form's answers wherever they appear, and the messages of errors
    # raised while handling a consultation request or a booking link (phi/logging.py).
    "redact_phi": {
        "()": "phi.logging.RedactPHIFilter",
        "keys": ANSWER_FIELDS,
        "paths": ["/consultation/", "/es/consultation/"],
        "loggers": ["consultations", "booking", "outbox"],
        "path_redactions": LOG_PATH_REDACTIONS,
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOG_FILTERS,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # prod.py switches the console to this: one JSON object per line.
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text",
            "filters": list(LOG_FILTERS),
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-guid says at INFO level whether each request brought an id; only warnings matter.
        "django_guid": {"level": "WARNING"},
        # A logger's own filter runs before any handler sees the record (caplog's and Django's
        # default error e-mail to ADMINS included), so request errors lose PHI at the source.
        "django.request": {"filters": ["redact_phi"]},
        "django.security": {"filters": ["redact_phi"]},
    },
}
ADMINS = [("Site administrator", a) for a in env.list("DJANGO_ADMINS", default=[])]

# --- Consultation requests (consultations app) -----------------------------------------------
# FIELD_ENCRYPTION_KEYS (Fernet keys, the first encrypts, all decrypt) and BLIND_INDEX_KEY are
# set per environment: dev derives dev-only keys, test fixes them, prod requires them.
# Who receives the "new consultation request" alert.
CONSULTATION_ALERT_RECIPIENTS = env.list("CONSULTATION_ALERT_RECIPIENTS", default=[])
# The response promised on the confirmation page and in the acknowledgement e-mail.
CONSULTATION_RESPONSE_BUSINESS_DAYS = env.int("CONSULTATION_RESPONSE_BUSINESS_DAYS", default=2)
# Spam defence: a form sent sooner than this after it was shown is held back once.
CONSULTATION_MIN_FILL_SECONDS = env.int("CONSULTATION_MIN_FILL_SECONDS", default=5)
# A form's submission token is good for this long after the page was shown, and only in the
# browser it was shown in (a signed cookie carries that browser's binding).
CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS = env.int(
    "CONSULTATION_SUBMISSION_TOKEN_MAX_AGE_HOURS", default=12
)
# At most this many requests per client address per window (counted in the shared cache).
CONSULTATION_RATE_LIMIT_COUNT = env.int("CONSULTATION_RATE_LIMIT_COUNT", default=5)
CONSULTATION_RATE_LIMIT_WINDOW_SECONDS = env.int(
    "CONSULTATION_RATE_LIMIT_WINDOW_SECONDS", default=3600
)
# Which request.META key holds the client address (e.g. HTTP_X_REAL_IP behind a proxy that sets it).
CONSULTATION_CLIENT_IP_META_KEY = env("CONSULTATION_CLIENT_IP_META_KEY", default="REMOTE_ADDR")
# Closed requests older than this lose their answers in `manage.py purge_consultation_requests`.
CONSULTATION_RETENTION_DAYS = env.int("CONSULTATION_RETENTION_DAYS", default=730)
# Outbox: tries per e-mail, back-off base (doubles each try) and cap, claim lease.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=60)
OUTBOX_BACKOFF_MAX_SECONDS = env.int("OUTBOX_BACKOFF_MAX_SECONDS", default=6 * 3600)
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=300)
# Send queued mail in the web process right after the request is saved (dev); production runs
# `manage.py send_queued_email --loop` as its own process instead.
OUTBOX_SEND_IN_PROCESS = env.bool("OUTBOX_SEND_IN_PROCESS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
PHONENUMBER_DEFAULT_REGION = "US"

# --- Editorial workflow (issue 7): medical review dates, scheduling, images, search -------
# A page's next medical review falls due this many days after its last review, unless the
# editor sets another date; the admin lists pages due within MEDICAL_REVIEW_DUE_SOON_DAYS.
MEDICAL_REVIEW_INTERVAL_DAYS = env.int("MEDICAL_REVIEW_INTERVAL_DAYS", default=365)
MEDICAL_REVIEW_DUE_SOON_DAYS = 30

# --- Consultation booking (booking app) -----------------------------------------------------
# Notice, horizon and change rules are edited by staff in the admin (Booking settings).
# How long a patient's signed booking link stays valid.
BOOKING_LINK_MAX_AGE_DAYS = env.int("BOOKING_LINK_MAX_AGE_DAYS", default=45)
# `manage.py queue_booking_reminders` queues a reminder this many hours before a consultation.
BOOKING_REMINDER_HOURS = env.int("BOOKING_REMINDER_HOURS", default=24)
BOOKING_LINK_CHANGES_PER_HOUR = env.int("BOOKING_LINK_CHANGES_PER_HOUR", default=3)

# Page revisions (django-reversion).
INSTALLED_APPS += ["reversion"]
# Uploaded images: checked by content against these limits, then cut into these widths.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10_000_000)
# 24 megapixels (6000 × 4000, a camera's full frame) is what one worker processes within its
# time and memory budget; tests/pages/measure_image_cost.py measures it, docs/deploy.md has
# the figures. A few kilobytes of PNG can declare far more.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=24_000_000)
IMAGE_ALLOWED_FORMATS = ["JPEG", "PNG", "WEBP"]
IMAGE_RENDITION_WIDTHS = [480, 800, 1200, 1600]
# Redirects from old page addresses, editable in the admin and made automatically when a
# published page moves; consulted only for addresses that would otherwise be a 404. Django's
# middleware, keeping the visitor's query string and refusing any target off this site
# (pages/middleware.py, pages/redirects.py).
INSTALLED_APPS += ["django.contrib.sites", "django.contrib.redirects"]
SITE_ID = 1
MIDDLEWARE += ["pages.middleware.RedirectFallbackMiddleware"]

# --- Staff triage: audit trail, workflow (issue 5) --------------------------------------------
# Key for the hashes of client addresses in the audit trail (HMAC). Empty: derived from
# SECRET_KEY, which is fine; set it to keep audit hashes stable across SECRET_KEY rotations.
AUDIT_ADDRESS_HASH_KEY = env("AUDIT_ADDRESS_HASH_KEY", default="")

# --- Staff sign-in: two-factor, lockout, idle sessions (issue 5) -------------------------------
# django-axes checks every sign-in first, so a locked-out account is refused before its password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: this many failed attempts (wrong password, wrong code, ...) for one username, from
# any address, then sign-in is refused for the cool-off time. Counted per username alone: per
# username and address, a guesser moving to another address could tell from the answer whether
# a locked account's password was right. A locked attempt reads exactly as a failed one
# (staff.sites.lockout_response), whatever the username (no enumeration).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too, against guessers who change address or browser; counted
# per username, changing either gains nothing, and a shared office address is never locked.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.sites.lockout_response"
AXES_CLIENT_IP_CALLABLE = "staff.totp.client_ip"
# Log lines name the username (staff usernames are not PHI); addresses and codes are masked.
AXES_SENSITIVE_PARAMETERS = ["ip_address", "otp_token"]
# Idle sessions end: each request pushes the expiry SESSION_IDLE_MINUTES further.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=15) * 60
SESSION_SAVE_EVERY_REQUEST = True
# The clinic's name on the staff side: the admin's header and title, the sign-in, lockout and
# error pages (staff.sites), and authenticator apps. The public site reads it from SiteSettings.
CLINIC_NAME = env("CLINIC_NAME", default="Texas Ketamine & Wellness Center")
# Authenticator apps show this name; the admin never shows a device's key or QR code to others.
OTP_TOTP_ISSUER = CLINIC_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-axes says at INFO level what every sign-in did; only failures and lockouts matter here.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
