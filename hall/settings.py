"""Settings for Hall, read from the environment (see README "Configuration").

Without any variable set this is the embedded default used by ``make run``: SQLite and
media under ``var/``, Celery tasks run eagerly in-process, DEBUG on. Production imports
this module from ``hall.settings_production`` and hardens it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from hall.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("HALL_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    # Only ever used by the embedded default; production refuses to start with it.
    "insecure-dev-key-for-make-run-only" if DEBUG else None,
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "hall",
    "windows",
    "staff",
    "guides",
    "appraisal",
    "complaints",
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
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hall.urls"
WSGI_APPLICATION = "hall.wsgi.application"

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
                "hall.context_processors.hall",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hall.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several threads (runserver, eager tasks) share the file: wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hall.backends.HallBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): locked per username *and* address, so one person's typing
# mistakes never lock out a whole department sitting behind the same NAT address.
AXES_FAILURE_LIMIT = env_int("HALL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HALL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("HALL_PROXY_COUNT", 0)
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("DJANGO_MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: refuse anything large before it reaches a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
HALL_ROSTER_MAX_BYTES = env_int("HALL_ROSTER_MAX_BYTES", 2 * 1024 * 1024)
HALL_IMAGE_MAX_BYTES = env_int("HALL_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
HALL_EVIDENCE_MAX_BYTES = env_int("HALL_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Celery: REDIS_URL set → a real broker and worker; unset → tasks run eagerly in-process.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"

# A per-process memory cache: it holds only what may be a little stale (the hall profile, a
# minute) or what is keyed by version (rendered list bodies, the navigation). Measured: a
# Redis cache costs more per page than the database queries it saves (bench/README.md).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With Redis, sessions are read from it first (written through to the database, so none is
# lost): a shared store, so a logout ends the session in every web process at once.
if REDIS_URL:
    CACHES["sessions"] = {
        "BACKEND": "hall.redis_cache.HallRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hall-session",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
# The beat schedule, in one place; one comment per entry.
CELERY_BEAT_SCHEDULE = {
    # Close the month that just ended: results and proposed awards, on the 1st at 02:00.
    "appraisal-close-previous-month": {
        "task": "appraisal.tasks.close_previous_month",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    # Close the months whose close was requested while the broker was down.
    "appraisal-close-requested": {
        "task": "appraisal.tasks.close_requested_months",
        "schedule": timedelta(minutes=10),
    },
    # Queue again PDFs asked for while the broker was down (or whose worker died).
    "documents-requeue": {
        "task": "hall.tasks.documents_requeue",
        "schedule": timedelta(minutes=10),
    },
    # Complaints past their reply deadline: reminder (催办) and escalation (通报), once each.
    "complaints-overdue": {
        "task": "complaints.tasks_desk.complaints_overdue",
        "schedule": crontab(minute=30, hour=8),
    },
    # Ratings: rebuild the current month's rollup (and last month's, once, after it ends), so
    # the statistics read minutes of ratings live instead of the whole month.
    "ratings-rollup-current": {
        "task": "complaints.tasks.ratings_rollup_current",
        "schedule": timedelta(minutes=env_int("HALL_RATING_ROLLUP_MINUTES", 10)),
    },
    # Pick up calendar syncs that were requested while the broker was down.
    "calendar-sync-pending": {
        "task": "hall.tasks.calendar_sync_pending",
        "schedule": timedelta(minutes=10),
    },
    # Mark bad-rating cases past their deadline overdue (整改超期) and tell the hall office.
    "bad-rating-cases-overdue": {
        "task": "complaints.tasks.cases_mark_overdue",
        "schedule": crontab(minute=10, hour=0),
    },
}

# The hall's configurable numbers (REFERENCES.md defaults).
HALL_ROTATION_YEARS = {
    "chief": env_int("HALL_ROTATION_YEARS_CHIEF", 5),
    "staff": env_int("HALL_ROTATION_YEARS_STAFF", 2),
}
HALL_ROTATION_WARN_DAYS = env_int("HALL_ROTATION_WARN_DAYS", 90)
HALL_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

HALL_ROLE_LABELS = {
    "hall_admin": _("Hall administrator"),
    "duty_supervisor": _("Duty supervisor"),
    "window_staff": _("Window staff"),
    "department_liaison": _("Department liaison"),
}

# Appraisal: working days staff have to appeal after a month is published.
HALL_APPEAL_DAYS = env_int("HALL_APPEAL_DAYS", 3)

# Annual appraisal (年度考核): the defaults a new year starts with; the hall office edits them
# per year until the year is locked. Thresholds are minimum average monthly totals.
HALL_ANNUAL_EXCELLENT_MIN = env_str("HALL_ANNUAL_EXCELLENT_MIN", "100")  # 优秀
HALL_ANNUAL_COMPETENT_MIN = env_str("HALL_ANNUAL_COMPETENT_MIN", "98")  # 称职
HALL_ANNUAL_BASIC_MIN = env_str("HALL_ANNUAL_BASIC_MIN", "95")  # 基本称职; below → 不称职
HALL_ANNUAL_EXCELLENT_SHARE = env_str("HALL_ANNUAL_EXCELLENT_SHARE", "15")  # % of staff, at most
HALL_ANNUAL_DISQUALIFIED_BARS_EXCELLENT = env_bool("HALL_ANNUAL_DISQUALIFIED_BARS_EXCELLENT", True)
# Ratings (好差评): limits on ratings without a token, counted per window; the device is a
# signed cookie the server sets, the address as the proxy reports it (HALL_PROXY_COUNT).
HALL_RATING_PER_DEVICE_PER_DAY = env_int("HALL_RATING_PER_DEVICE_PER_DAY", 3)
HALL_RATING_PER_IP_PER_HOUR = env_int("HALL_RATING_PER_IP_PER_HOUR", 30)
# A tablet paired as a window's kiosk rates every citizen served there.
HALL_RATING_KIOSK_PER_HOUR = env_int("HALL_RATING_KIOSK_PER_HOUR", 60)
HALL_RATING_KIOSK_RETURN_SECONDS = env_int("HALL_RATING_KIOSK_RETURN_SECONDS", 5)
HALL_RATING_TOKEN_DAYS = env_int("HALL_RATING_TOKEN_DAYS", 30)  # a token's life
# Satisfaction rate = Σ weight × count ÷ all ratings; the default counts the top three levels.
HALL_RATING_SATISFACTION_WEIGHTS = {
    "very_satisfied": 1,
    "satisfied": 1,
    "basic": 1,
    "dissatisfied": 0,
    "very_dissatisfied": 0,
}
HALL_RATING_TALK_BOTTOM = env_int("HALL_RATING_TALK_BOTTOM", 2)  # bottom N two months → 约谈
HALL_RATING_RANK_MIN = env_int("HALL_RATING_RANK_MIN", 5)  # ratings a window needs to be ranked
# Bad-rating rectification (差评整改): the deadline counts from the rating's day, in calendar
# days or ("working") in working days of the work calendar; one extension at most, capped.
HALL_BAD_RATING_DEADLINE_DAYS = env_int("HALL_BAD_RATING_DEADLINE_DAYS", 15)
HALL_BAD_RATING_DEADLINE_UNIT = env_str("HALL_BAD_RATING_DEADLINE_UNIT", "calendar")
HALL_BAD_RATING_EXTENSION_MAX_DAYS = env_int("HALL_BAD_RATING_EXTENSION_MAX_DAYS", 15)
# The rule a verified bad rating is proposed under; empty → the first deduction rule of the
# "public rating" category in force for the subject (staff member, else window).
HALL_BAD_RATING_RULE_CODE = env_str("HALL_BAD_RATING_RULE_CODE", "")
# The rollup's cut-off stays this far behind the clock: a rating whose transaction is still
# open when the rollup is rebuilt is then read live instead of being missed by both.
HALL_RATING_ROLLUP_LAG_SECONDS = env_int("HALL_RATING_ROLLUP_LAG_SECONDS", 120)
# The address printed in QR codes ("https://hall.example.gov.cn"); empty → the request's host.
HALL_RATING_PUBLIC_URL = env_str("HALL_RATING_PUBLIC_URL", "")
# The hall's public address, for links printed where no request gives one: the QR codes of
# printed guides (rendered by Celery). Empty → HALL_RATING_PUBLIC_URL, then the dev server.
HALL_PUBLIC_URL = (
    env_str("HALL_PUBLIC_URL", "") or HALL_RATING_PUBLIC_URL or "http://127.0.0.1:8000"
)

# The duty desk and window status signs (issue 4).
# An "away" sign shown longer than this turns the window's tile red on the supervisor's tablet.
HALL_AWAY_LIMIT_MINUTES = env_int("HALL_AWAY_LIMIT_MINUTES", 15)
# How often the hall's big-screen floor board asks for fresh signs.
HALL_BOARD_REFRESH_SECONDS = env_int("HALL_BOARD_REFRESH_SECONDS", 20)

# The complaints desk (投诉台, GB/T 36113-2018): reply deadlines in working days from receipt.
COMPLAINTS_DAYS_ORAL = env_int("COMPLAINTS_DAYS_ORAL", 0)  # on the spot
COMPLAINTS_DAYS_WRITTEN = env_int("COMPLAINTS_DAYS_WRITTEN", 3)
COMPLAINTS_DAYS_COMPLEX = env_int("COMPLAINTS_DAYS_COMPLEX", 5)  # complex or several departments
COMPLAINTS_DAYS_MAX = env_int("COMPLAINTS_DAYS_MAX", 7)  # never beyond, extension included
# Overdue: a reminder (催办) the working day after the deadline, an escalation (通报) this many
# working days after the reminder.
COMPLAINTS_ESCALATE_AFTER_DAYS = env_int("COMPLAINTS_ESCALATE_AFTER_DAYS", 5)
# The public web form: complaints per address per day; tracking look-ups per address per hour.
COMPLAINTS_WEB_PER_IP_PER_DAY = env_int("COMPLAINTS_WEB_PER_IP_PER_DAY", 5)
COMPLAINTS_TRACK_PER_IP_PER_HOUR = env_int("COMPLAINTS_TRACK_PER_IP_PER_HOUR", 30)
# Receipts (issue 6): the notices of acceptance, correction and refusal.
# A correction notice must be issued within this many working days of receipt; otherwise the
# application counts as accepted from the day it was received (Administrative Licensing Law
# art. 32).
HALL_RECEIPT_CORRECTION_DAYS = env_int("HALL_RECEIPT_CORRECTION_DAYS", 5)
# The applicant's remedies printed on a refusal: administrative review (复议) and litigation
# (诉讼). Empty bodies print the generic names ("the district people's government", "the
# people's court with jurisdiction").
HALL_RECEIPT_REVIEW_BODY = env_str("HALL_RECEIPT_REVIEW_BODY", "")
HALL_RECEIPT_REVIEW_DAYS = env_int("HALL_RECEIPT_REVIEW_DAYS", 60)
HALL_RECEIPT_LITIGATION_BODY = env_str("HALL_RECEIPT_LITIGATION_BODY", "")
HALL_RECEIPT_LITIGATION_MONTHS = env_int("HALL_RECEIPT_LITIGATION_MONTHS", 6)
# The word of each kind's serial number: 〔2026〕受字第00012号.
HALL_RECEIPT_PREFIXES = {
    "acceptance": env_str("HALL_RECEIPT_PREFIX_ACCEPTANCE", "受"),
    "correction": env_str("HALL_RECEIPT_PREFIX_CORRECTION", "补"),
    "refusal": env_str("HALL_RECEIPT_PREFIX_REFUSAL", "不受"),
}
