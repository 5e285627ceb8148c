"""Companies, government bodies and the people who speak for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .base import PublishedQuerySet, Record, names_not_both_empty


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


class Company(Record):
    """A company, group or government body that supplies, buys, invests or takes part."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    aliases = models.TextField(
        _("other names"), blank=True,
        help_text=_("Other spellings that search should find, one a line."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CompanyKind.choices)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent company"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="subsidiaries",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    sources = models.ManyToManyField(
        "deals.Source", verbose_name=_("sources"), blank=True, related_name="companies"
    )

    objects = CompanyQuerySet.as_manager()

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
        return reverse("deals:company_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen or ancestor is self:
                raise ValidationError(
                    {"parent": _("This parent would make a loop of parent companies.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class PersonQuerySet(PublishedQuerySet):
    def with_related(self):
        return self.select_related("company")


class Person(Record):
    """Someone who attends meetings or speaks for a company."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="people",
    )

    objects = PersonQuerySet.as_manager()

    class Meta(Record.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        constraints = [*Record.Meta.constraints, names_not_both_empty("name", "name_ko", "name")]

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return reverse("deals:person_detail", kwargs={"slug": self.slug})
