"""The deal services: all-or-nothing writes, the status kept from the timeline, the USD
equivalent from the editors' exchange rates, the publish checks, and the history."""

import datetime as dt
from decimal import Decimal

import factory
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from deals import services
from deals.editorial import EditConflict, record_publish
from deals.models import (
    Deal,
    DealEvent,
    DealKind,
    DealMeeting,
    DealParty,
    DealStatus,
    Disclosure,
    MeetingRole,
    PartyRole,
    Publication,
)
from deals.services import DealParts, EventSpec, MeetingLinkSpec, PartySpec
from tests import factories

pytestmark = pytest.mark.django_db

OCT = {day: dt.date(2025, 10, day) for day in range(1, 32)}
NOV = {day: dt.date(2025, 11, day) for day in range(1, 31)}


def deal_fields(**values) -> dict:
    """The fields of a valid draft deal (undisclosed value), with the given ones changed."""
    fields = factory.build(dict, FACTORY_CLASS=factories.DealFactory)
    fields.pop("published_at", None)
    fields["publication"] = Publication.DRAFT
    fields.update(values)
    return fields


def written() -> dict[str, int]:
    """How many rows each part of a deal has, history included."""
    return {
        "deals": Deal.objects.count(),
        "parties": DealParty.objects.count(),
        "events": DealEvent.objects.count(),
        "meeting links": DealMeeting.objects.count(),
        "deal history": Deal.history.count(),
        "party history": DealParty.history.count(),
        "event history": DealEvent.history.count(),
    }


@pytest.fixture
def nvidia():
    return factories.CompanyFactory(name="Nvidia", name_ko="엔비디아", country="US")


@pytest.fixture
def samsung():
    return factories.CompanyFactory(name="Samsung Electronics", name_ko="삼성전자")


@pytest.fixture
def hyundai():
    return factories.CompanyFactory(name="Hyundai Motor Group", name_ko="현대자동차그룹")


@pytest.fixture
def source():
    return factories.SourceFactory(title_ko="엔비디아, 한국에 GPU 26만 장 공급")


def events(*steps, source=None) -> list[EventSpec]:
    return [EventSpec(date=date, status=status, source=source) for date, status in steps]


def create(*, supplier=None, buyer=None, steps=(), source=None, **fields) -> Deal:
    parties = []
    if supplier is not None:
        parties.append(PartySpec(company=supplier, role=PartyRole.SUPPLIER))
    if buyer is not None:
        parties.append(PartySpec(company=buyer, role=PartyRole.BUYER))
    return services.deal_create(
        fields=deal_fields(**fields),
        parts=DealParts(
            parties=parties,
            events=events(*steps, source=source),
            sources=[source] if source else [],
        ),
    )


# --- All or nothing --------------------------------------------------------------------------


def test_deal_create_writes_parties_events_meetings_and_sources(nvidia, samsung, source):
    ministry = factories.CompanyFactory(name="", name_ko="과학기술정보통신부")
    dinner = factories.MeetingFactory(title_ko="깐부치킨 회동")

    deal = services.deal_create(
        fields=deal_fields(title="", title_ko="삼성전자 GPU 5만 장 구매"),
        parts=DealParts(
            parties=[
                PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                PartySpec(company=samsung, role=PartyRole.BUYER, note_ko="AI 팩토리"),
                PartySpec(company=ministry, role=PartyRole.GOVERNMENT),
            ],
            events=events((OCT[31], DealStatus.ANNOUNCED), source=source),
            meetings=[MeetingLinkSpec(meeting=dinner, role=MeetingRole.ANNOUNCED)],
            sources=[source],
        ),
    )

    deal.refresh_from_db()
    assert str(deal) == "삼성전자 GPU 5만 장 구매"
    assert {(p.company_id, p.role) for p in deal.parties.all()} == {
        (nvidia.pk, PartyRole.SUPPLIER),
        (samsung.pk, PartyRole.BUYER),
        (ministry.pk, PartyRole.GOVERNMENT),
    }
    assert deal.events.get().source == source
    assert deal.meeting_links.get().meeting == dinner
    assert list(deal.sources.all()) == [source]
    assert deal.status == DealStatus.ANNOUNCED


