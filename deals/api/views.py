"""API endpoints: one viewset per record type, plus the bulk export.

Each viewset translates HTTP into a queryset (what it loads is spelled out in the `*_queryset`
functions, so lists cost a fixed number of queries whatever their length) and writes into the
services through the write serializers. Nothing here holds a business rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from django import forms
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from deals import filters
from deals.filters import UpdatedSinceFilter
from deals.models import (
    Attendance,
    Company,
    Deal,
    DealEvent,
    DealMeeting,
    DealParty,
    ExchangeRate,
    Meeting,
    Person,
    Project,
    ProjectParty,
    Source,
)

from . import serializers
from .access import AnonScopedRateThrottle, EditorPermissions, SignedInRateThrottle, can_see_drafts
from .caching import AnonymousReadCacheMixin
from .pagination import KeysetPagination
from .schema import ApiAutoSchema

# --- What each list loads --------------------------------------------------------------------


def visible(queryset, drafts: bool):
    return queryset if drafts else queryset.published()


def deal_queryset(*, drafts: bool):
    """Deals with every relation the serializer reads: five queries for any number of rows."""
    return (
        visible(Deal.objects.all(), drafts)
        .select_related("project", "usd_rate")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=DealParty.objects.select_related("company").order_by("role", "id"),
            ),
            Prefetch(
                "events", queryset=DealEvent.objects.select_related("source").order_by("date", "id")
            ),
            Prefetch(
                "meeting_links",
                queryset=DealMeeting.objects.select_related("meeting").order_by(
                    "meeting__starts_at", "id"
                ),
            ),
            Prefetch("sources", queryset=Source.objects.order_by("-published_on", "id")),
        )
    )


def company_queryset(*, drafts: bool):
    return (
        visible(Company.objects.all(), drafts)
        .select_related("parent")
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.order_by("-published_on", "id"))
        )
    )


def person_queryset(*, drafts: bool):
    return visible(Person.objects.all(), drafts).select_related("company")


def meeting_queryset(*, drafts: bool):
    return (
        visible(Meeting.objects.all(), drafts)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("person").order_by("status", "id"),
            ),
            Prefetch("sources", queryset=Source.objects.order_by("-published_on", "id")),
        )
    )


def project_queryset(*, drafts: bool):
    return (
        visible(Project.objects.all(), drafts)
        .select_related("usd_rate")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=ProjectParty.objects.select_related("company").order_by("role", "id"),
            ),
            Prefetch("sources", queryset=Source.objects.order_by("-published_on", "id")),
        )
    )


def source_queryset(*, drafts: bool):
    return visible(Source.objects.all(), drafts)


def exchange_rate_queryset(*, drafts: bool):
    return visible(ExchangeRate.objects.all(), drafts).select_related("source")


# --- Shared behaviour ------------------------------------------------------------------------


class SearchBackend(BaseFilterBackend):
    """`?search=`: the same search as the FilterSets' `q`, under the name DRF clients expect."""

    param = "search"

    def filter_queryset(self, request, queryset, view):
        term = request.query_params.get(self.param, "")
        return queryset.search(term) if term.strip() else queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Same as q: words to find in English and Korean names, "
                "case-insensitive and partial.",
                "schema": {"type": "string"},
            }
        ]


class NullCharacterGuard:
    """Refuse query parameters with NUL characters: PostgreSQL cannot store or compare them,
    so they would otherwise surface as a server error deep in a filter."""

    def initial(self, request, *args, **kwargs):
        bad = sorted({key for key, values in request.query_params.lists()
                      for value in [key, *values] if "\x00" in value})
        if bad:
            raise ValidationError({key.replace("\x00", ""): ["Null characters are not allowed."]
                                   for key in bad})
        super().initial(request, *args, **kwargs)


def latest(*times):
    times = [t for t in times if t is not None]
    return max(times) if times else None


