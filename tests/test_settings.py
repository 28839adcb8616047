"""The settings split: production refuses to start without its secrets, passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "archive_site.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
    "DATABASE_URL": "sqlite:////tmp/archive-deploy-check.sqlite3",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", env={**GOOD_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_production_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_chinese_is_the_default_language_and_english_is_offered():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert {"zh-hans", "en"} <= {code for code, _name in settings.LANGUAGES}


def test_s3_storage_is_switched_on_by_the_environment():
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['masters']['BACKEND'], settings.AWS_S3_FILE_OVERWRITE)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "archive_site.settings.dev",
        "AWS_STORAGE_BUCKET_NAME": "archive-test",
    }
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["storages.backends.s3.S3Storage", "False"]


def test_production_mail_comes_from_the_environment():
    """Access requests e-mail their verification links and decisions: production reads its
    relay from the environment and sends from the site's own host by default."""
    code = (
        "from django.conf import settings; "
        "print(settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, "
        "settings.DEFAULT_FROM_EMAIL)"
    )
    result = manage("shell", "-c", code, env=GOOD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["localhost", "25", "False", "noreply@archive.example.org"]
    relay = {**GOOD_ENV, "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587"}
    relay |= {"EMAIL_USE_TLS": "true", "DEFAULT_FROM_EMAIL": "archive@example.org"}
    result = manage("shell", "-c", code, env=relay)
    assert result.stdout.split()[-4:] == ["smtp.example.org", "587", "True", "archive@example.org"]
