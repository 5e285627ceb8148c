"""Records for the public pages: a small published story, with drafts beside it that must
never show."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from deals import models, services
from tests import factories

PUBLISHED = models.Publication.PUBLISHED
DRAFT = models.Publication.DRAFT


@dataclass
class Story:
    nvidia: models.Company
    samsung: models.Company
    hynix: models.Company
    draft_company: models.Company
    deal: models.Deal
    hbm_deal: models.Deal
    draft_deal: models.Deal
    meeting: models.Meeting
    draft_meeting: models.Meeting
    project: models.Project
    draft_project: models.Project
    person: models.Person
    draft_person: models.Person
    source: models.Source
    draft_source: models.Source


@pytest.fixture
def story(db):
    """Nvidia supplies Samsung with Blackwell GPUs (announced, then signed); SK hynix supplies
    Nvidia with HBM at a disclosed value; and a draft of every kind that must stay hidden."""
    company = factories.CompanyFactory
    nvidia = company(
        slug="nvidia",
        name="NVIDIA",
        name_ko="엔비디아",
        kind=models.CompanyKind.CHIP_DESIGNER,
        country="US",
        publication=PUBLISHED,
    )
    samsung = company(
        slug="samsung-electronics",
        name="Samsung Electronics",
        name_ko="삼성전자",
        kind=models.CompanyKind.MEMORY_MAKER,
        publication=PUBLISHED,
    )
    hynix = company(
        slug="sk-hynix",
        name="SK hynix",
        name_ko="SK하이닉스",
        kind=models.CompanyKind.MEMORY_MAKER,
        publication=PUBLISHED,
    )
    draft_company = company(
        slug="secret-buyer", name="Secret Buyer Corp", name_ko="비밀구매사", publication=DRAFT
    )
    project = factories.ProjectFactory(
        slug="samsung-ai-megafactory",
        name="Samsung AI Megafactory",
        name_ko="삼성 AI 메가팩토리",
        publication=PUBLISHED,
        gpu_count=50000,
        gpu_count_qualifier=models.Qualifier.MORE_THAN,
    )
    draft_project = factories.ProjectFactory(
        slug="hidden-project", name="Hidden Project", name_ko="숨은 프로젝트", publication=DRAFT
    )
    deal = factories.make_deal(
        supplier=nvidia,
        buyer=samsung,
        slug="nvidia-samsung-blackwell",
        title="Nvidia to supply 50,000 GPUs to Samsung",
        title_ko="엔비디아, 삼성전자에 GPU 5만 장 공급",
        quantity=Decimal("50000"),
        quantity_qualifier=models.Qualifier.UP_TO,
        product_category=models.ProductCategory.GPU,
        project=project,
        events=(
            (dt.date(2025, 10, 29), models.DealStatus.REPORTED),
            (dt.date(2025, 10, 31), models.DealStatus.ANNOUNCED),
        ),
    )
    factories.ExchangeRateFactory(
        currency="KRW", date=dt.date(2025, 9, 1), rate=Decimal("1400"), publication=PUBLISHED
    )
    hbm_deal = factories.make_deal(
        supplier=hynix,
        buyer=nvidia,
        slug="hynix-nvidia-hbm",
        title="SK hynix supplies HBM to Nvidia",
        title_ko="SK하이닉스, 엔비디아에 HBM 공급",
        product="HBM3E",
        product_ko="HBM3E",
        product_category=models.ProductCategory.HBM,
        quantity=None,
        quantity_unit="",
        disclosure=models.Disclosure.DISCLOSED,
        amount=Decimal("3000000000"),
        currency="USD",
        amount_qualifier=models.Qualifier.ABOUT,
        events=((dt.date(2025, 9, 22), models.DealStatus.SIGNED),),
    )
    draft_deal = factories.make_deal(
        supplier=nvidia,
        buyer=draft_company,
        slug="secret-deal",
        publication=DRAFT,
        title="Secret GPU deal",
        title_ko="비밀 GPU 거래",
        quantity=Decimal("999999"),
        product_category=models.ProductCategory.GPU,
    )
    meeting = factories.MeetingFactory(
        slug="chimaek-dinner",
        title="The chimaek dinner",
        title_ko="치맥 회동",
        publication=PUBLISHED,
        venue="Kkanbu Chicken",
        venue_ko="깐부치킨",
    )
    draft_meeting = factories.MeetingFactory(
        slug="secret-dinner", title="Secret dinner", title_ko="비밀 만찬", publication=DRAFT
    )
    person = factories.PersonFactory(
        slug="jensen-huang",
        name="Jensen Huang",
        name_ko="젠슨 황",
        company=nvidia,
        title="Chief executive",
        title_ko="최고경영자",
        publication=PUBLISHED,
    )
    draft_person = factories.PersonFactory(
        slug="secret-person",
        name="Secret Person",
        name_ko="비밀 인물",
        company=nvidia,
        publication=DRAFT,
    )
    factories.AttendanceFactory(meeting=meeting, person=person)
    factories.AttendanceFactory(meeting=meeting, person=draft_person)
    models.DealMeeting.objects.create(deal=deal, meeting=meeting, role=models.MeetingRole.ANNOUNCED)
    models.DealMeeting.objects.create(deal=draft_deal, meeting=meeting)
    factories.ProjectPartyFactory(project=project, company=samsung)
    factories.ProjectPartyFactory(project=project, company=draft_company)
    source = deal.sources.get()
    draft_source = factories.SourceFactory(
        slug="secret-source", title="Secret memo", title_ko="비밀 메모", publication=DRAFT
    )
    nvidia.sources.add(source, draft_source)
    services.money_refresh_usd(record=hbm_deal, on=hbm_deal.announced_on)
    return Story(
        nvidia=nvidia,
        samsung=samsung,
        hynix=hynix,
        draft_company=draft_company,
        deal=deal,
        hbm_deal=hbm_deal,
        draft_deal=draft_deal,
        meeting=meeting,
        draft_meeting=draft_meeting,
        project=project,
        draft_project=draft_project,
        person=person,
        draft_person=draft_person,
        source=source,
        draft_source=draft_source,
    )


#: Words of the drafts above; none may appear on any public page.
DRAFT_WORDS = (
    "Secret Buyer Corp",
    "비밀구매사",
    "Secret GPU deal",
    "비밀 GPU 거래",
    "Secret dinner",
    "비밀 만찬",
    "Hidden Project",
    "숨은 프로젝트",
    "Secret Person",
    "비밀 인물",
    "Secret memo",
    "비밀 메모",
    "secret-deal",
    "secret-buyer",
)