def test_deal_create_writes_nothing_when_a_company_is_supplier_and_buyer(nvidia, samsung):
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_create(
            fields=deal_fields(title_ko="자기 거래"),
            parts=DealParts(
                parties=[
                    PartySpec(company=samsung, role=PartyRole.SUPPLIER),
                    PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                    PartySpec(company=samsung, role=PartyRole.BUYER),
                ],
                events=events((OCT[31], DealStatus.ANNOUNCED)),
            ),
        )

    assert "both supplier and buyer" in " ".join(caught.value.message_dict["parties"])
    assert written() == before


@pytest.mark.parametrize("status", ["bogus", "발표", "", "ANNOUNCED"])
def test_deal_create_writes_nothing_when_an_event_has_an_unknown_status(nvidia, samsung, status):
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_create(
            fields=deal_fields(),
            parts=DealParts(
                parties=[
                    PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                    PartySpec(company=samsung, role=PartyRole.BUYER),
                ],
                events=events((OCT[20], DealStatus.REPORTED), (OCT[31], status)),
            ),
        )

    assert "status" in caught.value.message_dict
    assert written() == before


@pytest.mark.parametrize("times", [1, 2])
def test_deal_create_writes_nothing_when_a_party_role_is_unknown(nvidia, times):
    before = written()

    with pytest.raises(ValidationError):
        services.deal_create(
            fields=deal_fields(),
            parts=DealParts(parties=[PartySpec(company=nvidia, role="seller")] * times),
        )

    assert written() == before


def test_deal_create_writes_nothing_when_a_company_is_listed_twice_in_one_role(nvidia):
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_create(
            fields=deal_fields(),
            parts=DealParts(parties=[PartySpec(company=nvidia, role=PartyRole.SUPPLIER)] * 2),
        )

    assert "listed twice" in " ".join(caught.value.message_dict["parties"])
    assert written() == before


def test_deal_create_writes_nothing_when_a_meeting_is_linked_twice(nvidia, samsung):
    dinner = factories.MeetingFactory(title_ko="치맥 회동")
    before = written()

    with pytest.raises(ValidationError):
        services.deal_create(
            fields=deal_fields(),
            parts=DealParts(
                parties=[
                    PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                    PartySpec(company=samsung, role=PartyRole.BUYER),
                ],
                events=events((OCT[31], DealStatus.ANNOUNCED)),
                meetings=[MeetingLinkSpec(meeting=dinner), MeetingLinkSpec(meeting=dinner)],
            ),
        )

    assert written() == before


def test_deal_create_writes_nothing_when_the_deal_itself_is_invalid(nvidia, samsung):
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_create(
            fields=deal_fields(
                amount=Decimal("5000000000"), currency="USD", disclosure=Disclosure.UNDISCLOSED
            ),
            parts=DealParts(parties=[PartySpec(company=nvidia, role=PartyRole.SUPPLIER)]),
        )

    assert "amount" in caught.value.message_dict
    assert written() == before


# --- Status from the timeline ----------------------------------------------------------------


def test_status_is_the_latest_events_whatever_the_entry_order(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[
            (NOV[5], DealStatus.SIGNED),
            (OCT[31], DealStatus.ANNOUNCED),
            (OCT[20], DealStatus.REPORTED),
        ],
    )

    deal.refresh_from_db()
    assert (deal.status, deal.status_on) == (DealStatus.SIGNED, NOV[5])


@pytest.mark.parametrize(
    ("first", "second"),
    [(DealStatus.ANNOUNCED, DealStatus.SIGNED), (DealStatus.SIGNED, DealStatus.ANNOUNCED)],
)
def test_same_day_events_take_the_one_entered_last(nvidia, samsung, first, second):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], first), (OCT[31], second)])

    deal.refresh_from_db()
    assert deal.status == second


def test_deal_without_events_has_no_status(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung)

    deal.refresh_from_db()
    assert (deal.status, deal.status_on, deal.announced_on) == ("", None, None)


