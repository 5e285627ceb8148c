"""API endpoints: one viewset per record type, plus the bulk export.

Each viewset translates HTTP into a queryset (what it loads is spelled out in the `*_queryset`
functions, so lists cost a fixed number of queries whatever their length) and writes into the
services through the write serializers. Nothing here holds a business rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator

from django import forms
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from deals import filters
from deals.cache import cached_for_generation
from deals.editorial import record_lock, version_changes
from deals.filters import UpdatedSinceFilter
from deals.history import history_note, published_as_of, published_versions, snapshot
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

from . import history, pg_json, serializers
from .access import AnonScopedRateThrottle, EditorPermissions, SignedInRateThrottle, can_see_drafts
from .caching import AnonymousReadCacheMixin
from .exceptions import PreconditionFailed
from .pagination import KeysetPagination
from .parsers import JSONParser
from .renderers import JSONRenderer, RawJSON
from .schema import ApiAutoSchema

# --- What each list loads --------------------------------------------------------------------


def visible(queryset, drafts: bool):
    return queryset if drafts else queryset.published()


# What the deal serializer reads of each related record (plus `publication`, which decides
# whether a reader may see it, and `updated_at`, which goes into the Last-Modified header):
# a page of 50 deals reads about 650 related rows, and their other columns (descriptions,
# notes, three timestamps a row) were a third of the time spent loading them.
REF_COLUMNS = ("slug", "publication", "updated_at")
COMPANY_COLUMNS = (*REF_COLUMNS, "name", "name_ko", "country")
SOURCE_COLUMNS = (
    *REF_COLUMNS,
    "url",
    "title",
    "title_ko",
    "publisher",
    "publisher_ko",
    "published_on",
)
MEETING_COLUMNS = (*REF_COLUMNS, "title", "title_ko", "starts_at")
PROJECT_COLUMNS = (*REF_COLUMNS, "name", "name_ko")


def deal_queryset(*, drafts: bool):
    """Deals with every relation the serializer reads: five queries for any number of rows.

    The relations land in lists, `prefetched_<relation>`, which the serializers read through
    `serializers.prefetched` (see there why not querysets)."""
    return (
        visible(Deal.objects.all(), drafts)
        .select_related("project", "usd_rate")
        .only(
            *(f.name for f in Deal._meta.concrete_fields),
            *(f"project__{name}" for name in PROJECT_COLUMNS),
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=DealParty.objects.select_related("company")
                .only(
                    "deal", "role", "note", "note_ko", *(f"company__{c}" for c in COMPANY_COLUMNS)
                )
                .order_by("role", "id"),
                to_attr="prefetched_parties",
            ),
            Prefetch(
                "events",
                queryset=DealEvent.objects.select_related("source")
                .only(
                    "deal",
                    "date",
                    "date_precision",
                    "status",
                    "note",
                    "note_ko",
                    "updated_at",
                    *(f"source__{c}" for c in SOURCE_COLUMNS),
                )
                .order_by("date", "id"),
                to_attr="prefetched_events",
            ),
            Prefetch(
                "meeting_links",
                queryset=DealMeeting.objects.select_related("meeting")
                .only("deal", "role", *(f"meeting__{c}" for c in MEETING_COLUMNS))
                .order_by("meeting__starts_at", "id"),
                to_attr="prefetched_meeting_links",
            ),
            Prefetch(
                "sources",
                queryset=Source.objects.only(*SOURCE_COLUMNS).order_by("-published_on", "id"),
                to_attr="prefetched_sources",
            ),
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
        bad = sorted(
            {
                key
                for key, values in request.query_params.lists()
                for value in [key, *values]
                if "\x00" in value
            }
        )
        if bad:
            raise ValidationError(
                {key.replace("\x00", ""): ["Null characters are not allowed."] for key in bad}
            )
        super().initial(request, *args, **kwargs)


def latest(*times):
    times = [t for t in times if t is not None]
    return max(times) if times else None


#: The record's own `version` in a detail body: its first `"version":` key, since a record's
#: own fields come before its nested references (which have no version), and a `"` inside a
#: string value is always escaped.
BODY_VERSION = re.compile(rb'"version":\s*(\d+)')
ETAG_VERSION = re.compile(r'^"(\d+)-')
DETAIL_ACTIONS = ("retrieve", "create", "update", "partial_update")


def representation_etag(content: bytes, *, detail: bool) -> str:
    """A strong ETag of a response body; a record's starts with its version: `"7-ab12…"`."""
    digest = hashlib.sha256(content).hexdigest()[:40]
    match = BODY_VERSION.search(content) if detail else None
    return f'"{int(match[1])}-{digest}"' if match else f'"{digest}"'


def shown(value) -> str:
    return "(empty)" if value in (None, "") else str(value)


