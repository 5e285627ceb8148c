"""The editorial workflow (deals/editorial.py) through every door editors use: the history of
each write, revert and restore with their relations, who may do what, the publish checks, no
lost update between two editors saving at once, and merging duplicates."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deals import editorial, models, services
from deals.editorial import EditConflict
from tests import factories
from tests.admin_pages import admin_form, change_url
from tests.hostile import SCRIPT

PUBLISHED = models.Publication.PUBLISHED
DRAFT = models.Publication.DRAFT
IN_REVIEW = models.Publication.IN_REVIEW
DESK_ONLY = "Only desk editors may publish, unpublish or revert."


# --- Helpers --------------------------------------------------------------------------------


@pytest.fixture
def nobody(django_user_model):
    """A staff user in no group: signs in to the admin, may do nothing there."""
    return django_user_model.objects.create_user(
        username="무소속", password="correct horse battery staple", is_staff=True
    )


def latest(record):
    return record.history.order_by("-history_date", "-history_id").first()


def token_client(user) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    api = APIClient(HTTP_HOST="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def publication_errors(error: ValidationError) -> list[str]:
    return error.message_dict["publication"]


@pytest.fixture
def source(db):
    return factories.SourceFactory(
        publication=PUBLISHED, title="Nvidia supply report", title_ko="엔비디아 공급 보도"
    )


@pytest.fixture
def nvidia(db):
    return factories.CompanyFactory(
        slug="nvidia", name="NVIDIA", name_ko="엔비디아", publication=PUBLISHED
    )


@pytest.fixture
def samsung(db):
    return factories.CompanyFactory(
        slug="samsung", name="Samsung Electronics", name_ko="삼성전자", publication=PUBLISHED
    )


def supply_deal(nvidia, samsung, source, **fields):
    """An undisclosed supply deal with its parties, a sourced step and a source."""
    fields.setdefault("title_ko", "엔비디아 GPU 공급")
    return factories.make_deal(supplier=nvidia, buyer=samsung, **fields)


# --- History of every write path --------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_form_records_the_editor_and_the_reason(editor_client, editor):
    company = factories.CompanyFactory(name_ko="삼성")
    data = admin_form(editor_client, company, name_ko="삼성전자", change_reason="오타 수정 (typo)")
    response = editor_client.post(change_url(company), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    company.refresh_from_db()
    assert (company.name_ko, company.version) == ("삼성전자", 2)
    row = latest(company)
    assert (row.history_user, row.history_change_reason) == (editor, "오타 수정 (typo)")
    assert row.history_type == "~" and row.version == 2


@pytest.mark.django_db
def test_api_write_with_a_token_records_the_token_owner(editor):
    company = factories.CompanyFactory(name="Samsung", name_ko="삼성")
    response = token_client(editor).patch(
        f"/api/v1/companies/{company.slug}/",
        {"name_ko": "삼성전자 ㈜", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    row = latest(company)
    assert row.history_user == editor
    assert (row.name_ko, row.version) == ("삼성전자 ㈜", 2)
    # The API takes no reason: the history says who, and the version says which write.
    assert not row.history_change_reason


@pytest.mark.django_db
def test_services_record_who_and_why(nvidia, samsung, source, desk_editor):
    deal = supply_deal(nvidia, samsung, source, publication=DRAFT)
    deal._change_reason = "연합뉴스 보도로 수량 정정"
    services.deal_update(deal=deal, fields={"quantity": Decimal("260000")}, by=desk_editor)
    row = latest(deal)
    assert row.quantity == Decimal("260000")
    assert row.history_user == desk_editor
    assert row.history_change_reason == "연합뉴스 보도로 수량 정정"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step", "reason"),
    [
        (lambda r, by: editorial.record_submit(record=r, by=by), "Submitted for review"),
        (lambda r, by: editorial.record_publish(record=r, by=by), "Published"),
        (
            lambda r, by: editorial.record_unpublish(record=r, by=by, note_ko="사실 확인 중"),
            "Withdrawn with a public note",
        ),
        (lambda r, by: editorial.record_unpublish(record=r, by=by), "Withdrawn silently"),
        (
            lambda r, by: editorial.record_send_back(record=r, by=by, note="출처 보강"),
            "Sent back to draft: 출처 보강",
        ),
    ],
    ids=["submit", "publish", "unpublish-noted", "unpublish-silent", "send-back"],
)
def test_every_workflow_step_is_a_version_with_its_maker_and_reason(step, reason, desk_editor):
    start = {
        "Submitted for review": DRAFT,
        "Published": IN_REVIEW,
        "Sent back to draft: 출처 보강": IN_REVIEW,
    }.get(reason, PUBLISHED)
    company = factories.CompanyFactory(publication=start)
    step(company, desk_editor)
    row = latest(company)
    assert (row.history_user, row.history_change_reason, row.version) == (desk_editor, reason, 2)


@pytest.mark.django_db
def test_record_save_checked_records_the_reason_and_refuses_a_stale_version():
    person = factories.PersonFactory(name_ko="젠슨 황")
    person.title_ko = "엔비디아 CEO"
    editorial.record_save_checked(record=person, expected_version=1, reason="직함 갱신")
    assert (latest(person).history_change_reason, latest(person).version) == ("직함 갱신", 2)
    stale = models.Person.objects.get(pk=person.pk)
    stale.version = 1
    stale.title_ko = "덮어쓰기"
    with pytest.raises(EditConflict) as conflict:
        editorial.record_save_checked(record=stale, expected_version=1)
    assert [c.field for c in conflict.value.changes] == ["title_ko"]
    assert models.Person.objects.get(pk=person.pk).title_ko == "엔비디아 CEO"


@pytest.mark.django_db
def test_load_story_writes_one_snapshot_per_record_and_none_on_a_second_run():
    call_command("load_story", stdout=io.StringIO())
    deal = models.Deal.objects.published().first()
    assert deal is not None
    count = models.Deal.history.count() + models.Company.history.count()
    assert deal.history.exists()
    call_command("load_story", stdout=io.StringIO())
    assert models.Deal.history.count() + models.Company.history.count() == count


@pytest.mark.django_db
def test_create_editor_makes_a_desk_editor_whose_publishing_is_recorded(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "a long Korean pass 비밀번호 2025")
    call_command(
        "create_editor",
        username="김기자",
        desk=True,
        password_from_env="EDITOR_PASSWORD",
        stdout=io.StringIO(),
    )
    desk = Group.objects.get(name="Desk editors").user_set.get(username="김기자")
    company = factories.CompanyFactory(publication=IN_REVIEW)
    editorial.record_publish(record=company, by=desk)
    assert latest(company).history_user == desk


# --- Revert and restore -------------------------------------------------------------------------


def _parts(deal):
    deal.refresh_from_db()
    return (
        sorted((p.company_id, p.role, p.note_ko) for p in deal.parties.all()),
        sorted((e.date, e.status, e.source_id, e.note_ko) for e in deal.events.all()),
        sorted(deal.sources.values_list("pk", flat=True)),
    )


FIELDS = (
    "title",
    "title_ko",
    "quantity",
    "quantity_qualifier",
    "disclosure",
    "amount",
    "currency",
    "amount_qualifier",
    "status",
    "announced_on",
    "summary_ko",
)


@pytest.mark.django_db
def test_revert_restores_fields_parties_events_and_sources(nvidia, samsung, source, desk_editor):
    deal = supply_deal(nvidia, samsung, source, summary_ko=f"{SCRIPT} 원본 요약")
    before_fields = {f: getattr(deal, f) for f in FIELDS}
    before_parts = _parts(deal)
    good = latest(deal)

    hynix = factories.CompanyFactory(name_ko="SK하이닉스", publication=PUBLISHED)
    other = factories.SourceFactory(publication=PUBLISHED)
    deal.refresh_from_db()
    services.deal_update(
        deal=deal,
        by=desk_editor,
        fields={
            "title_ko": "잘못된 제목",
            "disclosure": models.Disclosure.DISCLOSED,
            "amount": Decimal("7000000000000"),
            "currency": "KRW",
            "quantity": None,
            "quantity_unit": "",
            "summary_ko": "",
        },
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=hynix, role=models.PartyRole.SUPPLIER, note_ko="오류"),
                services.PartySpec(company=samsung, role=models.PartyRole.BUYER),
            ],
            events=[
                services.EventSpec(
                    date=dt.date(2025, 11, 3), status=models.DealStatus.SIGNED, source=other
                )
            ],
            sources=[other],
        ),
    )
    assert _parts(deal) != before_parts

    deal.refresh_from_db()
    editorial.record_revert(record=deal, history_id=good.history_id, by=desk_editor)
    deal.refresh_from_db()
    assert {f: getattr(deal, f) for f in FIELDS} == before_fields
    assert deal.disclosure == models.Disclosure.UNDISCLOSED and deal.amount is None
    assert _parts(deal) == before_parts
    assert deal.publication == PUBLISHED  # reverting content does not withdraw
    row = latest(deal)
    assert row.history_user == desk_editor
    assert row.history_change_reason == f"Reverted to version {good.version}"
    assert deal.version == good.version + 2  # the bad edit, then the revert: nothing lost
    assert deal.history.filter(title_ko="잘못된 제목").exists()


@pytest.mark.django_db
def test_revert_to_any_row_of_a_version_brings_that_versions_relations(
    nvidia, samsung, source, desk_editor
):
    """A version's first history row is written before its parties and sources are saved (the
    admin and the services save the record first). Reverting to it must still bring the
    relations of that version, not those of the version before."""
    deal = supply_deal(nvidia, samsung, source)
    hynix = factories.CompanyFactory(name_ko="SK하이닉스", publication=PUBLISHED)
    second = factories.SourceFactory(publication=PUBLISHED)
    deal.refresh_from_db()
    services.deal_update(
        deal=deal,
        fields={"title_ko": "두 번째 판"},
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=hynix, role=models.PartyRole.SUPPLIER),
                services.PartySpec(company=samsung, role=models.PartyRole.BUYER),
            ],
            sources=[second],
        ),
    )
    wanted = _parts(deal)
    version = deal.version
    first_row = deal.history.filter(version=version).order_by("history_date", "history_id").first()
    deal.refresh_from_db()
    services.deal_update(
        deal=deal,
        fields={"title_ko": "세 번째 판"},
        parts=services.DealParts(
            parties=[
                services.PartySpec(company=nvidia, role=models.PartyRole.SUPPLIER),
                services.PartySpec(company=samsung, role=models.PartyRole.BUYER),
            ],
            sources=[source],
        ),
    )
    deal.refresh_from_db()
    editorial.record_revert(record=deal, history_id=first_row.history_id, by=desk_editor)
    deal.refresh_from_db()
    assert deal.title_ko == "두 번째 판"
    assert _parts(deal) == wanted


@pytest.mark.django_db
def test_revert_through_the_admin_is_for_desk_editors_only(
    client, editor, desk_editor, nvidia, samsung, source
):
    deal = supply_deal(nvidia, samsung, source, title_ko="원래 제목")
    good = latest(deal)
    deal.refresh_from_db()
    services.deal_update(deal=deal, fields={"title_ko": "바뀐 제목"})
    url = reverse("admin:deals_deal_revert", args=[deal.pk, good.history_id])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(desk_editor)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "바뀐 제목" in confirm.content.decode()
    response = client.post(url, follow=True)
    assert f"Reverted to version {good.version}." in messages_of(response)
    deal.refresh_from_db()
    assert deal.title_ko == "원래 제목"
    assert latest(deal).history_user == desk_editor


@pytest.mark.django_db
def test_restore_brings_back_a_deleted_deal_with_its_relations(
    nvidia, samsung, source, desk_editor, editor
):
    deal = supply_deal(nvidia, samsung, source, title_ko="삭제될 거래")
    parts, pk, version = _parts(deal), deal.pk, deal.version
    deal.delete()
    deletion = models.Deal.history.get(id=pk, history_type="-")
    with pytest.raises(PermissionDenied):
        editorial.record_restore(model=models.Deal, history_id=deletion.history_id, by=editor)
    restored = editorial.record_restore(
        model=models.Deal, history_id=deletion.history_id, by=desk_editor
    )
    assert (restored.pk, restored.title_ko, restored.version) == (pk, "삭제될 거래", version + 1)
    assert _parts(restored) == parts
    assert latest(restored).history_change_reason == "Restored after deletion"
    with pytest.raises(ValidationError, match="exists already"):
        editorial.record_restore(model=models.Deal, history_id=deletion.history_id, by=desk_editor)


@pytest.mark.django_db
def test_restore_refuses_when_the_slug_is_taken_and_through_the_admin(desk_client):
    company = factories.CompanyFactory(slug="samsung", name_ko="삼성전자")
    company.delete()
    factories.CompanyFactory(slug="samsung", name_ko="새 삼성")
    deletion = models.Company.history.get(history_type="-")
    response = desk_client.post(
        reverse("admin:deals_company_deleted"), {"history_id": deletion.history_id}, follow=True
    )
    assert "Another record now uses the slug “samsung”; rename it first." in messages_of(response)
    assert models.Company.objects.get().name_ko == "새 삼성"
    ugly = desk_client.post(
        reverse("admin:deals_company_deleted"), {"history_id": "١٢"}, follow=True
    )
    assert ugly.status_code == 200


# --- Who may do what -------------------------------------------------------------------------


@pytest.mark.django_db
def test_editors_submit_but_do_not_publish_send_back_unpublish_revert_or_merge(
    editor, nvidia, samsung, source
):
    deal = supply_deal(nvidia, samsung, source, publication=DRAFT)
    editorial.record_submit(record=deal, by=editor)
    assert deal.publication == IN_REVIEW
    for step in (
        lambda: editorial.record_publish(record=deal, by=editor),
        lambda: editorial.record_send_back(record=deal, by=editor),
        lambda: editorial.record_unpublish(record=deal, by=editor),
        lambda: editorial.record_revert(record=deal, history_id=latest(deal).history_id, by=editor),
        lambda: editorial.company_merge(survivor=nvidia, duplicate=samsung, by=editor),
    ):
        with pytest.raises(PermissionDenied, match=DESK_ONLY):
            step()
    deal.refresh_from_db()
    assert deal.publication == IN_REVIEW


@pytest.mark.django_db
def test_desk_editors_publish_send_back_unpublish_and_republish(
    desk_editor, nvidia, samsung, source
):
    deal = supply_deal(nvidia, samsung, source, publication=DRAFT)
    editorial.record_submit(record=deal, by=desk_editor)
    editorial.record_send_back(record=deal, by=desk_editor, note="출처를 더 달아 주세요")
    assert deal.publication == DRAFT
    editorial.record_submit(record=deal, by=desk_editor)
    editorial.record_publish(record=deal, by=desk_editor)
    assert deal.publication == PUBLISHED and deal.published_at is not None
    editorial.record_unpublish(
        record=deal, by=desk_editor, note="Unconfirmed", note_ko="확인되지 않음"
    )
    assert (deal.publication, deal.withdrawal_note_ko) == (
        models.Publication.UNPUBLISHED,
        "확인되지 않음",
    )
    editorial.record_submit(record=deal, by=desk_editor)
    editorial.record_publish(record=deal, by=desk_editor)
    assert (deal.publication, deal.withdrawal_note_ko) == (PUBLISHED, "")


@pytest.mark.django_db
def test_users_in_no_group_can_do_nothing(nobody, client, nvidia, samsung, source):
    deal = supply_deal(nvidia, samsung, source, publication=DRAFT)
    with pytest.raises(PermissionDenied):
        editorial.record_submit(record=deal, by=nobody)
    with pytest.raises(PermissionDenied):
        editorial.record_publish(record=deal, by=nobody)
    deal.refresh_from_db()
    assert deal.publication == DRAFT
    assert latest(deal).history_change_reason != "Submitted for review"
    client.force_login(nobody)
    assert client.get(change_url(deal)).status_code == 403
    assert client.post(change_url(deal), {"_publish": "1"}).status_code == 403
    response = client.post(
        reverse("admin:deals_deal_changelist"),
        {"action": "submit_selected", "_selected_action": [deal.pk]},
    )
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.publication == DRAFT


@pytest.mark.django_db
def test_the_admin_buttons_follow_the_roles(client, editor, desk_editor, nvidia, samsung, source):
    deal = supply_deal(nvidia, samsung, source, publication=DRAFT)
    client.force_login(editor)
    page = client.get(change_url(deal)).content.decode()
    assert 'name="_submit_review"' in page and 'name="_publish"' not in page
    response = client.post(
        change_url(deal), admin_form(client, deal, _submit_review="1"), follow=True
    )
    deal.refresh_from_db()
    assert deal.publication == IN_REVIEW, messages_of(response)
    assert "Submitted for review." in messages_of(response)
    # The button is not shown; posting it anyway is refused with the reason.
    response = client.post(change_url(deal), admin_form(client, deal, _publish="1"), follow=True)
    assert DESK_ONLY in messages_of(response)
    deal.refresh_from_db()
    assert deal.publication == IN_REVIEW

    client.force_login(desk_editor)
    page = client.get(change_url(deal)).content.decode()
    assert 'name="_publish"' in page and 'name="_send_back"' in page
    response = client.post(change_url(deal), admin_form(client, deal, _publish="1"), follow=True)
    assert "Published." in messages_of(response)
    deal.refresh_from_db()
    assert deal.publication == PUBLISHED
    assert latest(deal).history_user == desk_editor
    response = client.post(
        change_url(deal),
        admin_form(client, deal, _unpublish="1", withdrawal_note_ko="공급 계약 확인 불가"),
        follow=True,
    )
    deal.refresh_from_db()
    assert (deal.publication, deal.withdrawal_note_ko) == (
        models.Publication.UNPUBLISHED,
        "공급 계약 확인 불가",
    )


@pytest.mark.django_db
def test_publish_and_unpublish_actions_are_for_desk_editors(client, editor, desk_editor):
    companies = [factories.CompanyFactory(publication=IN_REVIEW) for _ in range(2)]
    changelist = reverse("admin:deals_company_changelist")
    selected = {"_selected_action": [c.pk for c in companies]}
    client.force_login(editor)
    client.post(changelist, {"action": "publish_selected", **selected})
    assert set(models.Company.objects.values_list("publication", flat=True)) == {IN_REVIEW}
    client.force_login(desk_editor)
    response = client.post(changelist, {"action": "publish_selected", **selected}, follow=True)
    assert "2 published." in messages_of(response)
    response = client.post(changelist, {"action": "unpublish_selected", **selected}, follow=True)
    assert "2 unpublished." in messages_of(response)


# --- Publish checks --------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_is_blocked_with_exact_messages(desk_editor, nvidia, samsung, source):
    bare = factories.DealFactory(title_ko="출처 없는 공급 계약", publication=IN_REVIEW)
    with pytest.raises(ValidationError) as error:
        editorial.record_publish(record=bare, by=desk_editor)
    assert publication_errors(error.value) == [
        "A supply contract needs at least one supplier.",
        "A supply contract needs at least one buyer.",
        "A deal needs at least one source.",
        "A deal needs at least one event in its timeline.",
    ]
    bare.refresh_from_db()
    assert (bare.publication, bare.version) == (IN_REVIEW, 1)

    no_buyer = factories.make_deal(
        supplier=nvidia, buyer=samsung, publication=DRAFT, kind=models.DealKind.PURCHASE_ORDER
    )
    no_buyer.parties.filter(role=models.PartyRole.BUYER).delete()
    factories.DealEventFactory(deal=no_buyer, source=None, date=dt.date(2025, 11, 1))
    with pytest.raises(ValidationError) as error:
        editorial.record_publish(record=no_buyer, by=desk_editor)
    assert publication_errors(error.value) == [
        "A purchase order needs at least one buyer.",
        "1 event(s) in the timeline have no source.",
    ]


@pytest.mark.django_db
def test_an_mou_needs_supplier_and_buyer_only_when_it_names_a_product(desk_editor, nvidia):
    mou = factories.make_deal(
        supplier=nvidia,
        buyer=None,
        publication=DRAFT,
        kind=models.DealKind.MOU,
        product="",
        product_ko="",
    )
    mou.parties.filter(role=models.PartyRole.BUYER).delete()
    editorial.record_publish(record=mou, by=desk_editor)
    assert mou.publication == PUBLISHED

    named = factories.make_deal(
        supplier=nvidia,
        publication=DRAFT,
        kind=models.DealKind.MOU,
        product_ko="블랙웰 GPU",
        product="",
    )
    named.parties.filter(role=models.PartyRole.BUYER).delete()
    with pytest.raises(ValidationError) as error:
        editorial.record_publish(record=named, by=desk_editor)
    assert publication_errors(error.value) == [
        "A memorandum of understanding needs at least one buyer."
    ]


@pytest.mark.django_db
def test_the_publish_button_reports_every_problem_and_publishes_nothing(client, desk_editor):
    deal = factories.DealFactory(
        title_ko="불완전한 거래",
        publication=IN_REVIEW,
        kind=models.DealKind.LETTER_OF_INTENT,
        product="",
        product_ko="HBM4 ㅤ",
    )  # a Hangul filler, not a space
    client.force_login(desk_editor)
    response = client.post(change_url(deal), admin_form(client, deal, _publish="1"), follow=True)
    assert messages_of(response) == (
        "A letter of intent needs at least one supplier. A letter of intent needs at least "
        "one buyer. A deal needs at least one source. A deal needs at least one event in its "
        "timeline."
    )
    deal.refresh_from_db()
    assert (deal.publication, deal.version) == (IN_REVIEW, 2)  # the form's save, no more


@pytest.mark.django_db
@pytest.mark.parametrize("state", [DRAFT, IN_REVIEW, models.Publication.UNPUBLISHED])
def test_unpublished_states_are_invisible_on_pages_and_in_the_api(
    client, state, nvidia, samsung, source
):
    hidden = supply_deal(
        nvidia,
        samsung,
        source,
        publication=DRAFT,
        slug="hidden-deal",
        title="Hidden GPU deal",
        title_ko="숨은 GPU 거래",
    )
    hidden.publication = state
    hidden.withdrawal_note = "note" if state == models.Publication.UNPUBLISHED else ""
    hidden.save()
    for prefix in ("", "/ko"):
        assert client.get(f"{prefix}/deals/hidden-deal/").status_code == 404
        listing = client.get(f"{prefix}/deals/").content.decode()
        assert "hidden-deal" not in listing and "숨은 GPU 거래" not in listing
        search = client.get(f"{prefix}/search/", {"q": "숨은"}).content.decode()
        assert "hidden-deal" not in search
    api = APIClient(HTTP_HOST="localhost")
    assert api.get("/api/v1/deals/hidden-deal/").status_code == 404
    assert "hidden-deal" not in api.get("/api/v1/deals/").content.decode()


# --- No lost update between two editors saving at once ---------------------------------------


def race(*saves):
    """Run the saves in threads that start together; each thread gets its own connection.
    Returns what each returned or raised."""
    barrier = threading.Barrier(len(saves))
    results: list = [None] * len(saves)

    def run(index, save):
        try:
            barrier.wait(timeout=10)
            results[index] = save()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


needs_row_locks = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite has no row locks (SELECT ... FOR UPDATE is a no-op): the second of two "
    "overlapping saves fails with 'database table is locked' instead of waiting and being "
    "refused as a conflict. Nothing is lost, but there is no conflict to test",
)


# serialized_rollback: the flush after a transactional test would take the roles (made by data
# migrations) away from every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_row_locks
def test_two_concurrent_checked_saves_one_wins_the_other_is_told_what_changed():
    company = factories.CompanyFactory(name="Samsung", name_ko="삼성")

    def save(name_ko):
        def run():
            mine = models.Company.objects.get(pk=company.pk)  # both read version 1
            mine.name_ko = name_ko
            return editorial.record_save_checked(record=mine, expected_version=1, reason=name_ko)

        return run

    results = race(save("삼성전자"), save("삼성전자(주)"))
    wins = [r for r in results if isinstance(r, models.Company)]
    conflicts = [r for r in results if isinstance(r, EditConflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert [c.field for c in conflicts[0].changes] == ["name_ko"]
    assert "name (Korean)" in conflicts[0].message
    company.refresh_from_db()
    assert (company.name_ko, company.version) == (wins[0].name_ko, 2)
    assert company.history.count() == 2


# serialized_rollback: the flush after a transactional test would take the roles (made by data
# migrations) away from every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_row_locks
def test_two_editors_saving_the_admin_form_at_once_lose_nothing(editor, desk_editor):
    company = factories.CompanyFactory(name="SK hynix", name_ko="SK하이닉스")
    clients = []
    for user, name_ko in ((editor, "에스케이하이닉스"), (desk_editor, "SK hynix 한국")):
        client = Client()
        client.force_login(user)
        clients.append((client, admin_form(client, company, name_ko=name_ko)))

    results = race(*(lambda c=c, d=d: c.post(change_url(company), d) for c, d in clients))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302], results
    refused = next(r for r in results if r.status_code == 200)
    assert "Someone else saved this record" in refused.content.decode()
    assert "name (Korean)" in refused.content.decode()
    winner = next(d for (c, d), r in zip(clients, results, strict=True) if r.status_code == 302)
    company.refresh_from_db()
    assert (company.name_ko, company.version) == (winner["name_ko"], 2)


# serialized_rollback: the flush after a transactional test would take the roles (made by data
# migrations) away from every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_row_locks
def test_two_api_clients_patching_at_once_one_gets_409(editor, desk_editor):
    deal = factories.make_deal(publication=DRAFT, title_ko="원래 제목")
    version = deal.version
    apis = [token_client(editor), token_client(desk_editor)]
    results = race(
        *(
            lambda api=api, title=title: api.patch(
                f"/api/v1/deals/{deal.slug}/",
                {"title_ko": title, "version": version},
                format="json",
            )
            for api, title in zip(apis, ("첫째 편집자 제목", "둘째 편집자 제목"), strict=True)
        )
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.content for r in results]
    refused = next(r for r in results if r.status_code == 409)
    assert "title (Korean)" in refused.content.decode()
    winner = next(r for r in results if r.status_code == 200)
    deal.refresh_from_db()
    assert deal.title_ko == winner.json()["title_ko"]
    assert deal.version == version + 1


# --- Merging duplicates ----------------------------------------------------------------------


@pytest.fixture
def duplicate_world(nvidia, samsung, source):
    """Samsung entered twice: the duplicate has a deal, a project role, a person who attended a
    meeting, a subsidiary and a source of its own."""
    duplicate = factories.CompanyFactory(
        slug="samsung-elec",
        name="Samsung Elec.",
        name_ko="삼성전자㈜",
        aliases=f"SEC\n{SCRIPT}",
        website="https://www.samsung.com",
        publication=PUBLISHED,
    )
    deal = supply_deal(nvidia, duplicate, source, slug="dup-deal")
    project = factories.ProjectFactory(publication=PUBLISHED)
    factories.ProjectPartyFactory(project=project, company=duplicate)
    person = factories.PersonFactory(name_ko="이재용", company=duplicate, publication=PUBLISHED)
    meeting = factories.MeetingFactory(publication=PUBLISHED)
    factories.AttendanceFactory(meeting=meeting, person=person)
    subsidiary = factories.CompanyFactory(
        name_ko="삼성디스플레이", parent=duplicate, publication=PUBLISHED
    )
    own_source = factories.SourceFactory(publication=PUBLISHED)
    duplicate.sources.add(own_source)
    return {
        "survivor": samsung,
        "duplicate": duplicate,
        "deal": deal,
        "project": project,
        "person": person,
        "meeting": meeting,
        "subsidiary": subsidiary,
        "source": own_source,
    }


@pytest.mark.django_db
def test_company_merge_moves_everything_to_the_survivor(client, duplicate_world, desk_editor):
    w = duplicate_world
    survivor, duplicate = w["survivor"], w["duplicate"]
    survivor.website = ""
    survivor.save()
    duplicate_pk = duplicate.pk
    editorial.company_merge(survivor=survivor, duplicate=duplicate, by=desk_editor)
    assert not models.Company.objects.filter(pk=duplicate_pk).exists()
    survivor.refresh_from_db()
    assert w["deal"].parties.get(role=models.PartyRole.BUYER).company == survivor
    assert w["project"].parties.get().company == survivor
    w["person"].refresh_from_db()
    assert w["person"].company == survivor
    assert list(models.Meeting.objects.attended_by_people_of(survivor)) == [w["meeting"]]
    w["subsidiary"].refresh_from_db()
    assert w["subsidiary"].parent == survivor
    assert w["source"] in survivor.sources.all()
    assert survivor.aliases.splitlines() == ["Samsung Elec.", "삼성전자㈜", "SEC", SCRIPT]
    assert survivor.website == "https://www.samsung.com"
    row = latest(survivor)
    assert row.history_change_reason == "Merged “Samsung Elec.” into this company"
    assert row.history_user == desk_editor
    gone = models.Company.history.get(id=duplicate_pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (
        desk_editor,
        "Merged into “Samsung Electronics”",
    )

    # Search still finds the merged names, in the manager and on the public page.
    assert list(models.Company.objects.search("삼성전자㈜")) == [survivor]
    assert list(models.Company.objects.search("samsung elec.")) == [survivor]
    page = client.get("/ko/search/", {"q": "Samsung Elec."}).content.decode()
    assert survivor.get_absolute_url() in page
    assert SCRIPT not in page


@pytest.mark.django_db
def test_a_merge_that_fails_midway_leaves_both_untouched(duplicate_world, desk_editor, nvidia):
    """The duplicate buys in one deal (moved first) and supplies the survivor in another: the
    second cannot be merged, and the first move is undone with it."""
    w = duplicate_world
    survivor, duplicate = w["survivor"], w["duplicate"]
    clash = factories.make_deal(supplier=duplicate, buyer=survivor, slug="clash-deal")
    with pytest.raises(ValidationError, match="one of the two is the supplier and the other"):
        editorial.company_merge(survivor=survivor, duplicate=duplicate, by=desk_editor)
    assert models.Company.objects.filter(pk=duplicate.pk).exists()
    assert w["deal"].parties.get(role=models.PartyRole.BUYER).company_id == duplicate.pk
    assert clash.parties.get(role=models.PartyRole.SUPPLIER).company_id == duplicate.pk
    assert w["person"].__class__.objects.get(pk=w["person"].pk).company_id == duplicate.pk
    survivor.refresh_from_db()
    assert (survivor.aliases, survivor.version) == ("", 1)
    assert list(models.Company.objects.search("삼성전자㈜")) == [duplicate]


@pytest.mark.django_db
def test_merging_into_itself_or_into_a_subsidiary_is_refused(desk_editor):
    parent = factories.CompanyFactory(name_ko="삼성그룹")
    middle = factories.CompanyFactory(name_ko="삼성전자", parent=parent)
    child = factories.CompanyFactory(name_ko="삼성디스플레이", parent=middle)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        editorial.company_merge(survivor=parent, duplicate=parent, by=desk_editor)
    for survivor in (middle, child):  # merging the group into a company below it: a loop
        with pytest.raises(ValidationError, match="would make a loop of parent companies"):
            editorial.company_merge(survivor=survivor, duplicate=parent, by=desk_editor)
    assert models.Company.objects.count() == 3
    # Upwards is fine: the subsidiary's own subsidiaries move to the survivor.
    editorial.company_merge(survivor=parent, duplicate=middle, by=desk_editor)
    child.refresh_from_db()
    assert child.parent == parent


@pytest.mark.django_db
def test_merge_through_the_admin_action(client, editor, desk_editor):
    keep = factories.CompanyFactory(name_ko="네이버")
    drop = factories.CompanyFactory(name="NAVER Corp", name_ko="네이버㈜")
    changelist = reverse("admin:deals_company_changelist")
    selected = {"action": "merge_company_merge", "_selected_action": [keep.pk, drop.pk]}
    client.force_login(editor)
    client.post(changelist, {**selected, "survivor": keep.pk})
    assert models.Company.objects.count() == 2
    client.force_login(desk_editor)
    confirm = client.post(changelist, selected)
    assert confirm.status_code == 200 and "네이버㈜" in confirm.content.decode()
    response = client.post(changelist, {**selected, "survivor": keep.pk}, follow=True)
    assert "Merged" in messages_of(response)
    assert list(models.Company.objects.all()) == [keep]
    one = client.post(
        changelist, {"action": "merge_company_merge", "_selected_action": [keep.pk]}, follow=True
    )
    assert "Select exactly two records to merge." in messages_of(one)


@pytest.mark.django_db
def test_person_merge_moves_attendance_and_keeps_names(client, desk_editor, editor):
    survivor = factories.PersonFactory(
        name="Jensen Huang", name_ko="젠슨 황", title_ko="", publication=PUBLISHED
    )
    duplicate = factories.PersonFactory(
        name="Jen-Hsun Huang", name_ko="황런쉰", title_ko="엔비디아 CEO", publication=PUBLISHED
    )
    both = factories.MeetingFactory(publication=PUBLISHED)
    only_duplicate = factories.MeetingFactory(publication=PUBLISHED)
    factories.AttendanceFactory(meeting=both, person=survivor)
    factories.AttendanceFactory(meeting=both, person=duplicate)
    factories.AttendanceFactory(meeting=only_duplicate, person=duplicate)
    with pytest.raises(PermissionDenied):
        editorial.person_merge(survivor=survivor, duplicate=duplicate, by=editor)
    with pytest.raises(ValidationError, match="cannot be merged into themselves"):
        editorial.person_merge(survivor=survivor, duplicate=survivor, by=desk_editor)

    editorial.person_merge(survivor=survivor, duplicate=duplicate, by=desk_editor)
    survivor.refresh_from_db()
    assert not models.Person.objects.filter(pk=duplicate.pk).exists()
    assert sorted(survivor.attendance.values_list("meeting_id", flat=True)) == sorted(
        [both.pk, only_duplicate.pk]
    )
    assert survivor.aliases.splitlines() == ["Jen-Hsun Huang", "황런쉰"]
    assert survivor.title_ko == "엔비디아 CEO"
    assert latest(survivor).history_change_reason == "Merged “Jen-Hsun Huang” into this person"
    assert latest(survivor).history_user == desk_editor
    assert list(models.Person.objects.search("황런쉰")) == [survivor]
    page = client.get("/search/", {"q": "Jen-Hsun"}).content.decode()
    assert survivor.get_absolute_url() in page
