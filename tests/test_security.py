"""Secure by default: check --deploy is clean with production settings, every response carries
the security headers, sign-in locks out after repeated failures, two-factor sign-in works for
editors who set it up, and the admin can live at another path."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

ROOT = Path(__file__).resolve().parent.parent
# Relaxations the test settings make for plain HTTP; production has none of them.
TEST_ONLY = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STATIC_MANIFEST",
    "SECRET_KEY",
    "ADMIN_URL",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k7#Qz!pR2vX9@mL4wN8$eT1yU6&iO3^aS5*dF0)gH-jK_lZ+cV=bN",
        DEBUG="0",
        ALLOWED_HOSTS="dealtracker.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_admin_can_live_at_another_path():
    result = _manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        DEBUG="1",
        ADMIN_URL="newsroom-desk/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("/newsroom-desk/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/healthz", "/api/v1/deals/", "/nowhere/"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path, secure=True)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client, django_user_model):
    django_user_model.objects.create_user(
        "기자", password="a long enough passphrase 1", is_staff=True
    )
    client.post(
        reverse("admin:login"), {"username": "기자", "password": "a long enough passphrase 1"}
    )
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client, django_user_model):
    django_user_model.objects.create_user("편집", password="right passphrase 2025", is_staff=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "편집", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "편집", "password": "right passphrase 2025"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_two_factor_editor_needs_the_code(client, django_user_model):
    user = django_user_model.objects.create_user(
        "이중", password="right passphrase 2025", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login = reverse("admin:login")

    without = client.post(login, {"username": "이중", "password": "right passphrase 2025"})
    assert without.status_code == 200
    assert "_auth_user_id" not in client.session

    wrong = client.post(
        login, {"username": "이중", "password": "right passphrase 2025", "otp_token": "000000"}
    )
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    # django-otp slows down guessing after a wrong code; a person would wait a second.
    device.refresh_from_db()
    device.throttle_reset()

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    right = client.post(
        login, {"username": "이중", "password": "right passphrase 2025", "otp_token": code}
    )
    assert right.status_code == 302, right.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_editor_without_a_device_signs_in_with_the_password(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
