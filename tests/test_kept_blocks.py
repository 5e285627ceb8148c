"""deals/templatetags/kept_blocks.py: `{% extends %}` keeps the root template's blocks on the
compiled template and renders exactly what Django's own tag renders, with two and three levels,
`block.super`, blocks nested in tags, a parent given as a variable, and the site's templates."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode

from deals.templatetags.kept_blocks import KeptBlocksExtendsNode, root_blocks

TEMPLATES = {
    "root.html": (
        "<title>{% block title %}기본 제목{% endblock %}</title>"
        "{% if show %}<nav>{% block nav %}<a>거래</a>{% endblock %}</nav>{% endif %}"
        "{% for i in items %}{% block item %}[{{ i }}]{% endblock %}{% endfor %}"
        "<main>{% block content %}비어 있음{% endblock %}</main>"
    ),
    "middle.html": (
        '{% extends "root.html" %}'
        "{% block title %}{{ block.super }} · 중간{% endblock %}"
        "{% block content %}<section>{% block inner %}안쪽{% endblock %}</section>{% endblock %}"
    ),
    "leaf.html": (
        '{% extends "middle.html" %}'
        "{% block inner %}{{ block.super }} + 잎 <{{ name }}>{% endblock %}"
        "{% block nav %}{{ block.super }}<a>기업</a>{% endblock %}"
    ),
    "direct.html": '{% extends "root.html" %}{% block item %}({{ i }}){% endblock %}',
    "by_variable.html": "{% extends parent %}{% block title %}변수 {{ block.super }}{% endblock %}",
}


def engine(kept: bool) -> Engine:
    loaders = [("django.template.loaders.locmem.Loader", TEMPLATES)]
    return Engine(
        loaders=[("django.template.loaders.cached.Loader", loaders)],
        builtins=["deals.templatetags.kept_blocks"] if kept else [],
    )


@pytest.mark.parametrize("name", ["leaf.html", "middle.html", "direct.html", "by_variable.html"])
@pytest.mark.parametrize("show", [True, False])
def test_renders_what_djangos_extends_renders(name, show):
    ours, djangos = engine(True), engine(False)
    values = {"show": show, "items": ["가", "<b>"], "name": "삼성 & SK"}
    for _ in range(3):  # the second and later renders use the kept blocks
        got = ours.get_template(name).render(
            Context({**values, "parent": ours.get_template("root.html")})
        )
        expected = djangos.get_template(name).render(
            Context({**values, "parent": djangos.get_template("root.html")})
        )
        assert got == expected
    assert type(ours.get_template(name).nodelist[0]) is KeptBlocksExtendsNode
    assert type(djangos.get_template(name).nodelist[0]) is ExtendsNode


def test_the_roots_blocks_are_found_once_and_a_child_template_adds_none():
    ours = engine(True)
    root = ours.get_template("root.html")
    ours.get_template("leaf.html").render(Context({"show": True, "items": [1]}))
    kept = root_blocks(root)
    assert set(kept) == {"title", "nav", "item", "content"}
    assert root.__dict__["_root_blocks"] is kept
    assert root_blocks(root) is kept
    assert root_blocks(ours.get_template("middle.html")) == {}


def test_extends_is_still_checked_as_djangos_is():
    from django.template import TemplateSyntaxError

    ours = engine(True)
    with pytest.raises(TemplateSyntaxError, match="must be the first tag"):
        Template("{% if x %}{% endif %}{% extends 'root.html' %}", engine=ours)
    with pytest.raises(TemplateSyntaxError, match="cannot appear more than once"):
        Template("{% extends 'root.html' %}{% extends 'root.html' %}", engine=ours)


def test_the_sites_templates_use_it():
    template = get_template("deals/deal_list.html").template
    assert type(template.nodelist[0]) is KeptBlocksExtendsNode
