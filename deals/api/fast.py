"""A read-only fast path for deals in JSON: the same bytes as `DealSerializer`, built directly.

DRF serializes field by field: for every field of every nested row it looks the field up,
resolves its source, checks for SkipField and calls `to_representation`. A page of 50 deals
holds about 700 nested rows (parties, timeline, meetings, sources, project, rate), and that
machinery was most of the API list's cost.

Here each serializer's readable fields are read once per process into a plan (name, source
attributes, how to format the value); a row is then a dict built by walking the plan. The plan
comes from the DRF serializers themselves, so they stay the one description of the output (and
of the schema): a field added there appears here in the same place, formatted by the DRF
field's own `to_representation` unless it is plain text or a choice, which DRF returns
unchanged. Method fields (links, nested lists and references) have their equivalents below,
built from the same helpers (`api_link`, `html_link`, `can_see`); a method field without one
makes the plan refuse to build, so nothing is silently left out.

Anything unexpected in a row (a missing attribute, a related record that cannot be read) sends
that row through the plain DRF serializer instead. tests/api/test_fast_representation.py checks
that both paths give byte-identical responses.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf_serializers
from rest_framework.settings import ISO_8601, api_settings

from deals.models import Deal, Meeting, Project
from deals.models.base import SLUG

from . import serializers as api

# How a plan step turns the attribute into JSON.
TEXT, CHOICE, DATETIME, CONVERT, METHOD = range(5)

TEXT_FIELDS = (
    drf_fields.CharField,
    drf_fields.SlugField,
    drf_fields.URLField,
    drf_fields.EmailField,
)


class Fallback(Exception):  # noqa: N818 - a signal to take the DRF path for this row
    pass


class Plan:
    """The readable fields of `serializer_class`, in order, ready to apply to a row."""

    def __init__(self, serializer_class, methods: dict):
        self.serializer_class = serializer_class
        serializer = serializer_class()
        steps = []
        for field in serializer._readable_fields:
            name = field.field_name
            if isinstance(field, drf_fields.SerializerMethodField):
                if name not in methods:
                    raise LookupError(
                        f"{serializer_class.__name__}.{name} has no fast equivalent in "
                        "deals/api/fast.py"
                    )
                steps.append((name, METHOD, methods[name], None))
            elif type(field) in TEXT_FIELDS:
                steps.append((name, TEXT, tuple(field.source_attrs), field))
            elif type(field) is drf_fields.ChoiceField:
                steps.append((name, CHOICE, tuple(field.source_attrs), field))
            elif (
                type(field) is api.OffsetDateTimeField
                and settings.USE_TZ
                and not hasattr(field, "timezone")
                and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
            ):
                steps.append((name, DATETIME, tuple(field.source_attrs), field))
            else:
                steps.append((name, CONVERT, tuple(field.source_attrs), field))
        unused = set(methods) - {step[0] for step in steps if step[1] == METHOD}
        if unused:
            raise LookupError(f"{serializer_class.__name__} has no fields {sorted(unused)}")
        self.steps = steps

    def apply(self, state: State, obj) -> dict:
        try:
            return self._apply(state, obj)
        except (Fallback, AttributeError, KeyError, ObjectDoesNotExist, OverflowError):
            return state.plain(self.serializer_class, obj)

    def _apply(self, state: State, obj) -> dict:
        out = {}
        for name, kind, how, field in self.steps:
            if kind == METHOD:
                out[name] = how(state, obj)
                continue
            value = obj
            for attr in how:
                value = getattr(value, attr)
            if value is None:
                out[name] = None
            elif kind == TEXT and type(value) is str:
                out[name] = value
            elif kind == CHOICE and type(value) is str:
                out[name] = (
                    value if value == "" else field.choice_strings_to_values.get(value, value)
                )
            elif kind == DATETIME and type(value) is dt.datetime and value.utcoffset() is not None:
                out[name] = offset_datetime(value, state.tz)
            elif callable(value):
                # DRF would call it (a method as a source); never the case for these fields.
                raise Fallback
            else:
                out[name] = field.to_representation(value)
        return out


def offset_datetime(value: dt.datetime, tz) -> str:
    """`OffsetDateTimeField().to_representation(value)` for an aware datetime, with the current
    time zone looked up once a row rather than twice a value (a thread-local read each time)."""
    local = value.astimezone(tz)
    offset = local.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    text = local.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class State:
    """What one request's representations share: the context and the link templates."""

    __slots__ = ("context", "drafts", "html_templates", "tz")

    def __init__(self, context):
        self.context = context
        self.drafts = context.get("drafts", False)
        self.html_templates = {}
        self.tz = timezone.get_current_timezone()

    def plain(self, serializer_class, obj) -> dict:
        """DRF's own representation of `obj`, field by field (the reference)."""
        made = self.context.setdefault("_serializers", {})
        serializer = made.get((serializer_class, False))
        if serializer is None:
            serializer = made[(serializer_class, False)] = serializer_class(context=self.context)
        return drf_serializers.Serializer.to_representation(serializer, obj)

    def can_see(self, record) -> bool:
        return record is not None and (self.drafts or record.is_published)

    def api_url(self, basename: str, record) -> str:
        return api.api_link(self.context, basename, record)  # a template kept in the context

    def html_url(self, model, record):
        slug = record.slug
        if type(slug) is not str or not SLUG.fullmatch(slug):
            return api.html_link(self.context, record)
        template = self.html_templates.get(model)
        if template is None:
            template = api.html_link(self.context, model(slug=api.SLUG_MARK)) or ""
            self.html_templates[model] = template
        if api.SLUG_MARK not in template:
            return api.html_link(self.context, record)
        return template.replace(api.SLUG_MARK, slug)


