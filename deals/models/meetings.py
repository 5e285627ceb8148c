"""Meetings where deals were discussed, announced or signed, and who was there."""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .base import Bilingual, PublishedQuerySet, Record, names_not_both_empty, slug_url


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Seoul."),
            code="invalid_timezone",
            params={"value": value},
        )


def within_calendar(moment: dt.datetime | None) -> bool:
    """Whether the moment is a day or more inside the years Python can hold, in UTC, and so
    can be shown in any time zone."""
    if moment is None:
        return True
    try:
        return 2 <= moment.astimezone(dt.UTC).year <= 9998
    except (OverflowError, ValueError):
        return False


class MeetingKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    DINNER = "dinner", _("Dinner")
    SIGNING = "signing", _("Signing ceremony")
    CONFERENCE = "conference", _("Conference")
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    OTHER = "other", _("Other")


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    EXPECTED = "expected", _("Expected")
    ABSENT = "absent", _("Expected but absent")
    DECLINED = "declined", _("Declined")


class MeetingQuerySet(PublishedQuerySet):
    search_fields = ("title", "title_ko", "venue", "venue_ko", "city", "city_ko")

    def with_related(self):
        return self.select_related("parent")

    def upcoming(self, now):
        return self.filter(starts_at__gte=now).order_by("starts_at", "id")

    def recent(self, now):
        return self.filter(starts_at__lt=now).order_by("-starts_at", "-id")

    def attended_by_people_of(self, company):
        """Meetings that someone speaking for the company attended."""
        attendance = Attendance.objects.filter(
            person__company=company, status=AttendanceStatus.ATTENDED
        )
        return self.filter(pk__in=attendance.values("meeting_id"))

    def for_detail(self):
        """A meeting page: who came or was expected (public people only), the public deals
        discussed or announced there, the public sources, and the meetings within it."""
        from .deals import DealMeeting
        from .sources import Source

        return self.select_related("parent").prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(person__publication="published")
                .select_related("person__company", "source")
                .order_by("status", "person__name", "id"),
                to_attr="public_attendance",
            ),
            Prefetch(
                "deal_links",
                queryset=DealMeeting.objects.filter(deal__publication="published")
                .select_related("deal")
                .order_by("deal__title", "id"),
                to_attr="public_deal_links",
            ),
            Prefetch("sources", queryset=Source.objects.published(), to_attr="public_sources"),
            Prefetch(
                "children",
                queryset=Meeting.objects.published().order_by("starts_at", "id"),
                to_attr="public_children",
            ),
        )


class Meeting(Record):
    """A summit, dinner, signing or call where deals were discussed or announced.

    Times are stored in UTC with the meeting's own time zone beside them, so a dinner in Seoul
    shows 19:30 KST to every reader. When only the day is known, `time_known` is off.
    """

    title = models.CharField(_("title"), max_length=300, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_known = models.BooleanField(
        _("time of day known"),
        default=True,
        help_text=_("Off when the sources give only the day."),
    )
    timezone = models.CharField(
        _("local time zone"), max_length=64, default="Asia/Seoul", validators=[validate_timezone]
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    venue_ko = models.CharField(_("venue (Korean)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    city_ko = models.CharField(_("city (Korean)"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For example, a dinner on the sidelines of a summit."),
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    attendees = models.ManyToManyField(
        "deals.Person",
        verbose_name=_("attendees"),
        through="Attendance",
        blank=True,
        related_name="meetings",
    )
    sources = models.ManyToManyField(
        "deals.Source", verbose_name=_("sources"), blank=True, related_name="meetings"
    )

    objects = MeetingQuerySet.as_manager()

    # Every change is kept as a full snapshot, with who made it, when and why.
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Record.Meta):
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            *Record.Meta.constraints,
            names_not_both_empty("title", "title_ko", "title"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A meeting cannot be part of itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return slug_url("deals:meeting_detail", self.slug)

    def clean(self) -> None:
        super().clean()
        far = {
            name: _("Give a time between the years 2 and 9998.")
            for name in ("starts_at", "ends_at")
            if not within_calendar(getattr(self, name))
        }
        if far:
            # Year 1 in Seoul is before year 1 in UTC, and 9999-12-31 in Seoul is year 10000
            # on Kiritimati: Python cannot hold either, so every page showing it would fail.
            raise ValidationError(far)
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A meeting cannot end before it starts.")})
        seen = {self.pk} if self.pk else set()
        try:
            ancestor = self.parent
        except Meeting.DoesNotExist:
            return  # clean_fields() has already said the parent does not exist.
        while ancestor is not None:
            if ancestor.pk in seen or ancestor is self:
                raise ValidationError({"parent": _("This would make a loop of meetings.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def local_tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Attendance(Bilingual, models.Model):
    """A person at a meeting, or expected there, or absent."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        "deals.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.ATTENDED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_ko = models.CharField(_("note (Korean)"), max_length=300, blank=True)
    source = models.ForeignKey(
        "deals.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["status", "id"]
        indexes = [
            # A company's page lists the meetings its people attended: from each person, the
            # meetings with that status, read from the index alone. Without it PostgreSQL
            # scanned the whole table (12 ms at 40,000 rows, ten times that at a million).
            models.Index(fields=["person", "status", "meeting"], name="deals_attendance_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This person is already listed for this meeting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"
