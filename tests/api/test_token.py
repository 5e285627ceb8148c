"""The api_token command: one token per user, shown or made, replaced or removed."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_command_makes_a_token_once_and_then_shows_it(editor, api):
    key = run(editor.username)
    assert Token.objects.get(user=editor).key == key
    assert run(editor.username) == key
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/deals/").status_code == 200


def test_reset_replaces_the_token_and_the_old_one_stops_working(editor, api):
    old = run(editor.username)
    new = run(editor.username, "--reset")
    assert new != old
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/deals/").status_code == 401


def test_delete_removes_the_token(editor):
    run(editor.username)
    run(editor.username, "--delete")
    assert not Token.objects.filter(user=editor).exists()


def test_unknown_user_is_an_error():
    with pytest.raises(CommandError):
        run("nobody")
