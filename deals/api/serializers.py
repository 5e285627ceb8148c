"""How records look in JSON, and how editors' writes are checked and handed to the services.

Reading: every record carries its own fields in both languages (`name`, `name_ko`), its
`api_url` and `html_url`, `created_at` and `updated_at`; related records come as small
references (slug, names, links), and long lists of related records as a filtered list link
(`deals_api_url`) rather than nested, so no response nests the world. Money and quantities are
decimal strings. A related record that is still a draft is left out for readers who may not
see drafts.

Writing: the write serializers check types and shapes; the rules are in `deals.services`, the
same functions the admin uses, so a write through the API is valid exactly when the same edit
in the admin would be.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from deals import services
from deals.models import (
    AttendanceStatus,
    Company,
    DatePrecision,
    Deal,
    DealEvent,
    DealMeeting,
    DealParty,
    DealStatus,
    ExchangeRate,
    Meeting,
    MeetingRole,
    PartyRole,
    Person,
    Project,
    ProjectRole,
    Publication,
    Source,
)

# --- Links and visibility --------------------------------------------------------------------


def can_see(context, record) -> bool:
    """Whether the reader may see this related record (drafts only with view permission)."""
    if record is None:
        return False
    return record.is_published or context.get("drafts", False)


#: A slug no record has, reversed once per resource and request and then replaced: reversing
#: and building an absolute address for every related row cost a page of deals milliseconds.
SLUG_MARK = "--slug--"


def api_link(context, basename: str, record) -> str | None:
    if record is None:
        return None
    templates = context.setdefault("_api_links", {})
    template = templates.get(basename)
    if template is None:
        template = reverse(
            f"api:{basename}-detail", kwargs={"slug": SLUG_MARK}, request=context.get("request")
        )
        templates[basename] = template
    return template.replace(SLUG_MARK, record.slug)


def list_link(context, basename: str, **params) -> str:
    url = reverse(f"api:{basename}-list", request=context.get("request"))
    return f"{url}?{urlencode(params)}"


def html_link(context, record) -> str | None:
    """The record's public page, or null while that page does not exist."""
    try:
        path = record.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return None
    request = context.get("request")
    if request is None:
        return path
    origin = context.get("_origin")
    if origin is None:
        origin = context["_origin"] = request.build_absolute_uri("/").rstrip("/")
    return origin + path if path.startswith("/") else request.build_absolute_uri(path)


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 in the site's time zone (+09:00), or in UTC when that zone's offset for the
    moment is not whole minutes (local mean time before 1908), which RFC 3339 cannot write."""

    def to_representation(self, value):
        if value and timezone.is_aware(value):
            local = timezone.localtime(value)
            offset = local.utcoffset()
            if offset is not None and offset.total_seconds() % 60:
                value = value.astimezone(dt.UTC)
                return value.isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class ApiModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: OffsetDateTimeField,
    }


def country_field():
    """A country as its ISO 3166-1 alpha-2 code, "" when unknown (never a Country object)."""
    return serializers.CharField(
        source="country.code",
        read_only=True,
        help_text="ISO 3166-1 alpha-2 code, such as KR; empty when unknown.",
    )


class LinksMixin(serializers.Serializer):
    """`api_url` and `html_url` for a record whose viewset is registered as `basename`."""

    basename = ""

    api_url = serializers.SerializerMethodField(help_text="This record in the API.")
    html_url = serializers.SerializerMethodField(
        help_text="This record's public page; null when it has none."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, self.basename, obj)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_html_url(self, obj):
        return html_link(self.context, obj)


# --- Small references ------------------------------------------------------------------------


class SourceRefSerializer(ApiModelSerializer):
    """A source in brief: `url` is the report itself, `api_url` its API record."""

    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "url",
            "title",
            "title_ko",
            "publisher",
            "publisher_ko",
            "published_on",
            "api_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "source", obj)


class CompanyRefSerializer(ApiModelSerializer):
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = ["slug", "name", "name_ko", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "company", obj)


class ProjectRefSerializer(LinksMixin, ApiModelSerializer):
    basename = "project"

    class Meta:
        model = Project
        fields = ["slug", "name", "name_ko", "api_url", "html_url"]


class MeetingRefSerializer(LinksMixin, ApiModelSerializer):
    basename = "meeting"

    class Meta:
        model = Meeting
        fields = ["slug", "title", "title_ko", "starts_at", "api_url", "html_url"]


class RateRefSerializer(ApiModelSerializer):
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeRate
        fields = ["slug", "currency", "date", "rate", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "exchange-rate", obj)


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def represent(context, serializer_class, data, *, many: bool = False):
    """`serializer_class(data, many=many, context=context).data`, with one serializer instance
    per class for the whole request, kept in the context.

    Building a ModelSerializer's fields introspects the model and takes about a millisecond; a
    new nested serializer for every related row made a page of 50 deals spend most of its time
    there.
    """
    serializers_made = context.setdefault("_serializers", {})
    serializer = serializers_made.get((serializer_class, many))
    if serializer is None:
        serializer = serializer_class(many=many, context=context)
        serializers_made[(serializer_class, many)] = serializer
    return serializer.to_representation(data)


def visible_ref(serializer_class, context, record):
    return represent(context, serializer_class, record) if can_see(context, record) else None


def prefetched(obj, name: str):
    """`obj.<name>.all()`, from what the view prefetched.

    `deal_queryset` (deals/api/views.py) prefetches a deal's relations into plain lists,
    `prefetched_<name>`: left as querysets, Django builds and clones one queryset per deal and
    relation (200 for a page of 50 deals), which cost more than reading the rows. Otherwise the
    prefetch cache (as `deals.history.snapshot` leaves it), else the database.
    """
    rows = getattr(obj, f"prefetched_{name}", None)
    if rows is not None:
        return rows
    cache = getattr(obj, "_prefetched_objects_cache", None)
    rows = cache.get(name) if cache else None
    return getattr(obj, name).all() if rows is None else rows


def visible_sources(context, sources) -> list:
    return [represent(context, SourceRefSerializer, s) for s in sources if can_see(context, s)]


# --- Read serializers ------------------------------------------------------------------------


class RecordSerializer(LinksMixin, ApiModelSerializer):
    """Fields every record has."""

    record_fields = [
        "slug",
        "api_url",
        "html_url",
        "publication",
        "published_at",
        "version",
        "created_at",
        "updated_at",
    ]


class SourceSerializer(RecordSerializer):
    basename = "source"

    class Meta:
        model = Source
        fields = [
            *RecordSerializer.record_fields,
            "url",
            "title",
            "title_ko",
            "publisher",
            "publisher_ko",
            "published_on",
            "published_on_precision",
            "language",
        ]
        read_only_fields = ["publication", "published_at", "created_at", "updated_at"]


class ExchangeRateSerializer(RecordSerializer):
    basename = "exchange-rate"
    source = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeRate
        fields = [
            *RecordSerializer.record_fields,
            "currency",
            "date",
            "rate",
            "source",
            "note",
            "note_ko",
        ]

    @extend_schema_field(SourceRefSerializer(allow_null=True))
    def get_source(self, obj):
        return visible_ref(SourceRefSerializer, self.context, obj.source)


class CompanySerializer(RecordSerializer):
    basename = "company"
    country = country_field()
    aliases = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    deals_api_url = serializers.SerializerMethodField(help_text="The company's deals, in any role.")
    people_api_url = serializers.SerializerMethodField(help_text="People of the company.")

    class Meta:
        model = Company
        fields = [
            *RecordSerializer.record_fields,
            "name",
            "name_ko",
            "aliases",
            "kind",
            "country",
            "parent",
            "website",
            "description",
            "description_ko",
            "sources",
            "deals_api_url",
            "people_api_url",
        ]

    def get_aliases(self, obj) -> list[str]:
        return split_lines(obj.aliases)

    @extend_schema_field(CompanyRefSerializer(allow_null=True))
    def get_parent(self, obj):
        return visible_ref(CompanyRefSerializer, self.context, obj.parent)

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_sources(self, obj):
        return visible_sources(self.context, obj.sources.all())

    @extend_schema_field(OpenApiTypes.URI)
    def get_deals_api_url(self, obj) -> str:
        return list_link(self.context, "deal", company=obj.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_people_api_url(self, obj) -> str:
        return list_link(self.context, "person", company=obj.slug)


class PersonSerializer(RecordSerializer):
    basename = "person"
    aliases = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    meetings_api_url = serializers.SerializerMethodField(
        help_text="Meetings the person attended or was expected at."
    )

    class Meta:
        model = Person
        fields = [
            *RecordSerializer.record_fields,
            "name",
            "name_ko",
            "aliases",
            "title",
            "title_ko",
            "company",
            "meetings_api_url",
        ]

    def get_aliases(self, obj) -> list[str]:
        return split_lines(obj.aliases)

    @extend_schema_field(CompanyRefSerializer(allow_null=True))
    def get_company(self, obj):
        return visible_ref(CompanyRefSerializer, self.context, obj.company)

    @extend_schema_field(OpenApiTypes.URI)
    def get_meetings_api_url(self, obj) -> str:
        return list_link(self.context, "meeting", person=obj.slug)


class AttendanceSerializer(serializers.Serializer):
    person = serializers.CharField(source="person.slug", help_text="Slug of the person.")
    name = serializers.CharField(source="person.name")
    name_ko = serializers.CharField(source="person.name_ko")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    note = serializers.CharField()
    note_ko = serializers.CharField()
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "person", obj.person)


class MeetingSerializer(RecordSerializer):
    basename = "meeting"
    country = country_field()
    parent = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    deals_api_url = serializers.SerializerMethodField(
        help_text="Deals discussed, announced or signed at the meeting."
    )

    class Meta:
        model = Meeting
        fields = [
            *RecordSerializer.record_fields,
            "title",
            "title_ko",
            "kind",
            "starts_at",
            "ends_at",
            "time_known",
            "timezone",
            "venue",
            "venue_ko",
            "city",
            "city_ko",
            "country",
            "parent",
            "summary",
            "summary_ko",
            "attendance",
            "sources",
            "deals_api_url",
        ]

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_parent(self, obj):
        return visible_ref(MeetingRefSerializer, self.context, obj.parent)

    @extend_schema_field(AttendanceSerializer(many=True))
    def get_attendance(self, obj):
        rows = [a for a in obj.attendance.all() if can_see(self.context, a.person)]
        return represent(self.context, AttendanceSerializer, rows, many=True)

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_sources(self, obj):
        return visible_sources(self.context, obj.sources.all())

    @extend_schema_field(OpenApiTypes.URI)
    def get_deals_api_url(self, obj) -> str:
        return list_link(self.context, "deal", meeting=obj.slug)


class ProjectPartySerializer(serializers.Serializer):
    company = serializers.CharField(source="company.slug", help_text="Slug of the company.")
    name = serializers.CharField(source="company.name")
    name_ko = serializers.CharField(source="company.name_ko")
    role = serializers.ChoiceField(choices=ProjectRole.choices)
    note = serializers.CharField()
    note_ko = serializers.CharField()
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "company", obj.company)


class MoneyFieldsMixin(serializers.Serializer):
    usd_rate = serializers.SerializerMethodField(
        help_text="The exchange rate the USD equivalent was computed with; null for USD "
        "amounts and when no rate was kept."
    )

    money_fields = [
        "amount",
        "currency",
        "disclosure",
        "amount_qualifier",
        "amount_note",
        "amount_note_ko",
        "usd_amount",
        "usd_rate",
    ]

    @extend_schema_field(RateRefSerializer(allow_null=True))
    def get_usd_rate(self, obj):
        return visible_ref(RateRefSerializer, self.context, obj.usd_rate)


class ProjectSerializer(MoneyFieldsMixin, RecordSerializer):
    basename = "project"
    country = country_field()
    parties = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    deals_api_url = serializers.SerializerMethodField(help_text="Deals that feed the project.")

    class Meta:
        model = Project
        fields = [
            *RecordSerializer.record_fields,
            "name",
            "name_ko",
            "kind",
            "status",
            "location",
            "location_ko",
            "city",
            "city_ko",
            "country",
            "capacity_mw",
            "capacity_mw_target",
            "gpu_count",
            "gpu_count_qualifier",
            "start_date",
            "start_precision",
            "target_date",
            "target_precision",
            *MoneyFieldsMixin.money_fields,
            "summary",
            "summary_ko",
            "parties",
            "sources",
            "deals_api_url",
        ]

    @extend_schema_field(ProjectPartySerializer(many=True))
    def get_parties(self, obj):
        rows = [p for p in obj.parties.all() if can_see(self.context, p.company)]
        return represent(self.context, ProjectPartySerializer, rows, many=True)

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_sources(self, obj):
        return visible_sources(self.context, obj.sources.all())

    @extend_schema_field(OpenApiTypes.URI)
    def get_deals_api_url(self, obj) -> str:
        return list_link(self.context, "deal", project=obj.slug)


class DealPartySerializer(ApiModelSerializer):
    company = serializers.CharField(source="company.slug", help_text="Slug of the company.")
    name = serializers.CharField(source="company.name")
    name_ko = serializers.CharField(source="company.name_ko")
    country = serializers.CharField(
        source="company.country.code",
        read_only=True,
        help_text="ISO 3166-1 alpha-2 code of the company; empty when unknown.",
    )
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = DealParty
        fields = ["company", "name", "name_ko", "country", "role", "note", "note_ko", "api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "company", obj.company)


class DealEventSerializer(ApiModelSerializer):
    source = serializers.SerializerMethodField()

    class Meta:
        model = DealEvent
        fields = ["date", "date_precision", "status", "note", "note_ko", "source"]

    @extend_schema_field(SourceRefSerializer(allow_null=True))
    def get_source(self, obj):
        return visible_ref(SourceRefSerializer, self.context, obj.source)


class DealMeetingSerializer(ApiModelSerializer):
    meeting = serializers.CharField(source="meeting.slug", help_text="Slug of the meeting.")
    title = serializers.CharField(source="meeting.title")
    title_ko = serializers.CharField(source="meeting.title_ko")
    starts_at = OffsetDateTimeField(source="meeting.starts_at")
    api_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = DealMeeting
        fields = ["meeting", "title", "title_ko", "starts_at", "role", "api_url", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj) -> str:
        return api_link(self.context, "meeting", obj.meeting)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_html_url(self, obj):
        return html_link(self.context, obj.meeting)


class DealSerializer(MoneyFieldsMixin, RecordSerializer):
    """A deal with its parties, timeline, meetings, project and sources."""

    basename = "deal"
    status = serializers.ChoiceField(
        choices=DealStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="The status of the latest event; empty while the deal has no timeline.",
    )
    parties = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField(help_text="The timeline, oldest first.")
    meetings = serializers.SerializerMethodField()
    project = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = [
            *RecordSerializer.record_fields,
            "title",
            "title_ko",
            "summary",
            "summary_ko",
            "kind",
            "status",
            "status_on",
            "announced_on",
            "product",
            "product_ko",
            "product_category",
            "quantity",
            "quantity_unit",
            "quantity_qualifier",
            *MoneyFieldsMixin.money_fields,
            "parties",
            "events",
            "meetings",
            "project",
            "sources",
        ]

    #: Reads are built by deals/api/fast.py, byte for byte what this serializer's fields give
    #: (tests/api/test_fast_representation.py) at a fraction of the cost; False, or `"plain":
    #: True` in the context, takes DRF's field-by-field path, the reference. A subclass (other
    #: fields than the plan's) always takes DRF's path.
    fast_representation = True

    def to_representation(self, instance):
        if (
            self.fast_representation
            and type(self) is DealSerializer
            and not self.context.get("plain")
        ):
            from . import fast

            return fast.deal(self.context, instance)
        return super().to_representation(instance)

    @extend_schema_field(DealPartySerializer(many=True))
    def get_parties(self, obj):
        rows = [p for p in prefetched(obj, "parties") if can_see(self.context, p.company)]
        return represent(self.context, DealPartySerializer, rows, many=True)

    @extend_schema_field(DealEventSerializer(many=True))
    def get_events(self, obj):
        return represent(self.context, DealEventSerializer, prefetched(obj, "events"), many=True)

    @extend_schema_field(DealMeetingSerializer(many=True))
    def get_meetings(self, obj):
        rows = [m for m in prefetched(obj, "meeting_links") if can_see(self.context, m.meeting)]
        return represent(self.context, DealMeetingSerializer, rows, many=True)

    @extend_schema_field(ProjectRefSerializer(allow_null=True))
    def get_project(self, obj):
        return visible_ref(ProjectRefSerializer, self.context, obj.project)

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_sources(self, obj):
        return visible_sources(self.context, prefetched(obj, "sources"))


# --- Write serializers -----------------------------------------------------------------------


class WorkflowFieldsMixin(serializers.Serializer):
    """`version` for safe concurrent edits, `publication` kept to the review workflow, and an
    optional `change_reason` for the history."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text="The version you read. When given, the write is refused with 409 if someone "
        "saved the record since, instead of overwriting their edit.",
    )
    publication = serializers.ChoiceField(
        choices=Publication.choices,
        required=False,
        write_only=True,
        help_text="Read-only in practice: records are created as drafts and move through "
        "review and publication in the admin. Sending the current value is allowed.",
    )
    change_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        write_only=True,
        help_text="Why you made this change, in up to 100 characters: kept in the record's "
        "history beside the version this write makes (and beside its parties', timeline's "
        "and links' changes), as the admin's \"Reason for this change\" is. Not stored on "
        "the record itself.",
    )

    def validate_publication(self, value):
        current = self.instance.publication if self.instance else Publication.DRAFT
        if value != current:
            raise serializers.ValidationError(
                "Publication changes go through the review workflow in the admin (submit, "
                "publish, unpublish), not through this field."
            )
        return value

    def pop_workflow(self, validated_data) -> int | None:
        validated_data.pop("publication", None)
        validated_data.pop("change_reason", None)  # history_note around the save (the view)
        return validated_data.pop("version", None)


