"""Shared caching of what anonymous readers get, and its invalidation.

Everything cached is stamped with a *content generation*: one integer in the cache that goes up
after every committed write to any deal model, whichever path wrote it (admin, API, services,
imports, the shell). An entry stamped with an older generation is never served: the next
reader builds it again and overwrites it. Coarse, but it can never serve a page that misses a
published change, and reading the generation and the entry together costs one cache round trip
(`read_fresh`).
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
    """Where `parts` are kept under `prefix`. Entries are tuples (generation, value) since
    this release; prefixes name their value's shape, so that a rolling deploy never has one
    release read another's entries."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}:{digest}"


def read_fresh(key: str) -> tuple[int, object | None]:
    """The current content generation, and what `key` holds if it was stored for that
    generation (None when it is missing or older). One round trip: MGET on Redis."""
    return _fresh(cache.get_many([GENERATION_KEY, key]), key)


def count_and_read_fresh(
    windows: list[tuple[str, int]], key: str
) -> tuple[list[int], int, object | None]:
    """`count_in_window` for each (counter, seconds) in `windows`, then `read_fresh(key)`:
    the counts, the content generation and the fresh entry or None. One round trip on Redis
    (a cached API answer counts against the throttles, then reads the entry)."""
    batched = getattr(cache, "count_and_get_many", None)
    if batched is None:
        counts = [count_in_window(counter, seconds) for counter, seconds in windows]
        return counts, *read_fresh(key)
    counts, found = batched(windows, [GENERATION_KEY, key])
    return counts, *_fresh(found, key)


def _fresh(found: dict, key: str) -> tuple[int, object | None]:
    generation = found.get(GENERATION_KEY)
    generation = content_generation() if generation is None else int(generation)
    stored = found.get(key)
    if type(stored) is tuple and len(stored) == 2 and stored[0] == generation:
        return generation, stored[1]
    return generation, None


def store_fresh(key: str, generation: int, value, seconds: int) -> None:
    """Keeps `value` at `key` for readers of `generation` (read before `value` was built, so an
    edit committed meanwhile makes it stale rather than hiding the edit)."""
    cache.set(key, (generation, value), seconds)


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
    generation, value = read_fresh(key)
    if value is None:
        value = compute()
        store_fresh(key, generation, value, seconds)
    return value


def count_in_window(key: str, seconds: int) -> int:
    """Adds one to the counter at `key`, which starts at zero and lives `seconds`; returns the
    new count (the throttles' counters, deals/api/access.py)."""
    counting = getattr(cache, "incr_expiring", None)
    if counting is not None:
        return counting(key, seconds)
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this request starts the window again
        cache.set(key, 1, seconds)
        return 1


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
        self._scripts: dict = {}

    #: INCR, and on the first count EXPIRE: atomic, as one command (Lua runs alone in Redis).
    COUNT_IN_WINDOW = (
        "local n = redis.call('INCR', KEYS[1]) "
        "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
        "return n"
    )

    def incr_expiring(self, key: str, timeout: int) -> int:
        """Adds one to an integer that starts at zero and expires `timeout` seconds after it
        was created: one round trip (Django's `add` then `incr` take three)."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(self.COUNT_IN_WINDOW)
        return int(script(keys=[key], args=[int(timeout)]))

    #: `COUNT_IN_WINDOW` on the first ARGV[1] keys (ARGV[i + 1] seconds each), then GET of the
    #: rest: as one command, so one round trip.
    COUNT_AND_GET = (
        "local n = tonumber(ARGV[1]) local out = {} "
        "for i = 1, n do "
        "out[i] = redis.call('INCR', KEYS[i]) "
        "if out[i] == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end "
        "end "
        "for i = n + 1, #KEYS do out[i] = redis.call('GET', KEYS[i]) end "
        "return out"
    )

    def count_and_get_many(
        self, windows: list[tuple[str, int]], keys: list[str]
    ) -> tuple[list[int], dict]:
        """`incr_expiring` for each (key, timeout) of `windows`, and `get_many(keys)`, in one
        round trip to the primary."""
        counters = [self.make_and_validate_key(key) for key, _timeout in windows]
        read = {self.make_and_validate_key(key): key for key in keys}
        client = self._cache.get_client(None, write=True)
        script = self._scripts.get((id(client), "count-and-get"))
        if script is None:
            script = self._scripts[(id(client), "count-and-get")] = client.register_script(
                self.COUNT_AND_GET
            )
        replies = script(
            keys=[*counters, *read],
            args=[len(windows), *(int(timeout) for _key, timeout in windows)],
        )
        counts = [int(reply) for reply in replies[: len(windows)]]
        found = {
            original: self._cache._serializer.loads(value)
            for original, value in zip(read.values(), replies[len(windows):], strict=True)
            if value is not None
        }
        return counts, found
