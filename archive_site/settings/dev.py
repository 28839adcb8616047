"""Laptop settings for `make demo`: embedded defaults, debug on, a fixed local-only secret."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# Only ever used on a developer's machine; production.py refuses to start without its own key.
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-scientist-archive"  # noqa: F405, S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A template edited on a laptop sends no signal: pages are rendered fresh unless asked for.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# WhiteNoise serves app static files straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Demo logins hash with fewer PBKDF2 rounds (archive_site/hashers.py); production keeps Django's.
PASSWORD_HASHERS = [
    "archive_site.hashers.DemoPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
