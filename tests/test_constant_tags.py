"""deals/templatetags/constant_tags.py: `translate`, `url` and `static` with literal arguments
keep their result per language (and address prefix), and give exactly what Django's own tags
give: one compiled template rendered in turn for each language, prefix and escaping must never
show another's text."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import include, path, set_script_prefix
from django.utils import translation

from deals.templatetags.constant_tags import (
    ConstantStaticNode,
    ConstantTranslateNode,
    ConstantURLNode,
)

#: Every form of the two tags the templates use, with literal and variable arguments.
FORMS = (
    '{% translate "Deals" %}',
    "{% trans 'Companies' %}",
    '{% translate "Source:" as label %}[{{ label }}]',
    '{% translate "Deals" noop %}',
    '{% translate "May" context "month name" %}',
    "{% translate word %}",
    '{% translate "Deals"|upper %}',
    '{% translate "A <b>bold</b> & unknown message" %}',
    '{% translate "100%% sure" %}',
    "{% url 'deals:deal_list' %}",
    "{% url 'deals:deal_detail' 'nvidia-samsung' %}",
    "{% url 'deals:deal_detail' slug='samsung_2025' %}",
    "{% url 'deals:deal_detail' slug %}",
    "{% url name slug=slug %}",
    "{% url 'deals:company_list' as companies %}<{{ companies }}>",
    "{% url 'no-such-view' as missing %}[{{ missing }}]",
    '{% static "css/site.css" %}',
    "{% static 'js/graph.js' as script %}<{{ script }}>",
    '{% static "한글 a&b <c>.css" %}',
    "{% static path %}",
    '{% static "css/site.css"|upper %}',
    '{% language "ko" %}{% translate "Deals" %} {% url "deals:deal_list" %}{% endlanguage %}',
    '{% language "en" %}{% url "deals:deal_detail" slug %}{% endlanguage %}{% translate "Deals" %}',
)

CONTEXT = {
    "word": "Meetings",
    "slug": "sk-aws-ulsan",
    "name": "deals:company_detail",
    "path": "vendor/삼성 & co.js",
}


@pytest.mark.parametrize("source", FORMS)
def test_each_form_renders_what_djangos_tags_render_in_each_language_and_prefix(source):
    ours = Template("{% load i18n static constant_tags %}" + source)
    djangos = Template("{% load i18n static %}" + source)
    seen = set()
    try:
        # The same compiled template, rendered in turn: a result kept for one language or
        # prefix must not leak into another's.
        for prefix in ("/", "/dealtracker/", "/"):
            set_script_prefix(prefix)
            for language in ("en", "ko", "en", "ko"):
                with translation.override(language):
                    for autoescape in (True, False):
                        expected = djangos.render(Context(CONTEXT, autoescape=autoescape))
                        got = ours.render(Context(CONTEXT, autoescape=autoescape))
                        assert got == expected, (prefix, language, autoescape)
                        seen.add(got)
    finally:
        set_script_prefix("/")
    varies = ("Deals" in source and "noop" not in source) or (
        "{% url" in source and "no-such" not in source
    )
    if varies:
        assert len(seen) > 1  # the form does change with the language or prefix


def test_literal_forms_are_kept_and_variable_ones_are_djangos():
    def nodes(source):
        template = Template("{% load i18n static constant_tags %}" + source)
        skipped = ("TextNode", "LoadNode")
        return [type(node) for node in template.nodelist if type(node).__name__ not in skipped]

    assert nodes('{% translate "Deals" %}') == [ConstantTranslateNode]
    assert nodes('{% translate "Deals" as x %}') == [ConstantTranslateNode]
    assert nodes("{% translate word %}") == [TranslateNode]
    assert nodes('{% translate "Deals"|upper %}') == [TranslateNode]
    assert nodes('{% translate "Deals" noop %}') == [TranslateNode]
    assert nodes('{% translate "May" context "month name" %}') == [TranslateNode]
    assert nodes("{% url 'deals:deal_list' %}") == [ConstantURLNode]
    assert nodes("{% url 'deals:deal_detail' slug='x' %}") == [ConstantURLNode]
    assert nodes("{% url 'deals:deal_detail' slug %}") == [URLNode]
    assert nodes("{% url name %}") == [URLNode]
    assert nodes('{% static "css/site.css" %}') == [ConstantStaticNode]
    assert nodes('{% static "css/site.css" as css %}') == [ConstantStaticNode]
    assert nodes("{% static path %}") == [StaticNode]
    assert nodes('{% static "css/site.css"|upper %}') == [StaticNode]


def test_a_kept_static_address_follows_the_static_settings(settings):
    """Django makes its static files storage again when a test changes these settings; a
    kept address must not outlive them."""
    template = Template('{% load static constant_tags %}{% static "css/site.css" %}')
    assert template.render(Context()) == "/static/css/site.css"
    settings.STATIC_URL = "/자산/"
    assert template.render(Context()) == "/자산/css/site.css"


def test_korean_and_english_alternate_on_one_node():
    template = Template(
        "{% load i18n constant_tags %}{% translate \"Deals\" %}|{% url 'deals:deal_list' %}"
    )
    for _ in range(3):
        with translation.override("ko"):
            assert template.render(Context()) == "거래|/ko/deals/"
        with translation.override("en"):
            assert template.render(Context()) == "Deals|/deals/"


def test_a_missing_view_still_raises_without_as():
    from django.urls import NoReverseMatch

    template = Template("{% load i18n constant_tags %}{% url 'no-such-view' %}")
    with pytest.raises(NoReverseMatch):
        template.render(Context())


def test_every_public_template_with_these_tags_loads_them_after_djangos():
    """A public template that uses `translate` or `url` without `{% load i18n constant_tags %}`
    renders the same, only slower; this keeps new templates on the kept path."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "templates"
    templates = [root / "base.html", root / "404.html", *sorted((root / "deals").glob("*.html"))]
    missing = []
    for template in templates:
        text = template.read_text(encoding="utf-8")
        if not re.search(r"{%\s*(translate|trans|url|static)\s", text):
            continue
        load = re.search(r"{%\s*load\s+([^%]*)%}", text)
        libraries = load.group(1).split() if load else []
        if "constant_tags" not in libraries or any(
            name in libraries and libraries.index(name) > libraries.index("constant_tags")
            for name in ("i18n", "static")
        ):
            missing.append(template.name)
    assert len(templates) > 20
    assert missing == []


# Another URL configuration, for the test below: the public pages one level down.
urlpatterns = [path("elsewhere/", include("deals.urls"))]


def test_an_address_follows_the_root_url_configuration(settings):
    """`override_settings(ROOT_URLCONF=...)` clears Django's own URL caches; a kept address
    (here and in `deals.models.base.view_url`, which the switcher uses) is kept per root too."""
    from deals.models.base import slug_urls, view_url

    template = Template("{% load i18n constant_tags %}{% url 'deals:deal_list' %}")
    with translation.override("en"):
        assert template.render(Context()) == "/deals/"
        assert view_url("deals:company_list") == "/companies/"
        settings.ROOT_URLCONF = __name__
        assert template.render(Context()) == "/elsewhere/deals/"
        assert view_url("deals:company_list") == "/elsewhere/companies/"
        assert slug_urls("deals:deal_detail")("x") == "/elsewhere/deals/x/"