def test_recording_an_older_event_keeps_the_status(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    services.deal_record_event(
        deal=deal, date=OCT[20], status=DealStatus.REPORTED, note_ko="언론 보도"
    )

    deal.refresh_from_db()
    assert (deal.status, deal.status_on) == (DealStatus.ANNOUNCED, OCT[31])
    assert deal.events.count() == 2


def test_recording_a_newer_event_moves_the_status(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    services.deal_record_event(deal=deal, date=NOV[5], status=DealStatus.CANCELLED)

    deal.refresh_from_db()
    assert (deal.status, deal.status_on) == (DealStatus.CANCELLED, NOV[5])


def test_recording_an_event_on_the_latest_day_moves_the_status(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    services.deal_record_event(deal=deal, date=OCT[31], status=DealStatus.SIGNED)

    deal.refresh_from_db()
    assert deal.status == DealStatus.SIGNED


def test_recording_an_event_with_an_unknown_status_writes_nothing(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])
    before = written()

    with pytest.raises(ValidationError):
        services.deal_record_event(deal=deal, date=NOV[5], status="delivered")

    assert written() == before
    deal.refresh_from_db()
    assert deal.status == DealStatus.ANNOUNCED


# --- Announcement date -----------------------------------------------------------------------


def test_announced_on_is_the_first_announcement(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[
            (OCT[20], DealStatus.REPORTED),
            (NOV[2], DealStatus.ANNOUNCED),
            (OCT[31], DealStatus.ANNOUNCED),
            (NOV[5], DealStatus.SIGNED),
        ],
    )

    deal.refresh_from_db()
    assert deal.announced_on == OCT[31]


def test_announced_on_is_the_first_signing_when_never_announced(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[
            (OCT[1], DealStatus.RUMORED),
            (NOV[20], DealStatus.COMPLETED),
            (NOV[5], DealStatus.SIGNED),
        ],
    )

    deal.refresh_from_db()
    assert deal.announced_on == NOV[5]


def test_announced_on_is_empty_for_a_rumour(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[1], DealStatus.RUMORED), (OCT[20], DealStatus.REPORTED)],
    )

    deal.refresh_from_db()
    assert deal.announced_on is None


def test_recording_an_earlier_announcement_moves_announced_on(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    services.deal_record_event(deal=deal, date=OCT[29], status=DealStatus.ANNOUNCED)

    deal.refresh_from_db()
    assert (deal.announced_on, deal.status_on) == (OCT[29], OCT[31])


# --- USD equivalent --------------------------------------------------------------------------

SEVEN_TRILLION_WON = Decimal("7000000000000.00")


def krw_rate(day: dt.date, rate: str):
    return factories.ExchangeRateFactory(currency="KRW", date=day, rate=Decimal(rate))


def disclosed(amount=SEVEN_TRILLION_WON, currency="KRW", disclosure=Disclosure.DISCLOSED):
    return {"amount": amount, "currency": currency, "disclosure": disclosure}


def test_usd_uses_the_latest_rate_on_or_before_the_announcement(nvidia, samsung):
    krw_rate(OCT[1], "1400")
    used = krw_rate(OCT[29], "1431.7")
    krw_rate(NOV[3], "1450")

    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED), (NOV[5], DealStatus.SIGNED)],
        **disclosed(),
    )

    deal.refresh_from_db()
    assert deal.usd_amount == (SEVEN_TRILLION_WON / Decimal("1431.7")).quantize(Decimal("0.01"))
    assert deal.usd_rate == used


def test_usd_uses_a_rate_of_the_announcement_day_itself(nvidia, samsung):
    krw_rate(OCT[29], "1431.7")
    same_day = krw_rate(OCT[31], "1426")

    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        **disclosed(disclosure=Disclosure.ESTIMATED),
    )

    deal.refresh_from_db()
    assert deal.usd_rate == same_day
    assert deal.usd_amount == Decimal("4908835904.63")


def test_usd_is_empty_when_no_rate_is_on_or_before_the_announcement(nvidia, samsung):
    krw_rate(NOV[3], "1450")

    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (None, None)


def test_usd_is_empty_when_the_currency_has_no_rate_at_all(nvidia, samsung):
    krw_rate(OCT[29], "1431.7")

    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        **disclosed(amount=Decimal("150000000000"), currency="JPY"),
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (None, None)


def test_usd_of_a_dollar_amount_is_the_amount(nvidia, samsung):
    krw_rate(OCT[29], "1431.7")

    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        **disclosed(amount=Decimal("5000000000.00"), currency="USD"),
    )

    deal.refresh_from_db()
    assert deal.usd_amount == Decimal("5000000000.00")
    assert deal.usd_rate is None


def test_usd_of_an_undisclosed_value_is_empty(nvidia, samsung):
    krw_rate(OCT[29], "1431.7")

    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        amount=None,
        currency="KRW",
        disclosure=Disclosure.UNDISCLOSED,
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (None, None)


def test_usd_follows_an_earlier_announcement(nvidia, samsung):
    early = krw_rate(OCT[1], "1400")
    krw_rate(OCT[29], "1431.7")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    services.deal_record_event(deal=deal, date=OCT[15], status=DealStatus.ANNOUNCED)

    deal.refresh_from_db()
    assert deal.usd_rate == early
    assert deal.usd_amount == Decimal("5000000000.00")


