"""The public change log: each public record's published versions, newest first, in the
reader's language, with nothing of drafts, editors or their reasons."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deals import editorial, models, services
from tests import factories
from tests.hostile import SCRIPT

PUBLISHED = models.Publication.PUBLISHED
SECRET_REASON = "비밀 사유: 데스크 메모 do-not-print"


def url(name: str, record, lang: str = "en") -> str:
    path = reverse(f"deals:{name}_changes", kwargs={"slug": record.slug})
    return f"/ko{path}" if lang == "ko" else path


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def plain(html: str) -> str:
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([:,)])", r"\1", words)


def entries(body: str) -> list[str]:
    """The change log's entries, newest first, as plain text."""
    return [
        plain(e)
        for e in re.findall(r'<li id="version-\d+">(.*?)</li>\s*(?=<li id="v|</ol>)', body, re.S)
    ]


def edit(deal, *, by=None, reason=SECRET_REASON, parts=None, **fields):
    """An editor's change to a deal through the service the admin and the API use."""
    deal.refresh_from_db()
    deal._change_reason = reason
    return services.deal_update(
        deal=deal, fields=fields, parts=parts, by=by, expected_version=deal.version
    )


def save(record, reason=SECRET_REASON, **fields):
    record.refresh_from_db()
    for name, value in fields.items():
        setattr(record, name, value)
    return editorial.record_save_checked(
        record=record, expected_version=record.version, reason=reason
    )


def published(factory, **fields):
    return factory(publication=PUBLISHED, **fields)


@pytest.fixture
def deal(story):
    return story.deal


# --- What an entry says ---------------------------------------------------------------------


def test_a_change_shows_its_label_and_old_and_new_values_formatted(client, deal, desk_editor):
    edit(deal, by=desk_editor, quantity=Decimal("260000"))
    body = text(client.get(url("deal", deal)))
    log = entries(body)
    assert len(log) == 2
    assert "Updated" in log[0]
    assert "Quantity: up to 50,000 GPUs → up to 260,000 GPUs" in log[0]
    assert "First published" in log[1]
    assert SECRET_REASON not in body
    assert desk_editor.username not in body


def test_the_log_in_korean_has_korean_labels_figures_and_dates(client, deal):
    edit(deal, quantity=Decimal("260000"), title_ko="엔비디아, 삼성전자에 GPU 26만 장 공급")
    log = entries(text(client.get(url("deal", deal, "ko"))))
    assert "수량: GPU 최대 5만 장 → GPU 최대 26만 장" in log[0]
    assert "엔비디아, 삼성전자에 GPU 5만 장 공급 → 엔비디아, 삼성전자에 GPU 26만 장 공급" in log[0]
    today = timezone.localdate()
    assert f"{today.year}년 {today.month}월 {today.day}일" in log[0]
    assert "처음 공개" in log[-1]


def test_an_undisclosed_value_becoming_disclosed_reads_as_the_page_shows_it(client, deal):
    edit(
        deal,
        disclosure=models.Disclosure.DISCLOSED,
        amount=Decimal("3000000000"),
        currency="USD",
        amount_qualifier=models.Qualifier.ABOUT,
    )
    assert (
        "Value: value undisclosed → about USD 3 billion"
        in entries(text(client.get(url("deal", deal))))[0]
    )
    # One line for the four money fields, and none for the derived USD equivalent.
    log = entries(text(client.get(url("deal", deal, "ko"))))
    assert "금액: 금액 비공개 → 약 30억 달러" in log[0]
    assert log[0].count("→") == 1


def test_parties_and_steps_are_described_in_words_and_drafts_never_named(client, story):
    deal = story.deal
    investor = published(
        factories.CompanyFactory, name="Korea Development Bank", name_ko="한국산업은행"
    )
    signed = factories.SourceFactory(publication=PUBLISHED)
    edit(
        deal,
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=story.nvidia, role=models.PartyRole.SUPPLIER),
                services.PartySpec(company=story.draft_company, role=models.PartyRole.BUYER),
                services.PartySpec(company=investor, role=models.PartyRole.INVESTOR),
            ],
            events=[
                services.EventSpec(
                    date=dt.date(2025, 10, 31), status=models.DealStatus.ANNOUNCED, source=signed
                ),
                services.EventSpec(
                    date=dt.date(2025, 11, 3), status=models.DealStatus.SIGNED, source=signed
                ),
            ],
        ),
    )
    body = text(client.get(url("deal", deal)))
    newest = entries(body)[0]
    assert "Korea Development Bank added (Investor)" in newest
    assert "Samsung Electronics removed (was Buyer)" in newest
    assert "Step added: Nov 3, 2025, Signed" in newest
    assert "Step removed: Oct 29, 2025, Reported" in newest
    assert "Status: Announced → Signed" in newest
    assert "Secret Buyer Corp" not in body and "비밀구매사" not in body
    korean = entries(text(client.get(url("deal", deal, "ko"))))[0]
    assert "한국산업은행 추가 (투자자)" in korean
    assert "단계 추가: 2025년 11월 3일, 서명" in korean


