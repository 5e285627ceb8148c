"""Translations kept per language, and the active language kept for a page's render.

Each gettext call reads the active language (a context-local read, with a lock) and walks the
catalogs and their fallbacks; a page that translates the same labels, choices and phrases on
every request is cheaper reading them once per process and language. `kept_per_language`
keeps a function's results that way, and forgets them when a test changes the settings that
Django's catalogs depend on, as Django forgets its own (django/test/signals.py).
"""

from __future__ import annotations

import functools
from contextvars import ContextVar, Token
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

#: The settings whose change makes Django load its translation catalogs again.
CATALOG_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"})


def kept_per_language(maxsize: int = 64):
    """`functools.lru_cache(maxsize=maxsize)` for a function whose arguments include the
    language its result is translated into, cleared along with Django's catalogs."""

    def decorate(function):
        cached = functools.lru_cache(maxsize=maxsize)(function)

        def forget(*, setting, **kwargs) -> None:
            if setting in CATALOG_SETTINGS:
                cached.cache_clear()

        setting_changed.connect(
            forget, weak=False, dispatch_uid=f"{function.__module__}.{function.__qualname__}"
        )
        return cached

    return decorate


# The active language, script prefix and URL configuration, read once per page render.
#
# Django keeps each in an `asgiref.local.Local`, which takes a lock and raises and catches an
# AttributeError or two on every read: 4-9 µs on the benchmark's machine (asgiref 3.13), where
# a `ContextVar` read is 0.05. A deal page read them 116 times (its translated and reversed
# constants, each table's language, each address), 12% of its Python CPU
# (docs/performance.md, stop 22). Within the render of a page they cannot change unless
# something switches the language for part of it: Django's `{% language %}` tag, which
# `constant_tags` replaces with one that keeps its own locale for its block, or Python code
# under `translation.override`, whose readers below then must not be called before the
# override ends (ours only translate or reverse under it). Outside a render the readers are
# Django's own functions.


@dataclass(frozen=True, slots=True)
class RenderLocale:
    language: str | None
    script_prefix: str
    urlconf: str | None


_render_locale: ContextVar[RenderLocale | None] = ContextVar("render_locale", default=None)


def render_locale() -> Token:
    """Keeps the active language, script prefix and URL configuration for the readers below,
    until `render_locale_done(token)`: around the render of a page (`kept_blocks`)."""
    return _render_locale.set(RenderLocale(get_language(), get_script_prefix(), get_urlconf()))


def render_locale_done(token: Token) -> None:
    _render_locale.reset(token)


def active_language() -> str | None:
    """`translation.get_language()`, read once per page render."""
    kept = _render_locale.get()
    return get_language() if kept is None else kept.language


def active_script_prefix() -> str:
    """`urls.get_script_prefix()`, read once per page render."""
    kept = _render_locale.get()
    return get_script_prefix() if kept is None else kept.script_prefix


def active_urlconf() -> str | None:
    """`urls.get_urlconf()`, read once per page render."""
    kept = _render_locale.get()
    return get_urlconf() if kept is None else kept.urlconf