def test_usd_follows_a_changed_amount(nvidia, samsung):
    krw_rate(OCT[29], "1400")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    services.deal_update(deal=deal, fields={"amount": Decimal("1400000000000")})

    deal.refresh_from_db()
    assert deal.usd_amount == Decimal("1000000000.00")


# --- Publishing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "product", "missing"),
    [
        (DealKind.SUPPLY_CONTRACT, "Blackwell GPUs", "buyer"),
        (DealKind.PURCHASE_ORDER, "Blackwell GPUs", "buyer"),
        (DealKind.MOU, "HBM4", "buyer"),
        (DealKind.LETTER_OF_INTENT, "HBM4", "buyer"),
    ],
)
def test_supply_deal_without_a_buyer_cannot_be_published(nvidia, source, kind, product, missing):
    deal = create(
        supplier=nvidia,
        kind=kind,
        product=product,
        product_ko="",
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
    )
    before = written()

    with pytest.raises(ValidationError) as caught:
        record_publish(record=deal)

    assert missing in " ".join(caught.value.message_dict["publication"])
    assert written() == before
    assert Deal.objects.get(pk=deal.pk).publication == Publication.DRAFT


@pytest.mark.parametrize("kind", [DealKind.SUPPLY_CONTRACT, DealKind.PURCHASE_ORDER])
def test_supply_deal_without_a_supplier_cannot_be_published(samsung, source, kind):
    deal = create(buyer=samsung, kind=kind, steps=[(OCT[31], DealStatus.ANNOUNCED)], source=source)

    with pytest.raises(ValidationError) as caught:
        record_publish(record=deal)

    messages = " ".join(caught.value.message_dict["publication"])
    assert "supplier" in messages
    assert "buyer" not in messages
    assert Deal.objects.get(pk=deal.pk).publication == Publication.DRAFT


def test_supply_deal_without_any_party_names_both_missing_roles(source):
    deal = create(steps=[(OCT[31], DealStatus.ANNOUNCED)], source=source)

    with pytest.raises(ValidationError) as caught:
        record_publish(record=deal)

    messages = " ".join(caught.value.message_dict["publication"])
    assert "supplier" in messages
    assert "buyer" in messages


def test_mou_naming_a_product_only_in_korean_needs_a_buyer(hyundai, nvidia, source):
    deal = create(
        supplier=nvidia,
        kind=DealKind.MOU,
        product="",
        product_ko="블랙웰 GPU",
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
    )

    with pytest.raises(ValidationError):
        record_publish(record=deal)


def test_mou_without_a_product_can_be_published_without_a_buyer(nvidia, source):
    deal = create(
        supplier=nvidia,
        kind=DealKind.MOU,
        product="",
        product_ko="",
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
    )

    record_publish(record=deal)

    assert Deal.objects.get(pk=deal.pk).publication == Publication.PUBLISHED


def test_partnership_can_be_published_without_a_buyer(hyundai, nvidia, source):
    deal = services.deal_create(
        fields=deal_fields(kind=DealKind.PARTNERSHIP, title_ko="현대차그룹-엔비디아 협력"),
        parts=DealParts(
            parties=[
                PartySpec(company=nvidia, role=PartyRole.PARTNER),
                PartySpec(company=hyundai, role=PartyRole.PARTNER),
            ],
            events=events((OCT[31], DealStatus.ANNOUNCED), source=source),
            sources=[source],
        ),
    )

    record_publish(record=deal)

    deal.refresh_from_db()
    assert deal.publication == Publication.PUBLISHED
    assert deal.published_at is not None


def test_deal_created_published_without_a_buyer_writes_nothing(nvidia, source):
    before = written()

    with pytest.raises(ValidationError) as caught:
        create(
            supplier=nvidia,
            publication=Publication.PUBLISHED,
            steps=[(OCT[31], DealStatus.ANNOUNCED)],
            source=source,
        )

    assert "buyer" in " ".join(caught.value.message_dict["publication"])
    assert written() == before


def test_deal_created_published_with_supplier_and_buyer_is_published(nvidia, samsung, source):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        publication=Publication.PUBLISHED,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
    )

    deal.refresh_from_db()
    assert deal.publication == Publication.PUBLISHED
    assert deal.published_at is not None
    assert Deal.objects.published().filter(pk=deal.pk).exists()


# --- Updating --------------------------------------------------------------------------------


def test_deal_update_publishes_only_through_the_workflow(nvidia, samsung, source):
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], source=source
    )
    writer = get_user_model().objects.create_user("writer")  # no publish permission
    title_ko = deal.title_ko
    before = written()

    with pytest.raises(PermissionDenied):
        services.deal_update(
            deal=deal,
            by=writer,
            fields={"title_ko": "몰래 공개", "publication": Publication.PUBLISHED},
        )

    assert written() == before
    deal.refresh_from_db()
    assert (deal.publication, deal.title_ko) == (Publication.DRAFT, title_ko)


def test_deal_update_cannot_unpublish_by_setting_the_field(nvidia, samsung, source):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
        publication=Publication.PUBLISHED,
    )
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_update(deal=deal, fields={"publication": Publication.DRAFT})

    assert "workflow" in " ".join(caught.value.message_dict["publication"])
    assert written() == before


def test_deal_update_to_published_runs_the_publish_checks(nvidia, source):
    deal = create(supplier=nvidia, steps=[(OCT[31], DealStatus.ANNOUNCED)], source=source)

    with pytest.raises(ValidationError) as caught:
        services.deal_update(deal=deal, fields={"publication": Publication.PUBLISHED})

    assert "buyer" in " ".join(caught.value.message_dict["publication"])
    deal.refresh_from_db()
    assert deal.publication == Publication.DRAFT


def test_deal_update_replaces_the_parties(nvidia, samsung, hyundai):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    services.deal_update(
        deal=deal,
        fields={"title_ko": "현대차그룹 GPU 5만 장"},
        parts=DealParts(
            parties=[
                PartySpec(company=nvidia, role=PartyRole.SUPPLIER),
                PartySpec(company=hyundai, role=PartyRole.BUYER),
            ]
        ),
    )

    assert {(p.company_id, p.role) for p in DealParty.objects.filter(deal=deal)} == {
        (nvidia.pk, PartyRole.SUPPLIER),
        (hyundai.pk, PartyRole.BUYER),
    }
    assert deal.events.count() == 1


def test_failed_deal_update_leaves_the_old_parties_and_fields(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        title_ko="원래 제목",
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
    )
    old_parties = set(DealParty.objects.filter(deal=deal).values_list("id", "company", "role"))
    before = written()

    with pytest.raises(ValidationError):
        services.deal_update(
            deal=deal,
            fields={"title_ko": "바뀐 제목"},
            parts=DealParts(
                parties=[
                    PartySpec(company=samsung, role=PartyRole.SUPPLIER),
                    PartySpec(company=samsung, role=PartyRole.BUYER),
                ]
            ),
        )

    assert set(DealParty.objects.filter(deal=deal).values_list("id", "company", "role")) == (
        old_parties
    )
    assert Deal.objects.get(pk=deal.pk).title_ko == "원래 제목"
    assert written() == before


def test_update_that_leaves_a_published_supply_deal_without_buyer_writes_nothing(
    nvidia, samsung, source
):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        publication=Publication.PUBLISHED,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        source=source,
    )
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.deal_update(
            deal=deal,
            fields={},
            parts=DealParts(parties=[PartySpec(company=nvidia, role=PartyRole.SUPPLIER)]),
        )

    assert "buyer" in " ".join(caught.value.message_dict["publication"])
    assert written() == before
    assert DealParty.objects.filter(deal=deal, role=PartyRole.BUYER, company=samsung).exists()


def test_failed_event_replacement_leaves_the_old_timeline(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])

    with pytest.raises(ValidationError):
        services.deal_update(
            deal=deal,
            fields={},
            parts=DealParts(events=events((NOV[5], DealStatus.SIGNED), (NOV[6], "끝"))),
        )

    deal.refresh_from_db()
    assert list(deal.events.values_list("date", "status")) == [(OCT[31], DealStatus.ANNOUNCED)]
    assert deal.status == DealStatus.ANNOUNCED


# --- History ---------------------------------------------------------------------------------


def test_deal_create_records_history(nvidia, samsung):
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        title_ko="역사 기록",
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
    )

    assert deal.history.count() >= 1
    assert deal.history.first().title_ko == "역사 기록"
    assert deal.history.first().status == DealStatus.ANNOUNCED
    assert DealParty.history.filter(deal_id=deal.pk).count() == 2
    assert DealEvent.history.filter(deal_id=deal.pk).count() == 1


def test_deal_update_records_history(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])
    count = deal.history.count()

    services.deal_update(deal=deal, fields={"title_ko": "제목 수정"})

    assert deal.history.count() > count
    assert deal.history.first().title_ko == "제목 수정"


def test_deal_record_event_records_history_of_the_status(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])
    count = deal.history.count()

    version = deal.version

    services.deal_record_event(deal=deal, date=NOV[5], status=DealStatus.SIGNED)

    assert deal.history.count() > count
    latest = deal.history.first()
    assert latest.status == DealStatus.SIGNED
    # A new step is a new version, even when it changes nothing derived.
    assert latest.version == version + 1
    services.deal_record_event(deal=deal, date=OCT[2], status=DealStatus.REPORTED)
    assert deal.history.first().version == version + 2
    assert deal.history.first().status == DealStatus.SIGNED


def test_deal_record_event_refuses_a_stale_version(nvidia, samsung):
    deal = create(supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)])
    before = written()

    with pytest.raises(EditConflict):
        services.deal_record_event(
            deal=deal, date=NOV[5], status=DealStatus.SIGNED, expected_version=deal.version - 1
        )

    assert written() == before


# --- Exchange rates kept by editors ----------------------------------------------------------


def test_corrected_rate_recomputes_the_deals_that_used_it(nvidia, samsung):
    rate = krw_rate(OCT[29], "1431.7")
    deal = create(
        supplier=nvidia,
        buyer=samsung,
        steps=[(OCT[31], DealStatus.ANNOUNCED)],
        **disclosed(amount=Decimal("1400000000000")),
    )

    rate.rate = Decimal("1400")
    services.exchange_rate_save(rate=rate)

    deal.refresh_from_db()
    assert deal.usd_amount == Decimal("1000000000.00")
    assert deal.usd_rate == rate


def test_new_rate_fills_in_the_deals_that_had_none(nvidia, samsung):
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    rate = services.exchange_rate_save(
        rate=factories.ExchangeRateFactory.build(currency="KRW", date=OCT[29], rate=1400)
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (Decimal("5000000000.00"), rate)


def test_new_rate_closer_to_the_announcement_replaces_an_older_one(nvidia, samsung):
    krw_rate(OCT[1], "1400")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    closer = services.exchange_rate_save(
        rate=factories.ExchangeRateFactory.build(currency="KRW", date=OCT[30], rate=1250)
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (Decimal("5600000000.00"), closer)


def test_new_rate_after_the_announcement_or_in_another_currency_changes_nothing(nvidia, samsung):
    used = krw_rate(OCT[1], "1400")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    services.exchange_rate_save(
        rate=factories.ExchangeRateFactory.build(currency="KRW", date=NOV[3], rate=1450)
    )
    services.exchange_rate_save(
        rate=factories.ExchangeRateFactory.build(currency="JPY", date=OCT[30], rate=152)
    )

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (Decimal("5000000000.00"), used)


def test_rate_moved_to_another_currency_leaves_no_stale_figure(nvidia, samsung):
    rate = krw_rate(OCT[29], "1400")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    rate.currency = "JPY"
    services.exchange_rate_save(rate=rate)

    deal.refresh_from_db()
    assert (deal.usd_amount, deal.usd_rate) == (None, None)


def test_rate_save_recomputes_project_budgets():
    project = factories.ProjectFactory(
        name_ko="울산 AI 데이터센터",
        amount=Decimal("7000000000000"),
        currency="KRW",
        disclosure=Disclosure.ESTIMATED,
        start_date=NOV[1],
    )

    rate = services.exchange_rate_save(
        rate=factories.ExchangeRateFactory.build(currency="KRW", date=OCT[29], rate=1400)
    )

    project.refresh_from_db()
    assert (project.usd_amount, project.usd_rate) == (Decimal("5000000000.00"), rate)


def test_invalid_rate_writes_nothing(nvidia, samsung):
    rate = krw_rate(OCT[29], "1400")
    deal = create(
        supplier=nvidia, buyer=samsung, steps=[(OCT[31], DealStatus.ANNOUNCED)], **disclosed()
    )

    rate.rate = Decimal("0")
    with pytest.raises(ValidationError):
        services.exchange_rate_save(rate=rate)

    rate.refresh_from_db()
    deal.refresh_from_db()
    assert rate.rate == Decimal("1400")
    assert deal.usd_amount == Decimal("5000000000.00")
