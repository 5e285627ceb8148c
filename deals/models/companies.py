"""Companies, government bodies and the people who speak for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .base import PublishedQuerySet, Record, names_not_both_empty, slug_url


class CompanyKind(models.TextChoices):
    CHIP_DESIGNER = "chip_designer", _("Chip designer")
    MEMORY_MAKER = "memory_maker", _("Memory maker")
    FOUNDRY = "foundry", _("Foundry")
    CLOUD_PROVIDER = "cloud_provider", _("Cloud provider")
    AUTOMAKER = "automaker", _("Automaker")
    INTERNET_PLATFORM = "internet_platform", _("Internet platform")
    AI_LAB = "ai_lab", _("AI lab")
    GOVERNMENT = "government", _("Government body")
    INVESTOR = "investor", _("Investor")
    CONGLOMERATE = "conglomerate", _("Conglomerate")
    OTHER = "other", _("Other")


class CompanyQuerySet(PublishedQuerySet):
    search_fields = ("name", "name_ko", "aliases")

    def with_related(self):
        return self.select_related("parent")

    def with_totals(self):
        """Per company, over published deals only: how many as supplier and as buyer, the
        GPUs supplied and bought, and the disclosed value in USD on each side."""
        public = Q(deal_parties__deal__publication="published")
        supplier = public & Q(deal_parties__role="supplier")
        buyer = public & Q(deal_parties__role="buyer")
        gpus = Q(deal_parties__deal__quantity_unit="gpus")
        disclosed = Q(deal_parties__deal__disclosure="disclosed")
        return self.annotate(
            deals_as_supplier=Count("deal_parties__deal", filter=supplier, distinct=True),
            deals_as_buyer=Count("deal_parties__deal", filter=buyer, distinct=True),
            gpus_supplied=Sum("deal_parties__deal__quantity", filter=supplier & gpus),
            gpus_bought=Sum("deal_parties__deal__quantity", filter=buyer & gpus),
            usd_supplied=Sum("deal_parties__deal__usd_amount", filter=supplier & disclosed),
            usd_bought=Sum("deal_parties__deal__usd_amount", filter=buyer & disclosed),
        )

    def for_detail(self):
        """A company page: its parent, and its public subsidiaries, projects and sources (its
        people are a page of their own: the busiest company has a thousand at a million deals)."""
        from .projects import ProjectParty
        from .sources import Source

        return self.select_related("parent").prefetch_related(
            Prefetch(
                "subsidiaries", queryset=Company.objects.published(), to_attr="public_subsidiaries"
            ),
            Prefetch(
                "project_parties",
                queryset=ProjectParty.objects.filter(project__publication="published")
                .select_related("project")
                .order_by("project__name", "id"),
                to_attr="public_project_parties",
            ),
            Prefetch("sources", queryset=Source.objects.published(), to_attr="public_sources"),
        )


class Company(Record):
    """A company, group or government body that supplies, buys, invests or takes part."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Other spellings that search should find, one a line."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CompanyKind.choices)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    sources = models.ManyToManyField(
        "deals.Source", verbose_name=_("sources"), blank=True, related_name="companies"
    )

    objects = CompanyQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Record.Meta):
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        constraints = [
            *Record.Meta.constraints,
            names_not_both_empty("name", "name_ko", "name"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A company cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return slug_url("deals:company_detail", self.slug)

    def clean(self) -> None:
        super().clean()
        seen = {self.pk} if self.pk else set()
        try:
            ancestor = self.parent
        except Company.DoesNotExist:
            return  # clean_fields() has already said the parent does not exist.
        while ancestor is not None:
            if ancestor.pk in seen or ancestor is self:
                raise ValidationError(
                    {"parent": _("This parent would make a loop of parent companies.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class PersonQuerySet(PublishedQuerySet):
    search_fields = ("name", "name_ko", "aliases")

    def with_related(self):
        return self.select_related("company")

    def for_detail(self):
        """A person page: the company, and the public meetings they attended or were expected at."""
        from .meetings import Attendance

        return self.select_related("company").prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(meeting__publication="published")
                .select_related("meeting")
                .order_by("-meeting__starts_at", "id"),
                to_attr="public_attendance",
            )
        )


class Person(Record):
    """Someone who attends meetings or speaks for a company."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Other spellings that search should find, one a line."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )

    objects = PersonQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        constraints = [*Record.Meta.constraints, names_not_both_empty("name", "name_ko", "name")]
        # A company's people in name order (its page shows the first hundred; the busiest
        # company has a thousand at a million deals), read in order rather than sorted.
        indexes = [
            models.Index(
                fields=["company", "publication", "name", "id"], name="deals_person_company_names"
            ),
        ]

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return slug_url("deals:person_detail", self.slug)