class ConditionalGetMixin:
    """ETag and Last-Modified on every successful GET, and 304 when the client is up to date.

    The ETag hashes the body, so it changes exactly when the response does: when the record,
    its parties, timeline or sources change, and also when a related record it shows (a
    company's name) does. A record's ETag begins with its version, so that a stale If-Match
    can be told what changed since (see RecordViewSet.update). Writes answer with the ETag of
    the record as saved. Last-Modified is
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
        detail = getattr(self, "action", None) in DETAIL_ACTIONS
        if (
            request.method in ("POST", "PUT", "PATCH")
            and detail
            and response.status_code in (200, 201)
        ):
            response.render()
            response["ETag"] = representation_etag(response.content, detail=True)
            return response
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if getattr(response, "streaming", False):
            return response
        response.render()
        etag = representation_etag(response.content, detail=detail)
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
    #: Whether `?as_of=` is offered (HistoryViewSet: records with a public history).
    has_history = False

    def drafts_visible(self) -> bool:
        return can_see_drafts(self.request, self.model)

    def get_queryset(self):
        return self.load(drafts=self.drafts_visible())

    def filter_queryset(self, queryset):
        if self.action == "retrieve" and not self.request.query_params:
            # A record's own address: no filter has anything to narrow, and building the
            # FilterSet (a deep copy of every filter and form field) was a sixth of the cost.
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["drafts"] = self.drafts_visible()
        return context

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return self.write_serializer_class
        return self.serializer_class

    def as_of(self):
        """The moment `?as_of=` names, or None for the present."""
        raw = self.request.query_params.get(history.AS_OF)
        if raw is None or not self.has_history:
            return None
        return history.parse_as_of(raw)

    def as_of_response(self, response, at):
        response.data[history.AS_OF] = history.as_of_text(at)
        return response

    def list(self, request, *args, **kwargs):
        at = self.as_of()
        if at is not None:
            return self.list_as_of(request, at)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.last_modified = latest(
            self.table_last_modified(), *(self.record_last_modified(o) for o in page)
        )
        serializer = self.serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def table_last_modified(self):
        """The latest change in the whole table (a record leaving a list moves it too): a
        figure over the table, kept until the next edit (deals/cache.py)."""
        (stamp,) = cached_for_generation(
            "table-last-modified",
            (self.model._meta.label,),
            lambda: (self.model.objects.aggregate(latest=Max("updated_at"))["latest"],),
        )
        return stamp

    def retrieve(self, request, *args, **kwargs):
        at = self.as_of()
        if at is not None:
            return self.retrieve_as_of(request, at, slug=kwargs["slug"])
        instance = self.get_object()
        self.last_modified = self.record_last_modified(instance)
        return Response(self.serializer_class(instance, context=self.get_serializer_context()).data)

    def as_of_context(self):
        # The past is shown as readers saw it, to editors too: published records only.
        return {**self.get_serializer_context(), "drafts": False}

    def list_as_of(self, request, at):
        rows = history.as_of_rows(self, request, at)
        records = snapshot(self.paginate_queryset(rows), at=at)
        self.last_modified = latest(*(self.record_last_modified(o) for o in records))
        serializer = self.serializer_class(records, many=True, context=self.as_of_context())
        return self.as_of_response(self.get_paginated_response(serializer.data), at)

    def retrieve_as_of(self, request, at, *, slug):
        row = (
            published_as_of(self.model, at)
            .filter(slug=slug)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if row is None:
            raise NotFound(f"No record with this slug was published at {history.AS_OF}.")
        (record,) = snapshot([row], at=at)
        self.last_modified = self.record_last_modified(record)
        data = self.serializer_class(record, context=self.as_of_context()).data
        return self.as_of_response(Response(data), at)

    def write(self, request, instance=None, *, partial=False, status_code=status.HTTP_200_OK):
        serializer = self.write_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("change_reason", "").strip()
        with transaction.atomic(), history_note(user=request.user, reason=reason):
            saved = serializer.save()
        fresh = self.get_queryset().get(pk=saved.pk)
        data = self.serializer_class(fresh, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def create(self, request, *args, **kwargs):
        return self.write(request, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.get("partial", False)
        instance = self.get_object()
        wanted = request.headers.get("If-Match")
        if wanted is None:
            return self.write(request, instance, partial=partial)
        with transaction.atomic():
            # Locked until the write commits: nobody saves between the check and the write.
            record_lock(record=instance, expected_version=None)
            current = self.get_queryset().get(pk=instance.pk)
            self.check_if_match(wanted, current)
            return self.write(request, current, partial=partial)

    def current_etag(self, record) -> str:
        """The ETag a GET of the record would answer this client with now."""
        data = self.serializer_class(record, context=self.get_serializer_context()).data
        content = JSONRenderer().render(data, "application/json", {"request": self.request})
        return representation_etag(content, detail=True)

    def check_if_match(self, wanted: str, record) -> None:
        """412, writing nothing, unless If-Match names the record as it is now (or is `*`)."""
        etag = self.current_etag(record)
        tags = parse_etags(wanted)
        if "*" in tags or etag in tags:
            return
        message = (
            "The record changed since the version your If-Match names; nothing was written. "
            "Read it again (its ETag is in this response's ETag header) and make your change "
            "on that."
        )
        named = [int(m[1]) for tag in tags if (m := ETAG_VERSION.match(tag))]
        if named and named[0] != record.version:
            changes = version_changes(record=record, since_version=named[0])
            changed = "; ".join(f"{c.field}: {shown(c.old)} → {shown(c.new)}" for c in changes)
            message += (
                f" You had version {named[0]}; it is now version {record.version}. Changed "
                f"meanwhile: {changed or 'its parties, timeline, meetings or sources'}."
            )
        elif named:
            message += (
                f" The version is the same ({record.version}), but what the record shows "
                "changed: its parties, timeline, sources, or a related record's name."
            )
        raise PreconditionFailed(message, etag=etag)


class HistoryViewSet(RecordViewSet):
    """A record type with a public past: `?as_of=` on its list and records, and /history/."""

    has_history = True

    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request, *args, **kwargs):
        """The record's published versions, newest first, with what changed in each."""
        queryset = visible(self.model.objects.all(), self.drafts_visible())
        record = get_object_or_404(queryset, slug=kwargs["slug"])
        self.check_object_permissions(request, record)
        page, following, before = history.page_of(
            published_versions(record), request, self.paginator
        )
        context = {**self.get_serializer_context(), "basename": self.basename}
        results = history.versions_json(record, page, context)
        return Response({"next": following, "previous": before, "results": results})


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of the record as you read it. When it is no longer the current one "
    "the write is refused with 412, writing nothing, and the message says what changed "
    "meanwhile. Without it, the `version` field in the body guards the write (409).",
)