class ConditionalGetMixin:
    """ETag and Last-Modified on every successful GET, and 304 when the client is up to date.

    The ETag hashes the body, so it changes exactly when the response does. Last-Modified is
    the latest `updated_at` among the records shown (and, for lists, in the whole table, so
    that a record leaving the list also moves it). Prefer If-None-Match; If-Modified-Since works
    to the second.
    """

    last_modified = None

    def record_last_modified(self, obj):
        return obj.updated_at

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if getattr(response, "streaming", False):
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        response["ETag"] = etag
        stamp = None
        if self.last_modified is not None:
            stamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(stamp)
        return get_conditional_response(request, etag=etag, last_modified=stamp, response=response)


class RecordViewSet(
    AnonymousReadCacheMixin,
    NullCharacterGuard,
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read for everyone, write with a token and model permissions, never delete."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    permission_classes = [EditorPermissions]
    throttle_classes = [AnonScopedRateThrottle, SignedInRateThrottle]
    throttle_scope = "anon"
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend, SearchBackend]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    schema = ApiAutoSchema()

    model = None
    load = None  # one of the *_queryset functions above
    write_serializer_class = None

    def drafts_visible(self) -> bool:
        return can_see_drafts(self.request, self.model)

    def get_queryset(self):
        return self.load(drafts=self.drafts_visible())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["drafts"] = self.drafts_visible()
        return context

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return self.write_serializer_class
        return self.serializer_class

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        table = self.model.objects.aggregate(latest=Max("updated_at"))["latest"]
        self.last_modified = latest(table, *(self.record_last_modified(o) for o in page))
        serializer = self.serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.last_modified = self.record_last_modified(instance)
        return Response(self.serializer_class(instance, context=self.get_serializer_context()).data)

    def write(self, request, instance=None, *, partial=False, status_code=status.HTTP_200_OK):
        serializer = self.write_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            saved = serializer.save()
        fresh = self.get_queryset().get(pk=saved.pk)
        data = self.serializer_class(fresh, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        return self.write(request, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        return self.write(request, self.get_object(), partial=kwargs.get("partial", False))


def document(resource: str, serializer, write_serializer):
    """The schema of one resource's operations: what each returns, and what it takes."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {resource}", responses=serializer),
        retrieve=extend_schema(summary=f"One of the {resource}, by slug", responses=serializer),
        create=extend_schema(
            summary=f"Add to {resource} (editors, with a token)",
            request=write_serializer,
            responses={201: serializer},
        ),
        update=extend_schema(
            summary=f"Replace one of the {resource} (editors)",
            request=write_serializer,
            responses=serializer,
        ),
        partial_update=extend_schema(
            summary=f"Change some fields of one of the {resource} (editors)",
            request=write_serializer,
            responses=serializer,
        ),
    )


@document("deals", serializers.DealSerializer, serializers.DealWriteSerializer)
class DealViewSet(RecordViewSet):
    """Deals: who supplies what to whom, how much, how certain, and when each step happened."""

    model = Deal
    load = staticmethod(deal_queryset)
    serializer_class = serializers.DealSerializer
    write_serializer_class = serializers.DealWriteSerializer
    filterset_class = filters.DealFilterSet

    def record_last_modified(self, obj):
        # Parties and events change only through the deal's services, which save the deal;
        # the companies, sources, meetings and project shown can change on their own.
        return latest(
            obj.updated_at,
            obj.project.updated_at if obj.project else None,
            *(p.company.updated_at for p in obj.parties.all()),
            *(e.source.updated_at for e in obj.events.all() if e.source),
            *(e.updated_at for e in obj.events.all()),
            *(m.meeting.updated_at for m in obj.meeting_links.all()),
            *(s.updated_at for s in obj.sources.all()),
        )


@document("companies", serializers.CompanySerializer, serializers.CompanyWriteSerializer)
class CompanyViewSet(RecordViewSet):
    """Companies, groups and government bodies that supply, buy, invest or take part."""

    model = Company
    load = staticmethod(company_queryset)
    serializer_class = serializers.CompanySerializer
    write_serializer_class = serializers.CompanyWriteSerializer
    filterset_class = filters.CompanyFilterSet

    def record_last_modified(self, obj):
        return latest(
            obj.updated_at,
            obj.parent.updated_at if obj.parent else None,
            *(s.updated_at for s in obj.sources.all()),
        )


@document("people", serializers.PersonSerializer, serializers.PersonWriteSerializer)
class PersonViewSet(RecordViewSet):
    """People who attend meetings or speak for a company."""

    model = Person
    load = staticmethod(person_queryset)
    serializer_class = serializers.PersonSerializer
    write_serializer_class = serializers.PersonWriteSerializer
    filterset_class = filters.PersonFilterSet

    def record_last_modified(self, obj):
        return latest(obj.updated_at, obj.company.updated_at if obj.company else None)


@document("meetings", serializers.MeetingSerializer, serializers.MeetingWriteSerializer)
class MeetingViewSet(RecordViewSet):
    """Summits, dinners, signings and calls where deals were discussed, announced or signed."""

    model = Meeting
    load = staticmethod(meeting_queryset)
    serializer_class = serializers.MeetingSerializer
    write_serializer_class = serializers.MeetingWriteSerializer
    filterset_class = filters.MeetingFilterSet

    def record_last_modified(self, obj):
        return latest(
            obj.updated_at,
            obj.parent.updated_at if obj.parent else None,
            *(a.person.updated_at for a in obj.attendance.all()),
            *(s.updated_at for s in obj.sources.all()),
        )


@document("projects", serializers.ProjectSerializer, serializers.ProjectWriteSerializer)
class ProjectViewSet(RecordViewSet):
    """Data centers, AI factories and programmes that chips and money flow into."""

    model = Project
    load = staticmethod(project_queryset)
    serializer_class = serializers.ProjectSerializer
    write_serializer_class = serializers.ProjectWriteSerializer
    filterset_class = filters.ProjectFilterSet

    def record_last_modified(self, obj):
        return latest(
            obj.updated_at,
            *(p.company.updated_at for p in obj.parties.all()),
            *(s.updated_at for s in obj.sources.all()),
        )


@document("sources", serializers.SourceSerializer, serializers.SourceWriteSerializer)
class SourceViewSet(RecordViewSet):
    """Reports, releases and filings that the facts rest on."""

    model = Source
    load = staticmethod(source_queryset)
    serializer_class = serializers.SourceSerializer
    write_serializer_class = serializers.SourceWriteSerializer
    filterset_class = filters.SourceFilterSet


@document(
    "exchange rates", serializers.ExchangeRateSerializer, serializers.ExchangeRateWriteSerializer
)
class ExchangeRateViewSet(RecordViewSet):
    """Units of a currency per US dollar on a day, as editors recorded them."""

    model = ExchangeRate
    load = staticmethod(exchange_rate_queryset)
    # Rates have no names to search; they are found by currency and date.
    filter_backends = [DjangoFilterBackend]
    serializer_class = serializers.ExchangeRateSerializer
    write_serializer_class = serializers.ExchangeRateWriteSerializer
    filterset_class = filters.ExchangeRateFilterSet

    def record_last_modified(self, obj):
        return latest(obj.updated_at, obj.source.updated_at if obj.source else None)


# --- Bulk export -----------------------------------------------------------------------------

#: What the export holds, in the order it streams it: referenced records before referrers.
EXPORTED = {
    "sources": (Source, source_queryset, serializers.SourceSerializer),
    "exchange-rates": (ExchangeRate, exchange_rate_queryset, serializers.ExchangeRateSerializer),
    "companies": (Company, company_queryset, serializers.CompanySerializer),
    "people": (Person, person_queryset, serializers.PersonSerializer),
    "meetings": (Meeting, meeting_queryset, serializers.MeetingSerializer),
    "projects": (Project, project_queryset, serializers.ProjectSerializer),
    "deals": (Deal, deal_queryset, serializers.DealSerializer),
}
EXPORT_CHUNK = 500


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The export is always JSON lines, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportView(NullCharacterGuard, APIView):
    """Every published record as JSON lines, streamed in constant memory."""

    permission_classes = [EditorPermissions]
    throttle_classes = [AnonScopedRateThrottle, SignedInRateThrottle]
    throttle_scope = "anon-export"
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreAcceptNegotiation
    http_method_names = ["get", "head", "options"]
    schema = ApiAutoSchema()
    # DjangoModelPermissions needs a model; reading the export needs no permission at all.
    queryset = Deal.objects.none()

    def selected(self, request) -> list[str]:
        wanted = request.query_params.getlist("type")
        unknown = [name for name in wanted if name not in EXPORTED]
        if unknown:
            raise ValidationError(
                {
                    "type": [
                        f"Unknown type {name!r}; use one of {', '.join(EXPORTED)}."
                        for name in unknown
                    ]
                }
            )
        return [name for name in EXPORTED if not wanted or name in wanted]

    def updated_since(self, request):
        field = UpdatedSinceFilter().field
        raw = request.query_params.get("updated_since")
        if not raw:
            return None
        try:
            return field.clean(raw)
        except forms.ValidationError as error:
            raise ValidationError({"updated_since": error.messages}) from None

    def querysets(self, names, since):
        for name in names:
            model, load, serializer_class = EXPORTED[name]
            queryset = load(drafts=False).order_by("id")
            if since is not None:
                queryset = queryset.filter(updated_at__gte=since)
            yield name, queryset, serializer_class

    def lines(self, names, since) -> Iterator[str]:
        context = {"request": self.request, "drafts": False}
        encoder = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
        for name, queryset, serializer_class in self.querysets(names, since):
            for record in queryset.iterator(chunk_size=EXPORT_CHUNK):
                data = serializers.represent(context, serializer_class, record)
                yield encoder.encode({"type": name, "data": data}) + "\n"

    @extend_schema(
        summary="Export every published record as JSON lines",
        description=(
            "Streams one JSON object a line (`application/x-ndjson`): "
            '`{"type": "deals", "data": {...}}`, where `data` is exactly what the resource\'s '
            "detail endpoint returns. Types come in this order: "
            + ", ".join(EXPORTED)
            + ". Drafts are never included. The response is streamed "
            "in constant memory, so the download starts at once whatever the size; it carries "
            "an ETag and Last-Modified computed from the tables, and answers 304 to "
            "If-None-Match. Anonymous clients have their own, lower rate (scope `anon-export`)."
        ),
        parameters=[
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                many=True,
                enum=list(EXPORTED),
                description="Only these record types; repeat for several. Default: all.",
            ),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="Only records changed at or after this ISO 8601 time.",
            ),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="One JSON object a line.",
            ),
        },
    )
    def get(self, request):
        names = self.selected(request)
        since = self.updated_since(request)
        etag, stamp = self.validators(names, since)
        response = StreamingHttpResponse(
            self.lines(names, since), content_type="application/x-ndjson; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="dealtracker.jsonl"'
        response["ETag"] = etag
        if stamp is not None:
            response["Last-Modified"] = http_date(stamp)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return get_conditional_response(request, etag=etag, last_modified=stamp, response=response)

    def validators(self, names, since) -> tuple[str, int | None]:
        """An ETag and a Last-Modified from each table's size and latest change.

        Every table counts, drafts included, so unpublishing a record changes them too.
        """
        digest = hashlib.sha256(json.dumps([names, str(since)]).encode())
        newest = None
        for name in names:
            model = EXPORTED[name][0]
            stats = model.objects.aggregate(
                n=Count("id"),
                p=Count("id", filter=Q(publication="published")),
                latest=Max("updated_at"),
            )
            digest.update(f"{name}:{stats['n']}:{stats['p']}:{stats['latest']}".encode())
            newest = latest(newest, stats["latest"])
        stamp = int(newest.timestamp()) if newest else None
        return f'"{digest.hexdigest()[:40]}"', stamp
