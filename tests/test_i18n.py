"""deals/i18n.py: translations kept per language, forgotten with Django's catalogs."""

from __future__ import annotations

from django.utils import translation

from deals.i18n import kept_per_language
from deals.models import Deal
from deals.templatetags.deals_tags import choice_labels

calls: list[str] = []


@kept_per_language(maxsize=4)
def status_label(language: str) -> str:
    calls.append(language)
    with translation.override(language):
        return translation.gettext("Signed")


def test_kept_per_language_and_forgotten_when_the_catalogs_settings_change(settings):
    calls.clear()
    status_label.cache_clear()
    got = (status_label("ko"), status_label("en"), status_label("ko"))
    assert got == ("서명", "Signed", "서명")
    assert calls == ["ko", "en"]
    settings.TIME_ZONE = "Asia/Seoul"  # not a catalog setting: kept
    assert status_label("ko") == "서명" and calls == ["ko", "en"]
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
    assert status_label("ko") == "서명" and calls == ["ko", "en", "ko"]


def test_the_sites_kept_translations_are_forgotten_too(settings):
    with translation.override("ko"):
        assert choice_labels(Deal, "status", "ko")["signed"] == "서명"
    assert choice_labels.cache_info().currsize > 0
    settings.LANGUAGE_CODE = "ko"
    assert choice_labels.cache_info().currsize == 0
