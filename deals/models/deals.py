"""Deals: who supplies what to whom, how much, how certain, and when each step happened."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import (
    Bilingual,
    ConstraintErrorsOnFields,
    DatePrecision,
    Disclosure,
    Money,
    Publication,
    PublishedQuerySet,
    Qualifier,
    Record,
    names_not_both_empty,
    not_negative,
    slug_url,
    validate_currency_code,
)
from .sources import Source


class ExchangeRateQuerySet(PublishedQuerySet):
    # Rates have no names: `search()` looks in the currency and the notes. With the default
    # fields (name, name_ko), which rates lack, every search was a FieldError.
    search_fields = ("currency", "note", "note_ko")


class ExchangeRate(Record):
    """How many units of a currency one US dollar bought on a day, as editors recorded it."""

    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code, such as KRW."),
    )
    date = models.DateField(_("date"))
    rate = models.DecimalField(
        _("units per US dollar"),
        max_digits=20,
        decimal_places=6,
        help_text=_("For KRW on 2025-10-29: 1431.7"),
    )
    source = models.ForeignKey(
        "deals.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_rates",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_ko = models.CharField(_("note (Korean)"), max_length=300, blank=True)

    objects = ExchangeRateQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            *Record.Meta.constraints,
            models.UniqueConstraint(
                fields=["currency", "date"],
                name="%(app_label)s_%(class)s_one_rate_a_day",
                violation_error_message=_("There is already a rate for this currency and day."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="%(app_label)s_%(class)s_rate_positive",
                violation_error_message=_("A rate must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate.normalize():f} / USD ({self.date:%Y-%m-%d})"

    def clean(self) -> None:
        super().clean()
        if self.rate is not None and self.rate <= 0:
            raise ValidationError({"rate": _("A rate must be greater than zero.")})


class DealKind(models.TextChoices):
    SUPPLY_CONTRACT = "supply_contract", _("Supply contract")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    MOU = "mou", _("Memorandum of understanding")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    PARTNERSHIP = "partnership", _("Partnership")
    INVESTMENT = "investment", _("Investment")
    JOINT_VENTURE = "joint_venture", _("Joint venture")


class ProductCategory(models.TextChoices):
    GPU = "gpu", _("GPU or accelerator")
    HBM = "hbm", _("HBM")
    DRAM = "dram", _("DRAM")
    FOUNDRY = "foundry", _("Foundry capacity")
    DATA_CENTER = "data_center", _("Data-center capacity")
    CLOUD = "cloud", _("Cloud compute")
    SOFTWARE = "software", _("Software")
    OTHER = "other", _("Other")


class QuantityUnit(models.TextChoices):
    GPUS = "gpus", _("GPUs")
    CHIPS = "chips", _("chips")
    WAFERS_PER_MONTH = "wafers_per_month", _("wafers per month")
    SERVERS = "servers", _("servers")
    MW = "mw", _("MW")
    GB = "gb", _("GB")
    UNITS = "units", _("units")


class DealStatus(models.TextChoices):
    """A step in a deal's life. The order here is the order of a deal that goes well."""

    RUMORED = "rumored", _("Rumored")
    REPORTED = "reported", _("Reported")
    ANNOUNCED = "announced", _("Announced")
    SIGNED = "signed", _("Signed")
    IN_DELIVERY = "in_delivery", _("In delivery")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PartyRole(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    BUYER = "buyer", _("Buyer")
    PARTNER = "partner", _("Partner")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government")


class MeetingRole(models.TextChoices):
    DISCUSSED = "discussed", _("Discussed")
    ANNOUNCED = "announced", _("Announced")
    SIGNED = "signed", _("Signed")


#: Kinds of deal that move goods from a supplier to a buyer, and so need both before publishing.
SUPPLY_KINDS = frozenset({DealKind.SUPPLY_CONTRACT, DealKind.PURCHASE_ORDER})
#: Kinds that are about supply when they name a product (an MOU or letter of intent to supply).
SUPPLY_WHEN_PRODUCT_KINDS = frozenset({DealKind.MOU, DealKind.LETTER_OF_INTENT})


class DealQuerySet(PublishedQuerySet):
    search_fields = ("title", "title_ko", "product", "product_ko")

    def with_related(self):
        """Everything a list row shows: parties with their companies, and the project."""
        return self.select_related("project", "usd_rate").prefetch_related(
            Prefetch(
                "parties",
                queryset=DealParty.objects.select_related("company").order_by("role", "id"),
            )
        )

    def involving(self, company, role: str | None = None):
        """Deals in which the company takes part, in any role or in the one given."""
        parties = DealParty.objects.filter(company=company)
        if role:
            parties = parties.filter(role=role)
        return self.filter(pk__in=parties.values("deal_id"))

    def for_lists(self):
        """What a public list row shows: the parties that are public, the project, the rate.

        Parties land in `public_parties`, so a draft company never shows through a deal.
        """
        return self.select_related("project", "usd_rate").prefetch_related(
            Prefetch(
                "parties",
                queryset=DealParty.objects.public()
                .select_related("company")
                .order_by("role", "id"),
                to_attr="public_parties",
            )
        )

    def for_table(self):
        """What a row of a deal table shows (templates/deals/_deal_table.html), and no more.

        Only the columns the row, its sorts and its cursor read, and the parties' companies
        without their descriptions: a company page lists deals whose companies' texts would
        otherwise be read and decoded for every party (see docs/performance.md). Parties land
        in `public_parties`, as with `for_lists`. The pages read their rows through
        `deals.table_rows.deal_table_rows`, which on PostgreSQL reads the same in one prepared
        statement, and uses this elsewhere.
        """
        return (
            self.select_related("usd_rate")
            .only(*TABLE_FIELDS, "usd_rate__date")
            .prefetch_related(public_parties())
        )

    def for_network(self):
        """What the graph page's network and its table read: a table row's columns, the
        product category, and the public parties with their companies' countries."""
        return (
            self.select_related("usd_rate")
            .only(*TABLE_FIELDS, "product_category", "usd_rate__date")
            .prefetch_related(public_parties("company__country"))
        )

    def for_detail(self):
        """A deal's page: the deal, its parties, the timeline with its sources, public
        meetings and public sources, each with the columns the page shows."""
        return (
            self.select_related("project", "usd_rate")
            .only(*DETAIL_FIELDS)
            .prefetch_related(
                public_parties(),
                Prefetch(
                    "events",
                    queryset=DealEvent.objects.select_related("source")
                    .only(*EVENT_FIELDS, *(f"source__{f}" for f in SOURCE_FIELDS))
                    .order_by("date", "id"),
                    to_attr="timeline",
                ),
                Prefetch(
                    "meeting_links",
                    queryset=DealMeeting.objects.filter(meeting__publication=Publication.PUBLISHED)
                    .select_related("meeting")
                    .only("deal", "role", *(f"meeting__{f}" for f in MEETING_FIELDS)),
                    to_attr="public_meeting_links",
                ),
                Prefetch(
                    "sources",
                    queryset=Source.objects.published().only(*SOURCE_FIELDS),
                    to_attr="public_sources",
                ),
            )
        )

    def totals(self) -> dict:
        """Headline figures: how many deals, GPUs counted in them, their disclosed value in USD."""
        return self.order_by().aggregate(
            deals=Count("id"),
            gpus=Sum("quantity", filter=Q(quantity_unit=QuantityUnit.GPUS)),
            usd=Sum("usd_amount", filter=Q(disclosure=Disclosure.DISCLOSED)),
            disclosed=Count("id", filter=Q(disclosure=Disclosure.DISCLOSED)),
        )

    def count_by_status(self) -> dict[str, int]:
        """How many deals stand at each status, in the order of `DealStatus`."""
        counts = dict(
            self.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        return {status: counts[status] for status in DealStatus.values if counts.get(status)}

    def gpus_by_buyer(self, limit: int):
        """The `limit` published buyers that take the most GPUs in these deals, as rows of
        `company` (its id) and `gpus`, most first. A deal with two buyers counts for both."""
        gpu_deals = self.order_by().filter(quantity_unit=QuantityUnit.GPUS, quantity__gt=0)
        return (
            DealParty.objects.public()
            .filter(role=PartyRole.BUYER, deal__in=gpu_deals.values("pk"))
            .values("company")
            .annotate(gpus=Sum("deal__quantity"))
            .order_by("-gpus", "company")[:limit]
        )

    def per_month(self):
        """Rows of `month` (first day) and `deals` announced that month, oldest first."""
        return (
            self.exclude(announced_on=None)
            .order_by()
            .annotate(month=TruncMonth("announced_on"))
            .values("month")
            .annotate(deals=Count("id"))
            .order_by("month")
        )


class Deal(Money, Record):
    """An agreement, or a reported one, for one party to supply, fund or build for another."""

    title = models.CharField(_("title"), max_length=300, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DealKind.choices)
    product = models.CharField(_("product"), max_length=200, blank=True)
    product_ko = models.CharField(_("product (Korean)"), max_length=200, blank=True)
    product_category = models.CharField(
        _("product category"), max_length=32, choices=ProductCategory.choices, blank=True
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
        help_text=_("Leave empty when the quantity was not disclosed."),
    )
    quantity_unit = models.CharField(
        _("unit"), max_length=32, choices=QuantityUnit.choices, blank=True
    )
    quantity_qualifier = models.CharField(
        _("quantity qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DealStatus.choices,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Always the status of the latest event."),
    )
    status_on = models.DateField(_("status since"), null=True, blank=True, editable=False)
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, editable=False, db_index=True
    )
    project = models.ForeignKey(
        "deals.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
    )
    meetings = models.ManyToManyField(
        "deals.Meeting",
        verbose_name=_("meetings"),
        through="DealMeeting",
        blank=True,
        related_name="deals",
    )
    sources = models.ManyToManyField(
        "deals.Source", verbose_name=_("sources"), blank=True, related_name="deals"
    )

    objects = DealQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Record.Meta):
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-announced_on", "-id"]
        constraints = [
            *Record.Meta.constraints,
            *Money.Meta.constraints,
            names_not_both_empty("title", "title_ko", "title"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="%(app_label)s_%(class)s_quantity_not_negative",
                violation_error_message=_("A quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | ~Q(quantity_unit=""),
                name="%(app_label)s_%(class)s_quantity_has_unit",
                violation_error_message=_("A quantity needs a unit."),
            ),
        ]
        indexes = [models.Index(fields=["publication", "-announced_on", "-id"])]

    def __str__(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return slug_url("deals:deal_detail", self.slug)

    def clean(self) -> None:
        super().clean()
        if self.quantity is not None and not self.quantity_unit:
            raise ValidationError({"quantity_unit": _("A quantity needs a unit.")})

    @property
    def needs_supplier_and_buyer(self) -> bool:
        """Supply contracts and purchase orders always; an MOU or LOI when it names a product."""
        if self.kind in SUPPLY_KINDS:
            return True
        return self.kind in SUPPLY_WHEN_PRODUCT_KINDS and bool(self.product or self.product_ko)


#: The deal columns a deal table's row shows, and those its sorts and cursors read.
TABLE_FIELDS = (
    "slug",
    "publication",
    "title",
    "title_ko",
    "product",
    "product_ko",
    "quantity",
    "quantity_unit",
    "quantity_qualifier",
    "amount",
    "currency",
    "disclosure",
    "amount_qualifier",
    "usd_amount",
    "usd_rate",
    "status",
    "announced_on",
    "updated_at",
)
#: What a deal's page shows beyond a row (not the withdrawal notes, nor the bookkeeping).
DETAIL_FIELDS = (
    *TABLE_FIELDS,
    "summary",
    "summary_ko",
    "kind",
    "product_category",
    "amount_note",
    "amount_note_ko",
    "status_on",
    "version",
    "project",
    "usd_rate__date",
    "project__slug",
    "project__name",
    "project__name_ko",
    "project__publication",
)
#: A party's columns, and its company's, as deal tables and pages show them.
PARTY_FIELDS = (
    "deal",
    "company",
    "role",
    "note",
    "note_ko",
    "company__slug",
    "company__name",
    "company__name_ko",
    "company__publication",
)
EVENT_FIELDS = ("deal", "date", "date_precision", "status", "note", "note_ko", "source")
SOURCE_FIELDS = (
    "slug",
    "publication",
    "url",
    "title",
    "title_ko",
    "publisher",
    "publisher_ko",
    "published_on",
    "published_on_precision",
    "language",
)
MEETING_FIELDS = ("slug", "publication", "title", "title_ko", "starts_at", "timezone")


def public_parties(*more_fields: str) -> Prefetch:
    """A deal's public parties with their companies' names (and `more_fields`), into
    `public_parties`."""
    return Prefetch(
        "parties",
        queryset=DealParty.objects.public()
        .select_related("company")
        .only(*PARTY_FIELDS, *more_fields)
        .order_by("role", "id"),
        to_attr="public_parties",
    )


class DealPartyQuerySet(models.QuerySet):
    def public(self):
        """Parties a reader may see: a published company in a published deal."""
        return self.filter(
            company__publication=Publication.PUBLISHED, deal__publication=Publication.PUBLISHED
        )


class DealParty(ConstraintErrorsOnFields, Bilingual, models.Model):
    """A company's part in a deal. Real deals often have more than two parties."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="parties"
    )
    company = models.ForeignKey(
        "deals.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="deal_parties",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_ko = models.CharField(_("note (Korean)"), max_length=300, blank=True)

    objects = DealPartyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "company", "role"],
                name="%(app_label)s_%(class)s_one_role_once",
                violation_error_message=_("This company already has this role in the deal."),
            ),
            # One row per company among the supply roles: a supplier cannot also be the buyer.
            models.UniqueConstraint(
                fields=["deal", "company"],
                condition=Q(role__in=["supplier", "buyer"]),
                name="%(app_label)s_%(class)s_supplier_not_buyer",
                violation_error_message=_(
                    "A company cannot be both supplier and buyer of the same deal."
                ),
            ),
        ]
        indexes = [models.Index(fields=["company", "role"])]

    def __str__(self) -> str:
        return f"{self.company} ({self.get_role_display()})"


class DealEventQuerySet(models.QuerySet):
    def public(self):
        """Steps of published deals, with the deal and the source, latest first."""
        return (
            self.filter(deal__publication=Publication.PUBLISHED)
            .select_related("deal", "source")
            .order_by("-date", "-id")
        )


class DealEvent(Bilingual, models.Model):
    """A dated step in a deal's life, with the source that reported it."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="events"
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("precision of the date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    status = models.CharField(_("status"), max_length=16, choices=DealStatus.choices)
    note = models.TextField(_("note"), blank=True)
    note_ko = models.TextField(_("note (Korean)"), blank=True)
    source = models.ForeignKey(
        "deals.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deal_events",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DealEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["deal", "date", "id"]), models.Index(fields=["-date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_status_display()}"


class DealMeeting(models.Model):
    """A meeting where a deal was discussed, announced or signed."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="meeting_links"
    )
    meeting = models.ForeignKey(
        "deals.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="deal_links",
    )
    role = models.CharField(
        _("what happened there"),
        max_length=16,
        choices=MeetingRole.choices,
        default=MeetingRole.DISCUSSED,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting of the deal")
        verbose_name_plural = _("meetings of the deal")
        ordering = ["meeting__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "meeting"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This meeting is already linked to the deal."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} ({self.get_role_display()})"
