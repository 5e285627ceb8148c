"""Read replicas: reads go to a replica, and a request that writes stays on the primary.

Settings add the aliases `replica1`, `replica2` ... from `DATABASE_REPLICA_URLS` and turn this
router on only then. The rules:

- A write (or anything Django asks the write database for: `save`, `select_for_update`,
  `get_or_create`) pins the rest of the request to the primary, so a request reads what it
  wrote, and a transaction never spans two servers.
- Inside `transaction.atomic()` on the primary, reads go to the primary too.
- `PinPrimaryMiddleware` pins a request before it starts when it is not a safe method, or when
  it carries a session or an API token: editors read their own writes at once, whatever the
  replicas' lag; anonymous readers, the traffic that grows, go to the replicas.
- Migrations run on the primary only; replicas get them through replication.

One replica is chosen at random per request and kept for the request, so a page's queries all
see the same snapshot of one server.
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY = DEFAULT_DB_ALIAS


@dataclass
class _State:
    pinned: bool = False
    replica: str | None = None


_state: ContextVar[_State | None] = ContextVar("dealtracker_db_state", default=None)


def _current() -> _State:
    state = _state.get()
    if state is None:
        state = _State()
        _state.set(state)
    return state


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias != PRIMARY]


def pin_to_primary() -> None:
    """Send every later query of this request (or task) to the primary."""
    _current().pinned = True


def reset(**kwargs) -> None:
    """A new request starts unpinned, with no replica chosen yet."""
    _state.set(_State())


request_started.connect(reset, dispatch_uid="dealtracker-db-router-reset")


class PrimaryReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model, **hints):
        state = _current()
        if state.pinned or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        replicas = replica_aliases()
        if not replicas:
            return PRIMARY
        if state.replica not in replicas:
            state.replica = random.choice(replicas)
        return state.replica

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's data: a row read from one may refer to another's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PinPrimaryMiddleware:
    """Pins requests that write, or come from a signed-in editor or a token, to the primary."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset()
        if (
            request.method not in self.SAFE
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            pin_to_primary()
        return self.get_response(request)
