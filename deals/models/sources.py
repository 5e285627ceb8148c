"""Where facts were reported."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import DatePrecision, PublishedQuerySet, Record, names_not_both_empty, validate_http_url


class SourceQuerySet(PublishedQuerySet):
    search_fields = ("title", "title_ko", "publisher", "publisher_ko", "url")


class Source(Record):
    """A published report, release or filing that facts in the tracker rest on.

    The URL is unique when given; a few print or wire reports have none, and then the publisher,
    date and title identify them.
    """

    url = models.URLField(
        _("URL"),
        max_length=600,
        blank=True,
        validators=[validate_http_url],
        help_text=_("The web address of the report (http or https)."),
    )
    title = models.CharField(_("title"), max_length=400, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=400, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher_ko = models.CharField(_("publisher (Korean)"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_on_precision = models.CharField(
        _("precision of the date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        help_text=_("ISO 639-1 code of the report's language, such as en or ko."),
    )

    objects = SourceQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "publisher", "id"]
        constraints = [
            *Record.Meta.constraints,
            names_not_both_empty("title", "title_ko", "title"),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="%(app_label)s_%(class)s_unique_url",
                violation_error_message=_("A source with this URL already exists."),
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="%(app_label)s_%(class)s_url_is_http",
                violation_error_message=_("A source URL must start with http:// or https://."),
            ),
        ]

    def __str__(self) -> str:
        label = self.localized("publisher") or self.url
        when = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{label}{when}: {self.localized('title')}"

    def get_absolute_url(self) -> str:
        return reverse("deals:source_list") + f"#source-{self.slug}"

    def clean(self) -> None:
        super().clean()
        # Schemes are case-insensitive and the validator accepts HTTPS://, but the database
        # check compares case-sensitively on PostgreSQL, and the unique URL should catch
        # HTTPS://x when https://x is there: keep the scheme in lower case.
        scheme, separator, rest = self.url.partition("://")
        if separator and scheme.lower() in ("http", "https"):
            self.url = f"{scheme.lower()}{separator}{rest}"
