"""`{% extends %}` as Django's, with the root template's blocks found once instead of on every
render.

Django's `ExtendsNode.render` walks the whole node tree of the root template (`base.html`:
every tag and every nested `{% if %}`) on every render, to find its `{% block %}`s again; with
the cached template loader of production the root is the same compiled template each time, so
its blocks are the same too. They are kept on the compiled template here. Everything else is
Django's own code path: the parent is found as before (so `{% extends variable %}` and the
recursive-extends history work unchanged), and the blocks are added to the block context in
the same order.

It also keeps the active language, script prefix and URL configuration for the render of the
page (`deals.i18n.render_locale`), so that the site's tags read each once rather than a
hundred times.

Installed as a template builtin (settings.TEMPLATES), which Django loads after its own, so
this `extends` replaces the default one in every template, the admin's included.
"""

from __future__ import annotations

from django import template
from django.template.base import TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
)
from django.template.loader_tags import do_extends as django_extends

from ..i18n import render_locale, render_locale_done

register = template.Library()

#: Kept on a compiled template that itself extends another: it adds no root blocks.
_NOT_ROOT: dict = {}


def root_blocks(parent) -> dict:
    """The `{% block %}` nodes of `parent` by name, if it is a root template (its first tag is
    not `{% extends %}`), else an empty dict: what Django's `ExtendsNode.render` adds to the
    block context after the child's own blocks."""
    kept = parent.__dict__.get("_root_blocks")
    if kept is None:
        kept = _NOT_ROOT
        for node in parent.nodelist:
            if not isinstance(node, TextNode):
                if not isinstance(node, ExtendsNode):
                    kept = {n.name: n for n in parent.nodelist.get_nodes_by_type(BlockNode)}
                break
        parent._root_blocks = kept
    return kept


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        # A page is a template that extends another: its locale is read once for the whole
        # render (deals/i18n.py).
        token = render_locale()
        try:
            return self._render(context)
        finally:
            render_locale_done(token)

    def _render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def do_extends(parser, token):
    node = django_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name)
