"""Template tags for the editors' admin."""

import datetime as dt

from django import template
from django.utils import timezone

from deals.models import Company, Deal, Meeting, Person, Project, Publication, Source

register = template.Library()

QUEUE_MODELS = (Deal, Company, Meeting, Project, Person, Source)
QUEUE_LENGTH = 20


@register.inclusion_tag("admin/deals/_review_queue.html")
def review_queue():
    """What awaits review and what changed in the last day: two queries a kind of record."""
    since = timezone.now() - dt.timedelta(days=1)
    in_review, recent = [], []
    for model in QUEUE_MODELS:
        rows = model.objects.only("pk", "slug", "publication", "updated_at", *_name_fields(model))
        in_review += rows.filter(publication=Publication.IN_REVIEW).order_by("-updated_at")[
            :QUEUE_LENGTH
        ]
        recent += rows.filter(updated_at__gte=since).order_by("-updated_at")[:QUEUE_LENGTH]
    for record in in_review + recent:
        record.opts = record._meta
    newest_first = lambda rows: sorted(rows, key=lambda r: r.updated_at, reverse=True)  # noqa: E731
    return {
        "in_review": newest_first(in_review)[:QUEUE_LENGTH],
        "recent": newest_first(recent)[:QUEUE_LENGTH],
    }


def _name_fields(model) -> tuple[str, ...]:
    names = {f.name for f in model._meta.concrete_fields}
    return tuple(
        n
        for n in (
            "name",
            "name_ko",
            "title",
            "title_ko",
            "url",
            "publisher",
            "publisher_ko",
            "published_on",
        )
        if n in names
    )


@register.filter
def field_label(opts, name: str) -> str:
    """A field's label in the editor's language, for the history's list of changes."""
    try:
        return str(opts.get_field(name).verbose_name)
    except Exception:  # a field since removed from the model keeps its name
        return name
