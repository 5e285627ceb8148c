"""Django's `translate`, `url` and `static` tags, the same output, with what their constant uses
give worked out once per language rather than on every render.

`{% translate "Deals" %}` and `{% url 'deals:deal_list' %}` give the same text for every reader
of a language, yet Django looks the message up (through the active language's catalogs) or
reverses the address (through the URL resolver) each time: about 12 and 25 µs. The base
template alone holds some thirty of them, the deal list page eighty (docs/performance.md,
stop 16). Here a tag whose arguments are all literals keeps its result on the node, by
everything the result depends on: the active language, and for an address the script prefix,
the URL configuration (the thread's or the settings' root) and the current application
namespace; and whether the template autoescapes. A tag with a variable, a filter, `noop` or
a `context` is Django's own, unchanged.

`{% static "literal" %}` asks the static files storage for the file's address on every render:
with the hashed files of production, a look-up in the manifest, then the address built and
quoted again, about 60 µs, five times on every page. The address of a file does not change
while the process runs (the manifest is read once), so it is kept too, by the script prefix
and until a test changes the static files settings.

`{% language %}` is Django's too, and also keeps its language for its block's render, as
`kept_blocks` keeps the page's (deals/i18n.py): the tags here read the kept one.

Load it after `i18n` and `static` so that these names win:
`{% load i18n static constant_tags %}`.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags.i18n import LanguageNode, TranslateNode
from django.templatetags.i18n import do_translate as django_translate
from django.templatetags.i18n import language as django_language
from django.templatetags.static import StaticNode
from django.utils import translation

from ..i18n import (
    active_language,
    active_script_prefix,
    active_urlconf,
    render_locale,
    render_locale_done,
)

register = template.Library()

#: Past this many results a node forgets them all (a handful of languages, prefixes and
#: URL configurations in practice; the key holds nothing a client chooses).
KEPT = 64


class KeptResult:
    """A node's output kept by `key(context)`, which each node class below defines (what its
    output depends on); the node's own `render` works it out once per key."""

    results: dict[tuple, str]

    def render(self, context):
        key = self.key(context)
        value = self.results.get(key)
        if value is None:
            output = super().render(context)
            value = context[self.asvar] if self.asvar else output
            if len(self.results) >= KEPT:
                self.results.clear()
            self.results[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class ConstantTranslateNode(KeptResult, TranslateNode):
    """`{% translate "literal" %}` (with or without `as name`), kept per language."""

    def __init__(self, node: TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.results = {}

    def key(self, context) -> tuple:
        return active_language(), context.autoescape


class ConstantURLNode(KeptResult, URLNode):
    """`{% url 'name' 'literal' ... %}` (with or without `as name`), kept per language, script
    prefix, URL configuration and current application."""

    def __init__(self, node: URLNode) -> None:
        super().__init__(node.view_name, node.args, node.kwargs, node.asvar)
        self.results = {}

    def key(self, context) -> tuple:
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        return (
            active_language(),
            active_script_prefix(),
            active_urlconf(),
            settings.ROOT_URLCONF,
            current_app,
            context.autoescape,
        )


#: Moves when a test changes the static files settings (as Django then makes its storage
#: again), so that no address kept under the old ones is shown.
_static_settings = [0]


@receiver(setting_changed)
def _forget_static_addresses(setting, **kwargs) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "DEBUG"}:
        _static_settings[0] += 1


class ConstantStaticNode(KeptResult, StaticNode):
    """`{% static "literal" %}` (with or without `as name`), kept per script prefix."""

    def __init__(self, node: StaticNode) -> None:
        super().__init__(varname=node.varname, path=node.path)
        self.asvar = node.varname
        self.results = {}

    def key(self, context) -> tuple:
        return _static_settings[0], active_script_prefix(), context.autoescape


def is_literal(expression) -> bool:
    """Whether a compiled filter expression is a bare literal: no variable, no filter."""
    var = expression.var
    return not expression.filters and (not isinstance(var, Variable) or var.literal is not None)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_translate(parser, token)
    if node.noop or node.message_context is not None or not is_literal(node.filter_expression):
        return node
    return ConstantTranslateNode(node)


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    if (
        not is_literal(node.view_name)
        or not all(map(is_literal, node.args))
        or not all(map(is_literal, node.kwargs.values()))
    ):
        return node
    return ConstantURLNode(node)


@register.tag
def static(parser, token):
    node = StaticNode.handle_token(parser, token)
    if not is_literal(node.path):
        return node
    return ConstantStaticNode(node)


class KeptLocaleLanguageNode(LanguageNode):
    """`{% language %}`: the block rendered in another language, with that language kept for
    the block's render as the page's is for the page's (`deals.i18n.render_locale`), so that
    the tags in it read it and not the page's."""

    def render(self, context):
        with translation.override(self.language.resolve(context)):
            token = render_locale()
            try:
                return self.nodelist.render(context)
            finally:
                render_locale_done(token)


@register.tag
def language(parser, token):
    node = django_language(parser, token)
    return KeptLocaleLanguageNode(node.nodelist, node.language)
