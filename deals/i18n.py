"""Translations kept per language.

Each gettext call reads the active language (a context-local read, with a lock) and walks the
catalogs and their fallbacks; a page that translates the same labels, choices and phrases on
every request is cheaper reading them once per process and language. `kept_per_language`
keeps a function's results that way, and forgets them when a test changes the settings that
Django's catalogs depend on, as Django forgets its own (django/test/signals.py).
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed

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
