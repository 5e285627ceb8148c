"""Every write that carries a rule. Typed, keyword-only, one transaction each, `full_clean()`
before saving, so a failed write leaves the database exactly as it was.

Views, the admin, the API, imports and management commands all write through these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
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
    Project,
    Publication,
    Source,
)
from .models.base import Money, Record

#: Statuses that mean the deal has been made public by its parties.
ANNOUNCING_STATUSES = (DealStatus.ANNOUNCED,)
AGREED_STATUSES = (DealStatus.SIGNED, DealStatus.IN_DELIVERY, DealStatus.COMPLETED)
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class PartySpec:
    """A company's part in a deal, as a writer gives it."""

    company: Company
    role: str
    note: str = ""
    note_ko: str = ""


@dataclass(frozen=True)
class EventSpec:
    """A step in a deal's timeline, as a writer gives it."""

    date: dt.date
    status: str
    date_precision: str = DatePrecision.DAY
    note: str = ""
    note_ko: str = ""
    source: Source | None = None


@dataclass(frozen=True)
class MeetingLinkSpec:
    meeting: Meeting
    role: str = MeetingRole.DISCUSSED


@dataclass
class DealParts:
    """Everything around a deal's own row; `None` for a part means "leave it as it is"."""

    parties: Sequence[PartySpec] | None = None
    events: Sequence[EventSpec] | None = None
    meetings: Sequence[MeetingLinkSpec] | None = None
    sources: Iterable[Source] | None = None


# --- Money -----------------------------------------------------------------------------------


def exchange_rate_on(*, currency: str, on: dt.date) -> ExchangeRate | None:
    """The latest rate for the currency on or before the day, or None when there is none."""
    return ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()


def money_refresh_usd(*, record: Money, on: dt.date | None) -> None:
    """Set the record's USD equivalent from the editors' exchange rates (no network).

    Leaves it empty when there is no amount or no rate on or before the day.
    """
    record.usd_amount = None
    record.usd_rate = None
    if record.amount is None or not record.currency:
        return
    if record.currency == "USD":
        record.usd_amount = record.amount
        return
    rate = exchange_rate_on(currency=record.currency, on=on or timezone.localdate())
    if rate is not None:
        record.usd_amount = (record.amount / rate.rate).quantize(CENTS)
        record.usd_rate = rate


# --- Parties and publishing -----------------------------------------------------------------


def deal_party_problems(*, deal: Deal, parties: Sequence[tuple[Company, str]]) -> list[str]:
    """What is wrong with a deal's set of parties, in plain words. Empty when nothing is."""
    problems: list[str] = []
    suppliers = {c.pk for c, role in parties if role == PartyRole.SUPPLIER}
    buyers = {c.pk for c, role in parties if role == PartyRole.BUYER}
    for company, _role in parties:
        if company.pk in suppliers and company.pk in buyers:
            problems.append(
                _("%(company)s cannot be both supplier and buyer of the same deal.")
                % {"company": company}
            )
            suppliers.discard(company.pk)
    seen: set[tuple[int, str]] = set()
    for company, role in parties:
        if (company.pk, role) in seen:
            problems.append(
                _("%(company)s is listed twice as %(role)s.")
                % {"company": company, "role": dict(PartyRole.choices).get(role, role)}
            )
        seen.add((company.pk, role))
    return problems


def deal_publish_problems(
    *,
    deal: Deal,
    parties: Sequence[tuple[Company, str]] | None = None,
) -> list[str]:
    """Why the deal cannot be published yet, in plain words. Empty when it is ready."""
    if parties is None:
        parties = [(p.company, p.role) for p in deal.parties.select_related("company")]
    problems = deal_party_problems(deal=deal, parties=parties)
    roles = {role for _c, role in parties}
    if deal.needs_supplier_and_buyer:
        if PartyRole.SUPPLIER not in roles:
            problems.append(
                _("A %(kind)s needs at least one supplier.")
                % {"kind": deal.get_kind_display().lower()}
            )
        if PartyRole.BUYER not in roles:
            problems.append(
                _("A %(kind)s needs at least one buyer.")
                % {"kind": deal.get_kind_display().lower()}
            )
    return problems


