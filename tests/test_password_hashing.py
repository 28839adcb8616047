"""Logins: the demo hashes passwords with fewer PBKDF2 rounds (a login cost over a second on a
loaded two-core machine), production keeps Django's, and a demo's hash still works there."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password

from archive_site.hashers import DemoPBKDF2PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
    "DATABASE_URL": "sqlite:////tmp/archive-hasher-check.sqlite3",
}


def first_hasher(settings_module: str, **env: str) -> str:
    """The first of PASSWORD_HASHERS as a process started with these settings sees it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": settings_module},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_demo_hashes_with_fewer_rounds_and_production_with_djangos():
    demo = first_hasher("archive_site.settings.dev")
    assert demo == "archive_site.hashers.DemoPBKDF2PasswordHasher"
    production = first_hasher("archive_site.settings.production", **PRODUCTION_ENV)
    assert production == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert DemoPBKDF2PasswordHasher.iterations * 10 <= PBKDF2PasswordHasher.iterations


def test_a_demo_password_verifies_in_production_and_is_rehashed_with_its_rounds(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # Django's
    demo_hash = make_password("一个很长的口令-42", hasher=DemoPBKDF2PasswordHasher())
    production = PBKDF2PasswordHasher()
    rehashed = []
    assert check_password(
        "一个很长的口令-42", demo_hash, setter=rehashed.append, preferred=production
    )
    assert production.must_update(demo_hash)
    assert rehashed == ["一个很长的口令-42"]
