"""deals/i18n.py: translations kept per language, forgotten with Django's catalogs; the
active language, script prefix and URL configuration kept for a page's render, and let go
after it or inside a `{% language %}` block."""

from __future__ import annotations

from django.template import Context, Engine
from django.urls import set_script_prefix
from django.utils import translation

from deals import i18n
from deals.i18n import active_language, active_script_prefix, kept_per_language
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


#: A page (a template that extends another) using the site's tags that read the locale.
PAGES = {
    "root.html": "<main>{% block content %}{% endblock %}</main>",
    "page.html": (
        '{% extends "root.html" %}{% load i18n constant_tags deals_tags %}{% block content %}'
        '{% translate "Deals" %} {% url "deals:deal_list" %} {{ deal|label:"status" }} | '
        '{% language "ko" %}{% translate "Deals" %} {% url "deals:deal_list" %} '
        '{{ deal|label:"status" }} {% url "deals:deal_detail" "nvidia-sk_2025" %}'
        "{% endlanguage %} | "
        '{% translate "Companies" %} {% url "deals:company_list" %}{% endblock %}'
    ),
}


#: The script prefix `/사이트/` as Django's `reverse` writes it.
SITE = "/%EC%82%AC%EC%9D%B4%ED%8A%B8/"


def page_engine() -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", PAGES)],
        builtins=["deals.templatetags.kept_blocks"],
        libraries={
            "i18n": "django.templatetags.i18n",
            "constant_tags": "deals.templatetags.constant_tags",
            "deals_tags": "deals.templatetags.deals_tags",
        },
    )


def test_a_page_reads_its_locale_once_and_a_language_block_its_own(monkeypatch):
    reads = []
    real = i18n.get_language
    monkeypatch.setattr(i18n, "get_language", lambda: reads.append(1) or real())
    page = page_engine().get_template("page.html")
    deal = Deal(status="signed")
    try:
        set_script_prefix("/사이트/")
        with translation.override("en"):
            for _ in range(2):  # the second render reads the kept constants
                reads.clear()
                got = page.render(Context({"deal": deal}))
                assert got == (
                    f"<main>Deals {SITE}deals/ Signed | 거래 {SITE}ko/deals/ 서명 "
                    f"{SITE}ko/deals/nvidia-sk_2025/ | Companies {SITE}companies/</main>"
                )
                # Once for the page and once for its `{% language %}` block, not once a tag.
                assert len(reads) == 2
        with translation.override("ko"):
            got = page.render(Context({"deal": deal}))
    finally:
        set_script_prefix("/")
    assert got.startswith(f"<main>거래 {SITE}ko/deals/ 서명 | 거래 {SITE}ko/deals/ 서명 ")
    assert got.endswith(f"| 기업 {SITE}ko/companies/</main>")


def test_outside_a_render_the_readers_are_djangos():
    page_engine().get_template("page.html").render(Context({"deal": Deal(status="signed")}))
    assert i18n._render_locale.get() is None  # let go after the render
    with translation.override("ko"):
        assert active_language() == "ko"
        with translation.override("en"):
            assert active_language() == "en"
    try:
        set_script_prefix("/elsewhere/")
        assert active_script_prefix() == "/elsewhere/"
    finally:
        set_script_prefix("/")


def test_a_render_that_fails_lets_its_locale_go():
    broken = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    **PAGES,
                    "broken.html": '{% extends "root.html" %}{% block content %}'
                    "{{ deal.boom }}{% endblock %}",
                },
            )
        ],
        builtins=["deals.templatetags.kept_blocks"],
    )

    class Boom:
        @property
        def boom(self):
            raise RuntimeError("실패")

    with translation.override("ko"):
        try:
            broken.get_template("broken.html").render(Context({"deal": Boom()}))
        except RuntimeError:
            pass
        else:
            raise AssertionError("the render should have failed")
    assert i18n._render_locale.get() is None
    with translation.override("en"):
        assert active_language() == "en"
