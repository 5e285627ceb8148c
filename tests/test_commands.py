"""`manage.py create_editor`: a staff user in the Editors group, with a password that passes
the validators, read from the environment so no password sits in a shell history."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "chimaek-치맥-kkanbu-2025"


def create_editor(username: str, variable: str = "DT_TEST_EDITOR_PASSWORD") -> str:
    out = StringIO()
    call_command("create_editor", username=username, password_from_env=variable, stdout=out)
    return out.getvalue()


def test_create_editor_makes_a_staff_user_in_editors(monkeypatch):
    monkeypatch.setenv("DT_TEST_EDITOR_PASSWORD", GOOD_PASSWORD)

    output = create_editor("김편집")

    user = get_user_model().objects.get(username="김편집")
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password(GOOD_PASSWORD)
    assert "김편집" in output
    assert GOOD_PASSWORD not in output


@pytest.mark.parametrize(
    "password",
    ["1234", "password", "20251031", "짧은암호", "kimpyunjib1"],
    ids=["short", "common", "numeric", "short-korean", "like-username"],
)
def test_create_editor_refuses_a_weak_password_and_writes_nothing(monkeypatch, password):
    monkeypatch.setenv("DT_TEST_EDITOR_PASSWORD", password)

    with pytest.raises(CommandError):
        create_editor("kimpyunjib")

    assert not get_user_model().objects.exists()


def test_create_editor_refuses_an_unset_password_variable(monkeypatch):
    monkeypatch.delenv("DT_TEST_EDITOR_PASSWORD", raising=False)

    with pytest.raises(CommandError):
        create_editor("김편집")

    assert not get_user_model().objects.exists()


def test_create_editor_refuses_a_username_taken(monkeypatch):
    monkeypatch.setenv("DT_TEST_EDITOR_PASSWORD", GOOD_PASSWORD)
    create_editor("김편집")
    monkeypatch.setenv("DT_TEST_EDITOR_PASSWORD", "another-long-passphrase-두번째")

    with pytest.raises(CommandError, match="already exists"):
        create_editor("김편집")

    users = get_user_model().objects.filter(username="김편집")
    assert users.count() == 1
    assert users.get().check_password(GOOD_PASSWORD)


def test_create_editor_with_desk_makes_a_desk_editor(monkeypatch):
    monkeypatch.setenv("DT_TEST_EDITOR_PASSWORD", GOOD_PASSWORD)
    out = StringIO()
    call_command(
        "create_editor",
        username="데스크장",
        password_from_env="DT_TEST_EDITOR_PASSWORD",
        desk=True,
        stdout=out,
    )
    user = get_user_model().objects.get(username="데스크장")
    assert list(user.groups.values_list("name", flat=True)) == ["Desk editors"]
    assert user.has_perm("deals.publish")
    assert "Desk editor" in out.getvalue()
