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
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency; local memory never raises
    RedisError = OSError

logger = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"
#: What a cache that cannot be reached raises. Readers are then answered without the cache
#: (slower, never wrong), throttles let requests through, and each failure is logged;
#: /readyz reports the cache as down meanwhile (dealtracker/health.py).
CACHE_ERRORS = (RedisError, OSError)
#: The generation `count_and_read_fresh` gives when the cache could not be read: no entry is
#: ever stored for it.
UNREAD = -1


def first_generation() -> int:
    """Where the generation starts in an empty cache: the time in microseconds, so that after
    a flush it never starts again at a value some worker's NearCache still holds entries of
    (edits add one each; they would have to outpace the clock to catch up with it)."""
    return time.time_ns() // 1000


def content_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so that two servers starting at once agree on the first value.
        cache.add(GENERATION_KEY, first_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return int(generation)


def bump_content_generation() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet (a fresh cache): any new value invalidates
            cache.add(GENERATION_KEY, first_generation(), timeout=None)
    except CACHE_ERRORS as error:
        # The edit is committed; what the cache still holds of it is at most
        # PAGE_CACHE_SECONDS old by the time the cache is back (or gone, if it restarted).
        logger.error("An edit could not refresh the cache, which is unavailable: %s", error)


def cache_key(prefix: str, *parts: str) -> str:
    """Where `parts` are kept under `prefix`. Entries are tuples (generation, value) since
    this release; prefixes name their value's shape, so that a rolling deploy never has one
    release read another's entries."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}:{digest}"


#: What `count_and_read` answers for the entry when the caller's own copy is current.
HELD = object()


class NearCache:
    """A worker's own copy of the entries it read last, by key: (generation, value).

    An entry is fresh exactly when it was stored for the current generation, so a worker that
    already holds a key's entry for the generation it reads need not have Redis send it again
    (`ReusingRedisCache.count_and_read` compares the two generations in Redis, and sends the
    entry anyway once it has expired there, so a copy never outlives PAGE_CACHE_SECONDS).
    For a page of 50 API deals (180 KB) the transfer and unpickling were a fifth of a cached
    answer's CPU. Least recently used entries go first once the copies pass `max_bytes`.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[int, object, int, float | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[int, object] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[3] is not None and time.monotonic() >= entry[3]:
                del self._entries[key]
                self.size -= entry[2]
                return None
            self._entries.move_to_end(key)
            return entry[0], entry[1]

    def put(
        self, key: str, generation: int, value, size: int, seconds: float | None = None
    ) -> None:
        """Keeps `value` as read for `generation`; for at most `seconds`, when given."""
        if size > self.max_bytes:
            return
        deadline = time.monotonic() + seconds if seconds is not None else None
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[2]
            self._entries[key] = (generation, value, size, deadline)
            self.size += size
            while self.size > self.max_bytes:
                _key, (_g, _v, dropped, _d) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


_near: NearCache | None = None


def near_cache(*, any_cache: bool = False) -> NearCache | None:
    """This process's NearCache (settings.NEAR_CACHE_MB), or None when it is off or the cache
    cannot compare generations for it (anything but ReusingRedisCache), unless `any_cache`:
    then the copies are compared with the generation read from the cache (`read_fresh`'s
    `keep`)."""
    global _near
    megabytes = getattr(settings, "NEAR_CACHE_MB", 0)
    if megabytes <= 0 or not (any_cache or hasattr(cache, "count_and_read")):
        return None
    if _near is None or _near.max_bytes != megabytes * 1024 * 1024:
        _near = NearCache(megabytes * 1024 * 1024)
    return _near


def read_fresh(
    key: str, *, near: bool = False, keep: float | None = None
) -> tuple[int, object | None]:
    """The current content generation, and what `key` holds if it was stored for that
    generation (None when it is missing or older). One round trip on Redis. With `near`, the
    value may be this worker's own copy (NearCache), shared with other requests: only for
    values nobody changes (the pages' and API answers' bodies and headers, the figures of
    `cached_for_generation`). With `keep` (seconds), copies are also kept for a cache that
    cannot compare generations itself (local memory, say): a copy is used while the
    generation read from the cache is still the one it was read for, and at most `keep`
    seconds."""
    _counts, generation, value = count_and_read_fresh([], key, near=near, keep=keep)
    return generation, value


def count_and_read_fresh(
    windows: list[tuple[str, int]], key: str, *, near: bool = False, keep: float | None = None
) -> tuple[list[int], int, object | None]:
    """`count_in_window` for each (counter, seconds) in `windows`, then `read_fresh(key)`:
    the counts, the content generation and the fresh entry or None. One round trip on Redis
    (a cached API answer counts against the throttles, then reads the entry). With `near`,
    Redis sends the entry only when this worker's NearCache does not already hold it for that
    generation (see read_fresh). When the cache is unavailable: zero counts, UNREAD, None."""
    try:
        return _count_and_read_fresh(windows, key, near=near, keep=keep)
    except CACHE_ERRORS as error:
        logger.warning("Answering without the cache, which is unavailable: %s", error)
        return [0] * len(windows), UNREAD, None


def _count_and_read_fresh(windows, key, *, near, keep):
    reading = getattr(cache, "count_and_read", None)
    if reading is None:
        counts = [count_in_window(counter, seconds) for counter, seconds in windows]
        copies = near_cache(any_cache=True) if near and keep else None
        held = copies.get(key) if copies is not None else None
        if held is not None:
            generation = cache.get(GENERATION_KEY)
            if generation is not None and int(generation) == held[0]:
                return counts, held[0], held[1]
        found = cache.get_many([GENERATION_KEY, key])
        generation, value = _fresh(found.get(GENERATION_KEY), found.get(key))
        if value is not None and copies is not None:
            copies.put(key, generation, value, pickled_size(value), keep)
        return counts, generation, value
    copies = near_cache() if near else None
    held = copies.get(key) if copies is not None else None
    counts, generation, stored, size = reading(
        windows, GENERATION_KEY, key, known=held[0] if held else None
    )
    if stored is HELD:
        return counts, int(generation), held[1]
    generation, value = _fresh(generation, stored)
    if value is not None and copies is not None:
        copies.put(key, generation, value, size)
    return counts, generation, value


def pickled_size(value) -> int:
    """What `value` weighs in a cache, to count it against the NearCache's budget."""
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def _fresh(generation, stored) -> tuple[int, object | None]:
    generation = content_generation() if generation is None else int(generation)
    if type(stored) is tuple and len(stored) == 2 and stored[0] == generation:
        return generation, stored[1]
    return generation, None


def store_fresh(key: str, generation: int, value, seconds: int) -> None:
    """Keeps `value` at `key` for readers of `generation` (read before `value` was built, so an
    edit committed meanwhile makes it stale rather than hiding the edit)."""
    if generation == UNREAD:
        return
    try:
        cache.set(key, (generation, value), seconds)
    except CACHE_ERRORS as error:
        logger.warning("Could not keep an answer in the cache, which is unavailable: %s", error)


def cached_for_generation(prefix: str, parts: tuple[str, ...], compute):
    """`compute()`, kept in the shared cache until the next committed edit.

    For figures that are the same for every reader and cost a scan of a whole table (the home
    page's totals, a company's totals over its deals): one reader pays after each edit, the
    rest read them back. Off (computed every time) when settings.DATA_CACHE_SECONDS is 0.

    Each worker also keeps the values it read (NearCache), so the requests it serves share one
    copy rather than each unpickling its own (a hundred meetings and fifty companies on the
    busiest company's page): callers must not change what they get.
    """
    seconds = getattr(settings, "DATA_CACHE_SECONDS", 0)
    if seconds <= 0:
        return compute()
    key = cache_key(prefix, *parts)
    generation, value = read_fresh(key, near=True, keep=seconds)
    if value is None:
        value = compute()
        store_fresh(key, generation, value, seconds)
        copies = near_cache(any_cache=True)
        if copies is not None and generation != UNREAD:
            # Redis says when the entry is stale or gone (count_and_read); another cache
            # cannot, so there the copy lasts no longer than the entry.
            limit = None if hasattr(cache, "count_and_read") else seconds
            copies.put(key, generation, value, pickled_size(value), limit)
    return value


def count_in_window(key: str, seconds: int) -> int:
    """Adds one to the counter at `key`, which starts at zero and lives `seconds`; returns the
    new count (the throttles' counters, deals/api/access.py), or 0 when the cache is
    unavailable."""
    try:
        counting = getattr(cache, "incr_expiring", None)
        if counting is not None:
            return counting(key, seconds)
        cache.add(key, 0, seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between the two calls: this request starts the window again
            cache.set(key, 1, seconds)
            return 1
    except CACHE_ERRORS as error:
        # Open rather than shut: an outage of the cache must not refuse every client.
        logger.warning("Not counting a request: the cache is unavailable: %s", error)
        return 0


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

    #: `COUNT_IN_WINDOW` on the first ARGV[1] keys (ARGV[i + 1] seconds each); then the
    #: generation (the next key), and the entry (the last key) unless the caller holds it for
    #: that generation (the last ARGV; empty when it holds nothing) and the entry has not
    #: expired in Redis (so a copy lives no longer than the entry would): then 1 instead.
    COUNT_AND_READ = (
        "local n = tonumber(ARGV[1]) local out = {} "
        "for i = 1, n do "
        "out[i] = redis.call('INCR', KEYS[i]) "
        "if out[i] == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end "
        "end "
        "local generation = redis.call('GET', KEYS[n + 1]) "
        "out[n + 1] = generation "
        "local held = ARGV[n + 2] "
        "if generation and held ~= '' and generation == held "
        "and redis.call('EXISTS', KEYS[n + 2]) == 1 then out[n + 2] = 1 "
        "else out[n + 2] = redis.call('GET', KEYS[n + 2]) end "
        "return out"
    )

    def count_and_read(
        self,
        windows: list[tuple[str, int]],
        generation_key: str,
        key: str,
        known: int | None = None,
    ) -> tuple[list[int], int | None, object, int]:
        """In one round trip to the primary: `incr_expiring` for each (key, timeout) of
        `windows`; the integer at `generation_key` (None when missing); and the value at `key`
        (None when missing), or `HELD` when `known` equals that integer, with its size in
        bytes (0 unless sent)."""
        counters = [self.make_and_validate_key(name) for name, _timeout in windows]
        client = self._cache.get_client(None, write=True)
        script = self._scripts.get((id(client), "count-and-read"))
        if script is None:
            script = self._scripts[(id(client), "count-and-read")] = client.register_script(
                self.COUNT_AND_READ
            )
        replies = script(
            keys=[
                *counters,
                self.make_and_validate_key(generation_key),
                self.make_and_validate_key(key),
            ],
            args=[
                len(windows),
                *(int(timeout) for _name, timeout in windows),
                "" if known is None else str(known),
            ],
        )
        counts = [int(reply) for reply in replies[: len(windows)]]
        generation, entry = replies[len(windows) :]
        generation = None if generation is None else int(generation)
        if isinstance(entry, int):
            return counts, generation, HELD, 0
        if entry is None:
            return counts, generation, None, 0
        return counts, generation, self._cache._serializer.loads(entry), len(entry)
