"""Shared caching of what anonymous readers get, and its invalidation.

Everything cached is keyed by a *content generation*: one integer in the cache that goes up
after every committed write to any deal model, whichever path wrote it (admin, API, services,
imports, the shell). Old entries are then never read again and expire on their own. Coarse, but
it can never serve a page that misses a published change, and it costs one cache read a request.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"


def content_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so that two servers starting at once agree on the first value.
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return int(generation)


def bump_content_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (a fresh cache): any new value invalidates
        cache.add(GENERATION_KEY, 2, timeout=None)


def cache_key(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}:{content_generation()}:{digest}"


def cached_for_generation(prefix: str, parts: tuple[str, ...], compute):
    """`compute()`, kept in the shared cache until the next committed edit.

    For figures that are the same for every reader and cost a scan of a whole table (the home
    page's totals, a company's totals over its deals): one reader pays after each edit, the
    rest read them back. Off (computed every time) when settings.DATA_CACHE_SECONDS is 0.
    """
    seconds = getattr(settings, "DATA_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute()
    key = cache_key(prefix, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _invalidate_on_commit(sender, **kwargs) -> None:
    if sender._meta.app_label != "deals":
        return
    transaction.on_commit(bump_content_generation)


def connect_invalidation() -> None:
    """Bump the generation after every committed write to a deal model (see module doc).

    Signals rather than service calls: the admin's inlines, imports and bulk history writes do
    not all pass through one service, and a missed invalidation would show stale facts.
    """
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_invalidate_on_commit, dispatch_uid=f"deals-cache-{signal}")


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


class _ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool.

    Django makes a new `redis.Redis` for every cache call, and each one copies redis-py's
    table of response callbacks (about 170 entries): with two cache reads a request (the
    content generation, then the page) that was most of a cached page's cost. A `redis.Redis`
    is safe to share between threads; it takes a connection from its pool per command.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class ReusingRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with the client above (settings.CACHES)."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient
