"""factory_boy factories for every model. Defaults are drafts; use `published()` helpers or
pass `publication="published"` where a test needs a public record."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from deals import models


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    publication = models.Publication.DRAFT
    published_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.publication == models.Publication.PUBLISHED),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )


class SourceFactory(RecordFactory):
    class Meta:
        model = models.Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    url = factory.Sequence(lambda n: f"https://news.example.kr/articles/{n}")
    title = factory.Sequence(lambda n: f"Report number {n}")
    title_ko = factory.Sequence(lambda n: f"보도 {n}호")
    publisher = "Example Daily"
    publisher_ko = "예시일보"
    published_on = dt.date(2025, 10, 31)
    language = "ko"


class CompanyFactory(RecordFactory):
    class Meta:
        model = models.Company

    slug = factory.Sequence(lambda n: f"company-{n}")
    name = factory.Sequence(lambda n: f"Company {n}")
    name_ko = factory.Sequence(lambda n: f"회사 {n}")
    kind = models.CompanyKind.OTHER
    country = "KR"


class PersonFactory(RecordFactory):
    class Meta:
        model = models.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    name_ko = factory.Sequence(lambda n: f"사람 {n}")
    title = "Chief executive"
    title_ko = "최고경영자"
    company = factory.SubFactory(CompanyFactory)


class ExchangeRateFactory(RecordFactory):
    class Meta:
        model = models.ExchangeRate

    slug = factory.Sequence(lambda n: f"rate-{n}")
    currency = "KRW"
    date = factory.Sequence(lambda n: dt.date(2025, 10, 31) - dt.timedelta(days=n))
    rate = Decimal("1426.000000")


class MeetingFactory(RecordFactory):
    class Meta:
        model = models.Meeting

    slug = factory.Sequence(lambda n: f"meeting-{n}")
    title = factory.Sequence(lambda n: f"Meeting {n}")
    title_ko = factory.Sequence(lambda n: f"회동 {n}")
    kind = models.MeetingKind.DINNER
    starts_at = factory.LazyFunction(lambda: dt.datetime(2025, 10, 30, 10, 30, tzinfo=dt.UTC))
    city = "Seoul"
    city_ko = "서울"
    country = "KR"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = models.AttendanceStatus.ATTENDED


class ProjectFactory(RecordFactory):
    class Meta:
        model = models.Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    name_ko = factory.Sequence(lambda n: f"프로젝트 {n}")
    kind = models.ProjectKind.AI_DATA_CENTER
    status = models.ProjectStatus.ANNOUNCED
    country = "KR"


class ProjectPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProjectParty

    project = factory.SubFactory(ProjectFactory)
    company = factory.SubFactory(CompanyFactory)
    role = models.ProjectRole.LEAD


class DealFactory(RecordFactory):
    """A bare deal row. Use `make_deal()` for one with parties and events through services."""

    class Meta:
        model = models.Deal

    slug = factory.Sequence(lambda n: f"deal-{n}")
    title = factory.Sequence(lambda n: f"Deal {n}")
    title_ko = factory.Sequence(lambda n: f"거래 {n}")
    kind = models.DealKind.SUPPLY_CONTRACT
    product = "Blackwell GPUs"
    product_ko = "블랙웰 GPU"
    product_category = models.ProductCategory.GPU
    quantity = Decimal("50000")
    quantity_unit = models.QuantityUnit.GPUS
    quantity_qualifier = models.Qualifier.UP_TO
    disclosure = models.Disclosure.UNDISCLOSED


class DealPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DealParty

    deal = factory.SubFactory(DealFactory)
    company = factory.SubFactory(CompanyFactory)
    role = models.PartyRole.SUPPLIER


class DealEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DealEvent

    deal = factory.SubFactory(DealFactory)
    date = dt.date(2025, 10, 31)
    status = models.DealStatus.ANNOUNCED
    source = factory.SubFactory(SourceFactory)


_made_deals = itertools.count(1)


def make_deal(
    *,
    supplier=None,
    buyer=None,
    publication=models.Publication.PUBLISHED,
    events=((dt.date(2025, 10, 31), models.DealStatus.ANNOUNCED),),
    **fields,
):
    """A deal with a supplier, a buyer, sourced events and a source, made through services."""
    from deals import services

    supplier = supplier or CompanyFactory(publication=models.Publication.PUBLISHED)
    buyer = buyer or CompanyFactory(publication=models.Publication.PUBLISHED)
    source = SourceFactory(publication=models.Publication.PUBLISHED)
    defaults = factory.build(dict, FACTORY_CLASS=DealFactory)
    defaults["slug"] = f"made-deal-{next(_made_deals)}"
    defaults.update(fields)
    defaults["publication"] = publication
    defaults.pop("published_at", None)
    return services.deal_create(
        fields=defaults,
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=supplier, role=models.PartyRole.SUPPLIER),
                services.PartySpec(company=buyer, role=models.PartyRole.BUYER),
            ],
            events=[services.EventSpec(date=d, status=s, source=source) for d, s in events],
            sources=[source],
        ),
    )