class RecordWriteSerializer(WorkflowFieldsMixin, ApiModelSerializer):
    """Checks field types, then saves through `services.record_save` (full_clean inside)."""

    def create(self, validated_data):
        self.pop_workflow(validated_data)
        sources = validated_data.pop("sources", None)
        record = self.Meta.model(**validated_data)
        return services.record_save(record=record, sources=sources)

    def update(self, instance, validated_data):
        version = self.pop_workflow(validated_data)
        sources = validated_data.pop("sources", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.record_save(record=instance, sources=sources, expected_version=version)


class SlugField(serializers.SlugRelatedField):
    """A related record by slug; anything that cannot be a slug is 'not found', not a crash."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 200:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:50])
        return super().to_internal_value(data)


def slug_field(queryset, **kwargs):
    return SlugField(slug_field="slug", queryset=queryset, **kwargs)


class SourceWriteSerializer(RecordWriteSerializer):
    class Meta:
        model = Source
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "url",
            "title",
            "title_ko",
            "publisher",
            "publisher_ko",
            "published_on",
            "published_on_precision",
            "language",
        ]


class ExchangeRateWriteSerializer(RecordWriteSerializer):
    source = slug_field(Source.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ExchangeRate
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "currency",
            "date",
            "rate",
            "source",
            "note",
            "note_ko",
        ]


class CompanyWriteSerializer(RecordWriteSerializer):
    parent = slug_field(Company.objects.all(), required=False, allow_null=True)
    sources = slug_field(Source.objects.all(), many=True, required=False)

    class Meta:
        model = Company
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "name",
            "name_ko",
            "aliases",
            "kind",
            "country",
            "parent",
            "website",
            "description",
            "description_ko",
            "sources",
        ]


class PersonWriteSerializer(RecordWriteSerializer):
    company = slug_field(Company.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "name",
            "name_ko",
            "aliases",
            "title",
            "title_ko",
            "company",
        ]


class MeetingWriteSerializer(RecordWriteSerializer):
    parent = slug_field(Meeting.objects.all(), required=False, allow_null=True)
    sources = slug_field(Source.objects.all(), many=True, required=False)

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "title",
            "title_ko",
            "kind",
            "starts_at",
            "ends_at",
            "time_known",
            "timezone",
            "venue",
            "venue_ko",
            "city",
            "city_ko",
            "country",
            "parent",
            "summary",
            "summary_ko",
            "sources",
        ]


class ProjectWriteSerializer(RecordWriteSerializer):
    sources = slug_field(Source.objects.all(), many=True, required=False)

    class Meta:
        model = Project
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "name",
            "name_ko",
            "kind",
            "status",
            "location",
            "location_ko",
            "city",
            "city_ko",
            "country",
            "capacity_mw",
            "capacity_mw_target",
            "gpu_count",
            "gpu_count_qualifier",
            "start_date",
            "start_precision",
            "target_date",
            "target_precision",
            "amount",
            "currency",
            "disclosure",
            "amount_qualifier",
            "amount_note",
            "amount_note_ko",
            "summary",
            "summary_ko",
            "sources",
        ]


class PartyWriteSerializer(serializers.Serializer):
    company = slug_field(Company.objects.all(), help_text="Slug of the company.")
    role = serializers.ChoiceField(choices=PartyRole.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note_ko = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EventWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=DealStatus.choices)
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        required=False,
        default="day",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    note_ko = serializers.CharField(required=False, allow_blank=True, default="")
    source = slug_field(
        Source.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Slug of the source that reported this step.",
    )


class MeetingLinkWriteSerializer(serializers.Serializer):
    meeting = slug_field(Meeting.objects.all(), help_text="Slug of the meeting.")
    role = serializers.ChoiceField(
        choices=MeetingRole.choices, required=False, default=MeetingRole.DISCUSSED
    )


class DealWriteSerializer(WorkflowFieldsMixin, ApiModelSerializer):
    """A deal as an editor writes it.

    `parties`, `events`, `meetings` and `sources`, when given, replace the deal's whole set;
    left out of a PATCH, they stay as they are. The status is never written: it is the latest
    event's.
    """

    project = slug_field(Project.objects.all(), required=False, allow_null=True)
    parties = PartyWriteSerializer(many=True, required=False)
    events = EventWriteSerializer(many=True, required=False)
    meetings = MeetingLinkWriteSerializer(many=True, required=False)
    sources = slug_field(Source.objects.all(), many=True, required=False)

    class Meta:
        model = Deal
        fields = [
            "slug",
            "version",
            "change_reason",
            "publication",
            "title",
            "title_ko",
            "summary",
            "summary_ko",
            "kind",
            "product",
            "product_ko",
            "product_category",
            "quantity",
            "quantity_unit",
            "quantity_qualifier",
            "amount",
            "currency",
            "disclosure",
            "amount_qualifier",
            "amount_note",
            "amount_note_ko",
            "project",
            "parties",
            "events",
            "meetings",
            "sources",
        ]

    def split(self, validated_data) -> tuple[dict, services.DealParts]:
        def pop(name, build):
            items = validated_data.pop(name, None)
            return None if items is None else [build(item) for item in items]

        parts = services.DealParts(
            parties=pop("parties", lambda p: services.PartySpec(**p)),
            events=pop("events", lambda e: services.EventSpec(**e)),
            meetings=pop("meetings", lambda m: services.MeetingLinkSpec(**m)),
            sources=validated_data.pop("sources", None),
        )
        return validated_data, parts

    def create(self, validated_data):
        self.pop_workflow(validated_data)
        fields, parts = self.split(validated_data)
        return services.deal_create(fields=fields, parts=parts, by=self.context["request"].user)

    def update(self, instance, validated_data):
        version = self.pop_workflow(validated_data)
        fields, parts = self.split(validated_data)
        return services.deal_update(
            deal=instance,
            fields=fields,
            parts=parts,
            by=self.context["request"].user,
            expected_version=version,
        )
