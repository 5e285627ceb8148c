"""The demo story and its loader: complete, sourced, bilingual, and safe to load again."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from deals import services, story
from deals.models import (
    Attendance,
    AttendanceStatus,
    Company,
    Deal,
    DealEvent,
    DealStatus,
    Disclosure,
    ExchangeRate,
    Meeting,
    Person,
    Project,
    Publication,
    Qualifier,
    QuantityUnit,
    Source,
)
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

STORY_MODELS = (Source, Company, Person, ExchangeRate, Meeting, Attendance, Project, Deal)
BLACKWELL_DEALS = [
    "nvidia-msit-blackwell-2025",
    "nvidia-samsung-blackwell-2025",
    "nvidia-sk-blackwell-2025",
    "nvidia-hyundai-blackwell-2025",
    "nvidia-naver-cloud-blackwell-2025",
]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_story", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table of the deals app, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("deals").get_models()
    }


@pytest.fixture
def loaded(db):
    load()


def test_story_loads_every_record_in_the_facts_sheet(loaded):
    assert Source.objects.count() == 30
    assert Deal.objects.count() == 8
    assert Project.objects.count() == 6
    assert Meeting.objects.count() == 8
    assert ExchangeRate.objects.count() == 3
    assert Person.objects.count() == 10
    assert Company.objects.filter(slug__in=["sk-broadband", "nhn-cloud", "kakao"]).count() == 3


def test_loading_twice_duplicates_and_changes_nothing(loaded):
    before = row_counts()
    stamps = {
        m: sorted(m.objects.values_list("updated_at", flat=True))
        for m in (Source, Company, Meeting, Project, Deal)
    }

    output = load()

    assert row_counts() == before  # history tables too: nothing was saved again
    for model, updated in stamps.items():
        assert sorted(model.objects.values_list("updated_at", flat=True)) == updated
    assert "0 records written" in output


def test_blackwell_deals_add_up_to_260000_gpus(loaded):
    deals = Deal.objects.filter(slug__in=BLACKWELL_DEALS)
    assert {d.quantity_unit for d in deals} == {QuantityUnit.GPUS}
    assert sum(d.quantity for d in deals) == 260_000
    qualifiers = {d.slug: d.quantity_qualifier for d in deals}
    assert qualifiers == {
        "nvidia-msit-blackwell-2025": Qualifier.UP_TO,
        "nvidia-samsung-blackwell-2025": Qualifier.MORE_THAN,
        "nvidia-sk-blackwell-2025": Qualifier.MORE_THAN,
        "nvidia-hyundai-blackwell-2025": Qualifier.EXACT,
        "nvidia-naver-cloud-blackwell-2025": Qualifier.ABOUT,
    }


def test_undisclosed_values_have_no_amount_not_zero(loaded):
    undisclosed = Deal.objects.filter(disclosure=Disclosure.UNDISCLOSED)
    assert undisclosed.count() == 7
    assert all(d.amount is None and d.usd_amount is None for d in undisclosed)
    assert not Deal.objects.filter(amount=0).exists()
    assert not Project.objects.filter(amount=0).exists()


def test_hyundai_deal_is_about_three_billion_dollars_at_the_day_rate(loaded):
    deal = Deal.objects.get(slug="nvidia-hyundai-blackwell-2025")
    assert deal.disclosure == Disclosure.DISCLOSED
    assert deal.amount_qualifier == Qualifier.ABOUT
    assert deal.currency == "USD"
    assert deal.usd_amount == Decimal("3000000000")
    assert "joint investment" in deal.amount_note.lower()
    rate = services.exchange_rate_on(currency="KRW", on=deal.announced_on)
    assert rate.rate == Decimal("1426")
    assert rate.source.slug == "zdnet-korea-2025-10-31-hyundai-nvidia-msit-mou"
    # USD 3 billion at 1,426 is the reported KRW 4.28 trillion.
    assert (deal.amount * rate.rate / Decimal("1e12")).quantize(Decimal("0.01")) == Decimal("4.28")


def test_exchange_rates_match_the_reports(loaded):
    rates = {str(r.date): r for r in ExchangeRate.objects.all()}
    assert rates["2025-10-29"].rate == Decimal("1431.7")
    assert rates["2025-10-30"].rate == Decimal("1423")
    assert "mid value" in rates["2025-10-30"].note.lower()
    assert "implied" in rates["2025-10-31"].note.lower()
    assert all(r.source_id for r in rates.values())


def test_blackwell_deals_moved_from_reported_to_announced(loaded):
    for deal in Deal.objects.filter(slug__in=BLACKWELL_DEALS):
        events = list(deal.events.order_by("date", "id"))
        assert (str(events[0].date), events[0].status) == ("2025-10-29", DealStatus.REPORTED)
        assert (str(events[-1].date), events[-1].status) == ("2025-10-31", DealStatus.ANNOUNCED)
        assert deal.status == DealStatus.ANNOUNCED
        assert str(deal.announced_on) == "2025-10-31"
    naver = Deal.objects.get(slug="nvidia-naver-cloud-blackwell-2025")
    assert naver.events.filter(status=DealStatus.SIGNED, date="2025-10-30").exists()


def test_chey_tae_won_was_expected_at_the_dinner_but_absent(loaded):
    attendance = Attendance.objects.get(
        meeting__slug="chimaek-dinner-2025-10-30", person__slug="chey-tae-won"
    )
    assert attendance.status == AttendanceStatus.ABSENT
    assert attendance.source.slug == "heraldcorp-2025-10-29-nvidia-korea-chip-deals"
    dinner = attendance.meeting
    assert dinner.parent is None
    assert dinner.time_known
    assert dinner.starts_at.astimezone(dinner.local_tz).strftime("%Y-%m-%d %H:%M") == (
        "2025-10-30 19:30"
    )
    assert "깐부치킨 삼성점" in dinner.venue_ko


def test_ces_meeting_keeps_las_vegas_time_and_an_unknown_hour(loaded):
    ces = Meeting.objects.get(slug="hyundai-nvidia-ces-2025-partnership")
    assert ces.timezone == "America/Los_Angeles"
    assert not ces.time_known
    assert ces.starts_at.astimezone(ces.local_tz).date().isoformat() == "2025-01-09"


def test_ulsan_budget_is_seven_trillion_won(loaded):
    ulsan = Project.objects.get(slug="sk-aws-ulsan-ai-data-center")
    assert (ulsan.amount, ulsan.currency) == (Decimal("7000000000000"), "KRW")
    assert ulsan.capacity_mw_target == Decimal("103")


def test_sources_without_a_web_address_are_blank_not_invented(loaded):
    no_url = {s["key"] for s in story.SOURCES if not s["url"]}
    assert {"S16", "S17", "S19"} <= no_url
    assert Source.objects.filter(url="").count() == len(no_url)


def test_every_record_rests_on_a_source(loaded):
    for model in (Deal, Meeting, Project, Company):
        assert not model.objects.filter(sources__isnull=True).exists(), model
    assert not DealEvent.objects.filter(source__isnull=True).exists()
    assert not Attendance.objects.filter(source__isnull=True).exists()
    assert not ExchangeRate.objects.filter(source__isnull=True).exists()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Company, ("name", "name_ko", "description", "description_ko")),
        (Person, ("name", "name_ko", "title", "title_ko")),
        (Source, ("title", "title_ko", "publisher", "publisher_ko")),
        (Meeting, ("title", "title_ko", "summary", "summary_ko", "city", "city_ko")),
        (Project, ("name", "name_ko", "summary", "summary_ko")),
        (Deal, ("title", "title_ko", "summary", "summary_ko", "product", "product_ko")),
        (ExchangeRate, ("note", "note_ko")),
    ],
)
def test_every_record_has_english_and_korean(loaded, model, fields):
    for record in model.objects.all():
        for field in fields:
            assert getattr(record, field).strip(), f"{record.slug} lacks {field}"


def test_every_record_is_published(loaded):
    for model in (Source, Company, Person, ExchangeRate, Meeting, Project, Deal):
        assert model.objects.exclude(publication=Publication.PUBLISHED).count() == 0, model
        assert not model.objects.filter(published_at__isnull=True).exists(), model


def test_if_empty_skips_when_a_deal_exists(loaded):
    Company.objects.filter(slug="kakao").update(name_ko="바뀐 이름")

    output = load("--if-empty")

    assert "not loaded" in output
    assert Company.objects.get(slug="kakao").name_ko == "바뀐 이름"


def test_if_empty_loads_into_an_empty_database(db):
    load("--if-empty")
    assert Deal.objects.count() == len(story.DEALS)


def test_partly_loaded_database_is_completed(loaded):
    before = row_counts()
    Deal.objects.get(slug="nvidia-sk-blackwell-2025").delete()
    Attendance.objects.filter(meeting__slug="chimaek-dinner-2025-10-30").delete()
    Company.objects.filter(slug="kakao").update(name_ko="")

    load()

    sk = Deal.objects.get(slug="nvidia-sk-blackwell-2025")
    assert sk.status == DealStatus.ANNOUNCED
    assert sk.parties.count() == 2
    assert sk.events.count() == 2
    assert Attendance.objects.filter(meeting__slug="chimaek-dinner-2025-10-30").count() == 4
    assert Company.objects.get(slug="kakao").name_ko == "카카오"
    for model in STORY_MODELS:
        assert model.objects.count() == before[model._meta.label], model


def test_a_changed_deal_is_put_back_through_services(loaded):
    deal = Deal.objects.get(slug="nvidia-naver-cloud-blackwell-2025")
    deal.events.filter(status=DealStatus.ANNOUNCED).delete()
    services.deal_refresh_derived(deal=deal)
    assert deal.status == DealStatus.SIGNED

    output = load()

    deal.refresh_from_db()
    assert deal.status == DealStatus.ANNOUNCED
    assert deal.events.count() == 3
    assert "deals: 0 created, 1 updated, 7 unchanged" in output


def test_a_source_entered_by_an_editor_is_completed_not_duplicated(db):
    s1 = next(s for s in story.SOURCES if s["key"] == "S1")
    editor_copy = SourceFactory(slug="editors-joongang-copy", url=s1["url"], title_ko="")

    load()

    editor_copy.refresh_from_db()
    assert Source.objects.filter(url=s1["url"]).count() == 1
    assert editor_copy.title_ko == s1["title_ko"]
    assert Deal.objects.get(slug="nvidia-sk-blackwell-2025").sources.filter(pk=editor_copy.pk)