def test_sources_added_show_only_when_public(client, story):
    company = story.samsung
    public_source = factories.SourceFactory(
        publication=PUBLISHED,
        publisher="Yonhap",
        publisher_ko="연합뉴스",
        title="Samsung to buy GPUs",
    )
    draft_source = factories.SourceFactory(title="Secret memo 2", title_ko="비밀 메모 2")
    save(company, description="Korea's largest memory maker.")
    company.sources.add(public_source, draft_source)  # the admin saves links after the record
    body = text(client.get(url("company", company)))
    assert "Source added: Yonhap, 2025-10-31: Samsung to buy GPUs" in entries(body)[0]
    assert "Secret memo 2" not in body and "비밀 메모 2" not in body


def test_a_company_change_names_public_parents_and_countries(client, story):
    save(story.hynix, parent=story.samsung, country="US")
    log = entries(text(client.get(url("company", story.hynix))))
    assert "Parent company: — → Samsung Electronics" in log[0]
    assert "Country: South Korea → United States of America" in log[0]
    save(story.hynix, parent=story.draft_company)
    body = text(client.get(url("company", story.hynix)))
    assert "Parent company: Samsung Electronics → —" in entries(body)[0]
    assert "Secret Buyer Corp" not in body


def test_meeting_times_in_its_own_zone_and_attendance_of_public_people(client, story):
    meeting = story.meeting
    newcomer = published(factories.PersonFactory, name="Chey Tae-won", name_ko="최태원")
    save(meeting, starts_at=dt.datetime(2025, 10, 30, 10, 45, tzinfo=dt.UTC))
    save(meeting, venue="Kkanbu Chicken, Samseong-dong")
    # The admin saves the inline rows after the record.
    models.Attendance.objects.create(meeting=meeting, person=newcomer)
    models.Attendance.objects.create(
        meeting=meeting, person=factories.PersonFactory(name="Hidden Guest", name_ko="숨은 손님")
    )
    body = text(client.get(url("meeting", meeting)))
    log = entries(body)
    assert "Starts: Oct 30, 2025, 19:30 KST → Oct 30, 2025, 19:45 KST" in log[1]
    assert "Chey Tae-won added (Attended)" in log[0]
    assert "Hidden Guest" not in body and "숨은 손님" not in body


def test_project_budget_and_participants(client, story):
    project = story.project
    builder = published(factories.CompanyFactory, name="Hyundai E&C", name_ko="현대건설")
    save(
        project,
        disclosure=models.Disclosure.ESTIMATED,
        amount=Decimal("4280000000000"),
        currency="KRW",
    )
    factories.ProjectPartyFactory(project=project, company=builder, role=models.ProjectRole.BUILDER)
    log = entries(text(client.get(url("project", project, "ko"))))
    assert "예산: 금액 비공개 → 4조 2,800억 원 (추정)" in log[0]
    assert "현대건설 추가 (건설)" in log[0]


def test_record_text_is_escaped(client, story):
    save(story.person, title=SCRIPT, title_ko=f"{SCRIPT} 최고경영자")
    body = text(client.get(url("person", story.person)))
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


# --- What never shows -----------------------------------------------------------------------


def test_draft_versions_and_their_reasons_never_show(client, story, desk_editor):
    """Withdrawn silently, rewritten as a draft twice, sent back with a note, then published
    again: the log has the old published version and the new one, nothing in between."""
    deal = story.deal
    editorial.record_unpublish(record=deal, by=desk_editor)
    edit(deal, title="Draft title one", reason="초안 1")
    edit(deal, title="Nvidia to supply 260,000 GPUs to Korea", reason="초안 2")
    deal.refresh_from_db()
    editorial.record_submit(record=deal, by=desk_editor)
    editorial.record_send_back(record=deal, by=desk_editor, note=SECRET_REASON)
    editorial.record_submit(record=deal, by=desk_editor)
    editorial.record_publish(record=deal, by=desk_editor)
    body = text(client.get(url("deal", deal)))
    log = entries(body)
    assert [e.split(" · ")[1].split(" ")[0] for e in log] == ["Published", "First"]
    assert (
        "Title: Nvidia to supply 50,000 GPUs to Samsung → Nvidia to supply 260,000 GPUs to Korea"
    ) in log[0]
    for hidden in (
        "Draft title one",
        "초안",
        SECRET_REASON,
        "Sent back",
        "Withdrawn",
        desk_editor.username,
    ):
        assert hidden not in body