def document(resource: str, serializer, write_serializer, *, past: bool = True):
    """The schema of one resource's operations: what each returns, and what it takes."""
    as_of = [history.AS_OF_PARAMETER] if past else []
    views = {
        "list": extend_schema(summary=f"List {resource}", responses=serializer, parameters=as_of),
        "retrieve": extend_schema(
            summary=f"One of the {resource}, by slug", responses=serializer, parameters=as_of
        ),
        "create": extend_schema(
            summary=f"Add to {resource} (editors, with a token)",
            request=write_serializer,
            responses={201: serializer},
        ),
        "update": extend_schema(
            summary=f"Replace one of the {resource} (editors)",
            request=write_serializer,
            responses=serializer,
            parameters=[IF_MATCH],
        ),
        "partial_update": extend_schema(
            summary=f"Change some fields of one of the {resource} (editors)",
            request=write_serializer,
            responses=serializer,
            parameters=[IF_MATCH],
        ),
    }
    if past:
        views["history"] = extend_schema(
            summary=f"The published versions of one of the {resource}, newest first",
            description="Each version readers saw: when, its version number, what changed "
            "since the previous published version (public fields with old and new values; "
            "parties, timeline steps, meetings, attendance and sources added or removed), and "
            "a link to the record as of that moment. Drafts and editors' notes never appear.",
            responses=history.VersionPageSerializer,
            filters=False,
            parameters=[
                OpenApiParameter(
                    "cursor",
                    OpenApiTypes.STR,
                    description="Opaque position from a next or previous link.",
                ),
                OpenApiParameter(
                    "page_size",
                    OpenApiTypes.INT,
                    description="Versions per page, 50 by default, at most 500.",
                ),
            ],
        )
    return extend_schema_view(**views)