def state_of(context) -> State:
    state = context.get("_fast")
    if state is None or state.context is not context:
        state = context["_fast"] = State(context)
    return state


# --- The plans -------------------------------------------------------------------------------

_plans: dict = {}


def plan(serializer_class) -> Plan:
    found = _plans.get(serializer_class)
    if found is None:
        found = _plans[serializer_class] = Plan(serializer_class, METHODS[serializer_class])
    return found


def ref(serializer_class, state: State, record):
    return plan(serializer_class).apply(state, record) if state.can_see(record) else None


def sources(state: State, obj) -> list:
    source_plan = plan(api.SourceRefSerializer)
    return [source_plan.apply(state, s) for s in api.prefetched(obj, "sources") if state.can_see(s)]


def parties(state: State, obj) -> list:
    party_plan = plan(api.DealPartySerializer)
    return [
        party_plan.apply(state, p)
        for p in api.prefetched(obj, "parties")
        if state.can_see(p.company)
    ]


def events(state: State, obj) -> list:
    event_plan = plan(api.DealEventSerializer)
    return [event_plan.apply(state, e) for e in api.prefetched(obj, "events")]


def meetings(state: State, obj) -> list:
    link_plan = plan(api.DealMeetingSerializer)
    return [
        link_plan.apply(state, m)
        for m in api.prefetched(obj, "meeting_links")
        if state.can_see(m.meeting)
    ]


METHODS = {
    api.SourceRefSerializer: {"api_url": lambda s, o: s.api_url("source", o)},
    api.ProjectRefSerializer: {
        "api_url": lambda s, o: s.api_url("project", o),
        "html_url": lambda s, o: s.html_url(Project, o),
    },
    api.RateRefSerializer: {"api_url": lambda s, o: s.api_url("exchange-rate", o)},
    api.DealPartySerializer: {"api_url": lambda s, o: s.api_url("company", o.company)},
    api.DealEventSerializer: {
        "source": lambda s, o: ref(api.SourceRefSerializer, s, o.source),
    },
    api.DealMeetingSerializer: {
        "api_url": lambda s, o: s.api_url("meeting", o.meeting),
        "html_url": lambda s, o: s.html_url(Meeting, o.meeting),
    },
    api.DealSerializer: {
        "api_url": lambda s, o: s.api_url("deal", o),
        "html_url": lambda s, o: s.html_url(Deal, o),
        "usd_rate": lambda s, o: ref(api.RateRefSerializer, s, o.usd_rate),
        "parties": parties,
        "events": events,
        "meetings": meetings,
        "project": lambda s, o: ref(api.ProjectRefSerializer, s, o.project),
        "sources": sources,
    },
}


def deal(context, obj) -> dict:
    """What `DealSerializer(obj, context=context).data` holds, built without DRF's fields."""
    state = state_of(context)
    state.tz = timezone.get_current_timezone()
    return plan(api.DealSerializer).apply(state, obj)