# --- Deals ----------------------------------------------------------------------------------


def deal_sync_status(*, deal: Deal) -> Deal:
    """Make the deal's status its latest event's, and note when it was first announced.

    The only place a deal's status is written. Latest means the latest date; on the same day,
    the event entered last.
    """
    events = list(deal.events.order_by("date", "id").values_list("date", "status"))
    if events:
        deal.status_on, deal.status = events[-1]
    else:
        deal.status, deal.status_on = "", None
    announced = [d for d, s in events if s in ANNOUNCING_STATUSES]
    agreed = [d for d, s in events if s in AGREED_STATUSES]
    deal.announced_on = (announced or agreed or [None])[0]
    return deal


def deal_refresh_derived(*, deal: Deal, save_version: bool = False) -> Deal:
    """Recompute what is derived from a deal's events and money, and save it if it changed
    (or, with `save_version`, in any case, with the version the caller moved on)."""

    def derived():
        return deal.status, deal.status_on, deal.announced_on, deal.usd_amount, deal.usd_rate_id

    before = derived()
    deal_sync_status(deal=deal)
    money_refresh_usd(record=deal, on=deal.announced_on or deal.status_on)
    if derived() == before and not save_version:
        return deal
    # save(), not update(): the history keeps every version, derived fields included.
    fields = ["status", "status_on", "announced_on", "usd_amount", "usd_rate", "updated_at"]
    deal.save(update_fields=fields + (["version"] if save_version else []))
    return deal


def _replace_parts(*, deal: Deal, parts: DealParts) -> None:
    if parts.parties is not None:
        problems = deal_party_problems(
            deal=deal, parties=[(p.company, p.role) for p in parts.parties]
        )
        if problems:
            raise ValidationError({"parties": problems})
        deal.parties.all().delete()
        for spec in parts.parties:
            party = DealParty(
                deal=deal,
                company=spec.company,
                role=spec.role,
                note=spec.note,
                note_ko=spec.note_ko,
            )
            party.full_clean()
            party.save()
    if parts.events is not None:
        deal.events.all().delete()
        for spec in parts.events:
            event = DealEvent(
                deal=deal,
                date=spec.date,
                status=spec.status,
                date_precision=spec.date_precision,
                note=spec.note,
                note_ko=spec.note_ko,
                source=spec.source,
            )
            event.full_clean()
            event.save()
    if parts.meetings is not None:
        deal.meeting_links.all().delete()
        for link in parts.meetings:
            row = DealMeeting(deal=deal, meeting=link.meeting, role=link.role)
            row.full_clean()
            row.save()
    if parts.sources is not None:
        deal.sources.set(list(parts.sources))


@transaction.atomic
def deal_create(*, fields: dict, parts: DealParts | None = None, by=None) -> Deal:
    """Create a deal with its parties, events, meetings and sources, all or nothing.

    A deal created published must pass the publish checks.
    """
    parts = parts or DealParts()
    publish = fields.get("publication") == Publication.PUBLISHED
    deal = Deal(**{**fields, "publication": Publication.DRAFT, "published_at": None})
    if by is not None:
        deal._history_user = by  # outside a web request, only `by` says who it was
    deal.full_clean()
    deal.save()
    _replace_parts(deal=deal, parts=parts)
    deal_refresh_derived(deal=deal)
    if publish:
        from .editorial import record_publish

        record_publish(record=deal, by=by, at=fields.get("published_at"))
    return deal