@document("deals", serializers.DealSerializer, serializers.DealWriteSerializer)
class DealViewSet(HistoryViewSet):
    """Deals: who supplies what to whom, how much, how certain, and when each step happened."""

    model = Deal
    load = staticmethod(deal_queryset)
    serializer_class = serializers.DealSerializer
    write_serializer_class = serializers.DealWriteSerializer
    filterset_class = filters.DealFilterSet

    def list(self, request, *args, **kwargs):
        if history.AS_OF not in request.query_params:
            answer = self.list_written_by_database()
            if answer is not None:
                return answer
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        # With query parameters (`?as_of=`, filters) the record goes the usual way.
        context = self.get_serializer_context()
        if not request.query_params and self.no_object_permissions() and pg_json.ready(context):
            found = pg_json.rows(context, drafts=context["drafts"], slug=kwargs["slug"])
            if found:
                ((_id, body, changed),) = found
                self.last_modified = changed
                return Response(RawJSON(body))
        # Not found (the usual 404), or not written by PostgreSQL.
        return super().retrieve(request, *args, **kwargs)

    def list_written_by_database(self):
        """The page's deals as PostgreSQL writes them (deals/api/pg_json.py): the page is
        chosen as usual, reading only what the cursor needs, then its deals are written in one
        statement. None when that path cannot answer."""
        context = self.get_serializer_context()
        if not pg_json.ready(context):
            return None
        # Rows with only what the cursor reads (the id and the sort field), as named tuples.
        sort = self.filterset_class.base_filters["ordering"]
        light = visible(Deal.objects.all(), context["drafts"])
        chosen = self.request.query_params.get("ordering")
        page = self.paginate_queryset(sort.positions(self.filter_queryset(light), chosen))
        found = pg_json.rows(context, drafts=context["drafts"], ids=[deal.id for deal in page])
        written = {deal_id: (body, changed) for deal_id, body, changed in found}
        # A deal deleted between the two statements is left out, as if it had gone before.
        shown = [written[deal.id] for deal in page if deal.id in written]
        self.last_modified = latest(
            self.table_last_modified(), *(changed for _body, changed in shown)
        )
        results = b"[" + b",".join(body for body, _changed in shown) + b"]"
        return self.get_paginated_response(RawJSON(results))

    def no_object_permissions(self) -> bool:
        return all(
            type(p).has_object_permission is BasePermission.has_object_permission
            for p in self.get_permissions()
        )

    def record_last_modified(self, obj):
        # Parties and events change only through the deal's services, which save the deal;
        # the companies, sources, meetings and project shown can change on their own.
        prefetched = serializers.prefetched
        events = prefetched(obj, "events")
        return latest(
            obj.updated_at,
            obj.project.updated_at if obj.project else None,
            *(p.company.updated_at for p in prefetched(obj, "parties")),
            *(e.source.updated_at for e in events if e.source),
            *(e.updated_at for e in events),
            *(m.meeting.updated_at for m in prefetched(obj, "meeting_links")),
            *(s.updated_at for s in prefetched(obj, "sources")),
        )


@document("companies", serializers.CompanySerializer, serializers.CompanyWriteSerializer)
class CompanyViewSet(HistoryViewSet):
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
class PersonViewSet(HistoryViewSet):
    """People who attend meetings or speak for a company."""

    model = Person
    load = staticmethod(person_queryset)
    serializer_class = serializers.PersonSerializer
    write_serializer_class = serializers.PersonWriteSerializer
    filterset_class = filters.PersonFilterSet

    def record_last_modified(self, obj):
        return latest(obj.updated_at, obj.company.updated_at if obj.company else None)


@document("meetings", serializers.MeetingSerializer, serializers.MeetingWriteSerializer)
class MeetingViewSet(HistoryViewSet):
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
class ProjectViewSet(HistoryViewSet):
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
class SourceViewSet(HistoryViewSet):
    """Reports, releases and filings that the facts rest on."""

    model = Source
    load = staticmethod(source_queryset)
    serializer_class = serializers.SourceSerializer
    write_serializer_class = serializers.SourceWriteSerializer
    filterset_class = filters.SourceFilterSet


@document(
    "exchange rates",
    serializers.ExchangeRateSerializer,
    serializers.ExchangeRateWriteSerializer,
    past=False,
)
class ExchangeRateViewSet(RecordViewSet):
    """Units of a currency per US dollar on a day, as editors recorded them."""

    model = ExchangeRate
    load = staticmethod(exchange_rate_queryset)
    has_history = False
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

    def lines(self, names, since) -> Iterator[str | bytes]:
        context = {"request": self.request, "drafts": False}
        encoder = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
        for name, queryset, serializer_class in self.querysets(names, since):
            if name == "deals" and pg_json.ready(context):
                yield from self.deals_written_by_database(queryset, context)
                continue
            for record in queryset.iterator(chunk_size=EXPORT_CHUNK):
                data = serializers.represent(context, serializer_class, record)
                yield encoder.encode({"type": name, "data": data}) + "\n"

    def deals_written_by_database(self, queryset, context) -> Iterator[bytes]:
        """The deals' lines as PostgreSQL writes them (deals/api/pg_json.py), the same bytes
        as the serializers', a chunk of ids at a time in id order."""
        ids = queryset.values_list("id", flat=True)
        last = None
        while True:
            chunk = list((ids if last is None else ids.filter(id__gt=last))[:EXPORT_CHUNK])
            if not chunk:
                return
            written = sorted(pg_json.rows(context, drafts=False, ids=chunk))
            for _id, body, _changed in written:
                yield b'{"type":"deals","data":' + body + b"}\n"
            last = chunk[-1]

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