def test_a_withdrawal_with_a_public_note_shows_the_note(client, story):
    deal = story.deal
    editorial.record_unpublish(
        record=deal,
        note="The supply was never confirmed by Samsung <b>.",
        note_ko="삼성전자가 공급을 확인하지 않았습니다.",
    )
    assert client.get(deal.get_absolute_url()).status_code == 404
    body = text(client.get(url("deal", deal)))
    assert "This record has been withdrawn" in body
    assert "The supply was never confirmed by Samsung &lt;b&gt;." in body
    assert "Withdrawn" in entries(body)[0]
    korean = text(client.get(url("deal", deal, "ko")))
    assert "삼성전자가 공급을 확인하지 않았습니다." in korean
    assert "never confirmed" not in korean


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_drafts_records_in_review_and_silent_withdrawals_have_no_log(client, story, lang):
    in_review = factories.make_deal(publication=models.Publication.IN_REVIEW, title="Reviewed")
    withdrawn = factories.make_deal(title="Withdrawn silently")
    editorial.record_unpublish(record=withdrawn)
    for name, record in [
        ("deal", story.draft_deal),
        ("deal", in_review),
        ("deal", withdrawn),
        ("company", story.draft_company),
        ("meeting", story.draft_meeting),
        ("project", story.draft_project),
        ("person", story.draft_person),
    ]:
        assert client.get(url(name, record, lang)).status_code == 404, record
    assert (
        client.get(url("deal", story.deal, lang).replace(story.deal.slug, "no-such")).status_code
        == 404
    )


# --- Where it is linked from, and what it costs ---------------------------------------------


DETAIL = {
    "deal": lambda s: s.deal,
    "company": lambda s: s.nvidia,
    "meeting": lambda s: s.meeting,
    "project": lambda s: s.project,
    "person": lambda s: s.person,
}


@pytest.mark.parametrize("name", DETAIL)
def test_every_detail_page_says_when_it_was_updated_and_links_to_its_log(client, story, name):
    record = DETAIL[name](story)
    record.refresh_from_db()
    day = timezone.localtime(record.updated_at).date()
    english = text(client.get(record.get_absolute_url()))
    month = day.strftime("%b")
    assert f"Last updated {month} {day.day}, {day.year}" in english
    assert f'href="{url(name, record)}"' in english
    korean = text(client.get(f"/ko{record.get_absolute_url()}"))
    assert f"{day.year}년 {day.month}월 {day.day}일 수정" in korean
    assert f'href="{url(name, record, "ko")}"' in korean
    assert "First published" in entries(text(client.get(url(name, record))))[-1]


def grow(story, n: int):
    """n more published versions of each record, each with child rows and links changed."""
    for i in range(n):
        buyer = published(factories.CompanyFactory, name=f"Buyer {i}")
        source = factories.SourceFactory(publication=PUBLISHED)
        edit(
            story.deal,
            quantity=Decimal(50000 + i),
            parts=services.DealParts(
                parties=[
                    services.PartySpec(company=story.nvidia, role=models.PartyRole.SUPPLIER),
                    services.PartySpec(company=buyer, role=models.PartyRole.BUYER),
                ],
                events=[
                    services.EventSpec(
                        date=dt.date(2025, 10, 1 + i % 28),
                        status=models.DealStatus.ANNOUNCED,
                        source=source,
                    )
                ],
                sources=[source],
            ),
        )
        person = published(factories.PersonFactory, company=buyer)
        save(story.meeting, summary=f"Summary {i}")
        models.Attendance.objects.create(meeting=story.meeting, person=person)
        save(story.project, gpu_count=60000 + i)
        factories.ProjectPartyFactory(project=story.project, company=buyer)
        save(story.nvidia, description=f"Description {i}", parent=buyer)
        story.nvidia.sources.add(source)
        save(story.person, title=f"Title {i}", company=buyer)


#: No change log may run more queries than this, however long its history.
MAX_QUERIES = 15


def test_every_log_runs_a_fixed_number_of_queries(client, story, django_assert_max_num_queries):
    counts = {}
    for rows in (1, 9):  # 1 change, then 10
        grow(story, rows)
        for name, record in DETAIL.items():
            with django_assert_max_num_queries(MAX_QUERIES) as captured:
                response = client.get(url(name, record(story), "ko"))
            assert response.status_code == 200, name
            counts.setdefault(name, []).append(len(captured.captured_queries))
            assert len(entries(response.content.decode())) > rows, name
    growing = {name: c for name, c in counts.items() if c[0] != c[1]}
    assert not growing, f"query count grows with the versions: {growing}"