@transaction.atomic
def deal_update(
    *,
    deal: Deal,
    fields: dict,
    parts: DealParts | None = None,
    by=None,
    expected_version: int | None = None,
) -> Deal:
    """Change a deal's fields and, where given, replace its parties, events, meetings, sources.

    With `expected_version`, refuses (EditConflict) when someone saved the deal meanwhile.
    A change of publication state is not a field edit: it goes through the workflow
    (deals.editorial), with its permission and publish checks, after the other changes.
    """
    from .editorial import record_next_version, record_publish

    parts = parts or DealParts()
    fields = dict(fields)
    target = fields.pop("publication", deal.publication)
    if target not in (deal.publication, Publication.PUBLISHED):
        raise ValidationError(
            {"publication": _("Send back or withdraw a deal through the review workflow.")}
        )
    record_next_version(record=deal, expected_version=expected_version)
    if by is not None:
        deal._history_user = by  # outside a web request, only `by` says who it was
    for name, value in fields.items():
        setattr(deal, name, value)
    deal.full_clean()
    deal.save()
    _replace_parts(deal=deal, parts=parts)
    deal_refresh_derived(deal=deal)
    if target != deal.publication:
        record_publish(record=deal, by=by)
    elif deal.publication == Publication.PUBLISHED:
        # Still public: the edit must leave it publishable.
        problems = deal_publish_problems(deal=deal)
        if problems:
            raise ValidationError({"publication": problems})
    return deal


@transaction.atomic
def deal_record_event(
    *,
    deal: Deal,
    date: dt.date,
    status: str,
    date_precision: str = DatePrecision.DAY,
    note: str = "",
    note_ko: str = "",
    source: Source | None = None,
    expected_version: int | None = None,
) -> DealEvent:
    """Add a step to a deal's timeline and bring its status up to date.

    A new step is a new version of the deal (its history and public change log show it); with
    `expected_version`, refuses (EditConflict) when someone saved the deal meanwhile.
    """
    from .editorial import record_next_version

    record_next_version(record=deal, expected_version=expected_version)
    event = DealEvent(
        deal=deal,
        date=date,
        status=status,
        date_precision=date_precision,
        note=note,
        note_ko=note_ko,
        source=source,
    )
    event.full_clean()
    event.save()
    deal_refresh_derived(deal=deal, save_version=True)
    return event


# --- Any record -----------------------------------------------------------------------------


@transaction.atomic
def record_save(
    *,
    record: models.Model,
    sources: Iterable[Source] | None = None,
    expected_version: int | None = None,
) -> models.Model:
    """Validate and save a record that has no rules beyond its own fields.

    With `expected_version`, refuses (EditConflict) when someone saved it meanwhile.
    """
    from .editorial import record_next_version

    if isinstance(record, Record):
        record_next_version(record=record, expected_version=expected_version)
    if isinstance(record, Record) and record.is_published and not record.published_at:
        record.published_at = timezone.now()
    if isinstance(record, Money) and hasattr(record, "start_date"):
        money_refresh_usd(record=record, on=record.start_date)
    record.full_clean()
    record.save()
    if sources is not None:
        record.sources.set(list(sources))
    return record


def project_refresh_usd(*, project) -> None:
    """Recompute a project's budget in USD from the rate on or before its start date."""
    money_refresh_usd(record=project, on=project.start_date)
    project.save(update_fields=["usd_amount", "usd_rate", "updated_at"])


@transaction.atomic
def exchange_rate_save(*, rate: ExchangeRate, expected_version: int | None = None) -> ExchangeRate:
    """Save an editor's exchange rate and recompute every USD figure in its currency.

    A USD figure names the rate it used, so a corrected rate must not leave it stale; and a new
    rate may be the one a deal or project should now use (the latest on or before its date).
    When a rate moves to another currency, both currencies are recomputed. With
    `expected_version`, refuses (EditConflict) when someone saved the rate meanwhile.
    """
    from .editorial import record_next_version

    previous = ExchangeRate.objects.filter(pk=rate.pk).values_list("currency", flat=True).first()
    record_next_version(record=rate, expected_version=expected_version)
    rate.full_clean()
    rate.save()
    currencies = {rate.currency, previous} - {None}
    for deal in Deal.objects.filter(currency__in=currencies).exclude(amount=None):
        deal_refresh_derived(deal=deal)
    for project in Project.objects.filter(currency__in=currencies).exclude(amount=None):
        project_refresh_usd(project=project)
    return rate
