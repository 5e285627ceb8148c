"""Fixtures for the API tests: clients with and without a token, and a clean throttle."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def clean_throttles():
    """Throttle counters live in the cache; without this, one test's requests count in the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An anonymous client."""
    return APIClient(HTTP_HOST="localhost")


def token_client(user) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def editor_api(editor):
    """A client that sends an editor's token (Editors group: add, change, view)."""
    return token_client(editor)


@pytest.fixture
def reader_api(django_user_model):
    """A client with a token whose user has no permissions at all."""
    user = django_user_model.objects.create_user(username="reader", password="x" * 20)
    return token_client(user)


@pytest.fixture
def editors_group(db):
    return Group.objects.get(name="Editors")
