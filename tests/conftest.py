"""Fixtures shared by every test module."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test passwords with a fast hasher: the real one spends about a third of a second on
    every user a test makes, by design. Production keeps Django's default."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def worker_redis_url(url: str, worker: str) -> str:
    """`url` with its database number moved past the base one by the xdist worker's number
    (gw0 -> base + 1, gw1 -> base + 2), so that one worker's `cache.clear()` (a FLUSHDB) never
    empties the cache another worker is testing."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = base + 1 + int(worker.removeprefix("gw"))
    if number > 15:  # Redis has 16 databases unless configured otherwise
        raise pytest.UsageError(f"no Redis database left for xdist worker {worker} after {url}")
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(autouse=True, scope="session")
def redis_database_per_worker():
    """Under `pytest -n` (make test), each worker process gets its own Redis database."""
    from django.conf import settings
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    default = settings.CACHES["default"]
    if not worker or not default["BACKEND"].endswith("RedisCache"):
        yield
        return
    own = {**default, "LOCATION": worker_redis_url(default["LOCATION"], worker)}
    with override_settings(CACHES={**settings.CACHES, "default": own}):
        yield


@pytest.fixture
def editor(django_user_model):
    """A staff user in the Editors group (made by the data migration)."""
    user = django_user_model.objects.create_user(
        username="편집자", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def published_deal(db):
    return factories.make_deal(
        title="Nvidia supplies Blackwell GPUs", title_ko="엔비디아 블랙웰 공급"
    )


@pytest.fixture
def desk_editor(django_user_model):
    """A staff user in the Desk editors group: writes, publishes, unpublishes and reverts."""
    user = django_user_model.objects.create_user(
        username="데스크", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Desk editors"))
    return user


@pytest.fixture
def desk_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


@pytest.fixture(autouse=True)
def english_between_requests():
    """Start every test in English and keep the test's own language English after requests.

    LocaleMiddleware activates the request's language in this thread and leaves it active, so
    after a /ko/ request `get_absolute_url()` in the test would build Korean addresses.
    """
    from django.core.signals import request_finished
    from django.utils import translation

    def reset(**kwargs):
        translation.activate("en")

    translation.activate("en")
    request_finished.connect(reset, dispatch_uid="tests-english")
    yield
    request_finished.disconnect(dispatch_uid="tests-english")
    translation.deactivate()


class ThrottleClock:
    """The API throttles' clock, set by the test (seconds since the epoch)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttle_clock(monkeypatch):
    """Stops the throttles' clock 20 s into a minute (and an hour), so a test's requests all
    fall in one window whatever the time it runs; move it with `throttle_clock.now = ...`."""
    from deals.api.access import FixedWindowRateThrottle

    clock = ThrottleClock(1_800_000_000.0 + 20)  # 1_800_000_000 is a whole hour
    monkeypatch.setattr(FixedWindowRateThrottle, "timer", staticmethod(clock))
    return clock


@pytest.fixture
def both_ways(settings):
    """Calls `read(*args)` with prepared statements on (deals/prepared.py; where the database
    has none, the ORM answers both times) and then off, the caches emptied before each:
    `fast, orm = both_ways(client.get, address)`."""
    from django.core.cache import cache

    def run(read, *args):
        results = []
        for prepared in (True, False):
            settings.PREPARED_STATEMENTS = prepared
            cache.clear()
            results.append(read(*args))
        settings.PREPARED_STATEMENTS = True
        return tuple(results)

    return run
