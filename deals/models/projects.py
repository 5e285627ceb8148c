"""Infrastructure projects that deals feed: data centers, AI factories, sovereign AI programs."""

from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .base import (
    Bilingual,
    DatePrecision,
    Money,
    PublishedQuerySet,
    Qualifier,
    Record,
    names_not_both_empty,
    not_negative,
    slug_url,
)


class ProjectKind(models.TextChoices):
    AI_DATA_CENTER = "ai_data_center", _("AI data center")
    AI_FACTORY = "ai_factory", _("AI factory")
    SOVEREIGN_AI = "sovereign_ai", _("Sovereign AI program")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure initiative")


class ProjectStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATIONAL = "operational", _("Operational")
    CANCELLED = "cancelled", _("Cancelled")


class ProjectRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    FUNDER = "funder", _("Funder")
    OPERATOR = "operator", _("Operator")
    TECHNOLOGY_PARTNER = "technology_partner", _("Technology partner")
    BUILDER = "builder", _("Builder")


class ProjectQuerySet(PublishedQuerySet):
    search_fields = ("name", "name_ko", "location", "location_ko", "city", "city_ko")

    def for_lists(self):
        return self.select_related("usd_rate")

    def for_detail(self):
        """A project page: public participants, the public deals feeding it, public sources."""
        from .deals import Deal
        from .sources import Source

        return self.select_related("usd_rate").prefetch_related(
            Prefetch(
                "parties",
                queryset=ProjectParty.objects.filter(company__publication="published")
                .select_related("company")
                .order_by("role", "id"),
                to_attr="public_parties",
            ),
            Prefetch(
                "deals", queryset=Deal.objects.published().for_lists(), to_attr="public_deals"
            ),
            Prefetch("sources", queryset=Source.objects.published(), to_attr="public_sources"),
        )


class Project(Money, Record):
    """A data center, AI factory or programme that chips and money flow into.

    Its money fields hold the budget.
    """

    name = models.CharField(_("name"), max_length=300, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ProjectKind.choices)
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=ProjectStatus.choices,
        default=ProjectStatus.ANNOUNCED,
        db_index=True,
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    location_ko = models.CharField(_("location (Korean)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    city_ko = models.CharField(_("city (Korean)"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    capacity_mw = models.DecimalField(
        _("capacity now (MW)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
    )
    capacity_mw_target = models.DecimalField(
        _("target capacity (MW)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
    )
    gpu_count = models.PositiveBigIntegerField(_("GPUs"), null=True, blank=True)
    gpu_count_qualifier = models.CharField(
        _("GPU count qualifier"),
        max_length=16,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_precision = models.CharField(
        _("precision of the start date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    target_precision = models.CharField(
        _("precision of the target date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    sources = models.ManyToManyField(
        "deals.Source", verbose_name=_("sources"), blank=True, related_name="projects"
    )

    objects = ProjectQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Record.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "id"]
        # The published projects in list order (the home page's box, the project list): at a
        # million deals there are 20,000 projects, and sorting them all took 37 ms a request.
        indexes = [models.Index(fields=["publication", "name", "id"])]
        constraints = [
            *Record.Meta.constraints,
            *Money.Meta.constraints,
            names_not_both_empty("name", "name_ko", "name"),
            models.CheckConstraint(
                condition=(Q(capacity_mw__isnull=True) | Q(capacity_mw__gte=0))
                & (Q(capacity_mw_target__isnull=True) | Q(capacity_mw_target__gte=0)),
                name="%(app_label)s_%(class)s_capacity_not_negative",
                violation_error_message=_("A capacity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(target_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_target_after_start",
                violation_error_message=_("The target date cannot come before the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return slug_url("deals:project_detail", self.slug)


class ProjectParty(Bilingual, models.Model):
    """A company's part in a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="parties"
    )
    company = models.ForeignKey(
        "deals.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="project_parties",
    )
    role = models.CharField(_("role"), max_length=32, choices=ProjectRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_ko = models.CharField(_("note (Korean)"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "company", "role"],
                name="%(app_label)s_%(class)s_one_role_once",
                violation_error_message=_("This company already has this role in the project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.get_role_display()})"
