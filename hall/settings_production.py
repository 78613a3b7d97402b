"""Production settings: the environment's values, hardened. Used by gunicorn and the worker.

``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` must be set; DEBUG is forced off.
Behind a TLS-terminating proxy set ``HALL_PROXY_SSL_HEADER=true``.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from hall.env import env_bool, env_int, env_str  # noqa: E402
from hall.settings import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")

SECURE_SSL_REDIRECT = env_bool("HALL_SSL_REDIRECT", True)
if env_bool("HALL_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("HALL_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("HALL_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("HALL_SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING["root"]["level"] = "INFO"  # noqa: F405
