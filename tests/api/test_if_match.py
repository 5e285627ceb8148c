"""If-Match on writes: a stale ETag is 412 and writes nothing; the current one writes."""

import re
from decimal import Decimal

import pytest

from deals import services
from deals.models import Deal, DealParty, PartyRole
from tests import factories
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(published_deal):
    return published_deal


def url(deal) -> str:
    return f"/api/v1/deals/{deal.slug}/"


def someone_else_changes(deal, **fields):
    services.deal_update(deal=Deal.objects.get(pk=deal.pk), fields=fields)


def test_a_records_etag_begins_with_its_version(api, deal):
    etag = api.get(url(deal))["ETag"]
    assert re.fullmatch(rf'"{deal.version}-[0-9a-f]{{40}}"', etag)
    # A list's ETag names no version.
    assert re.fullmatch(r'"[0-9a-f]{40}"', api.get("/api/v1/deals/")["ETag"])


def test_the_etag_changes_when_the_record_or_its_parties_change(api, deal):
    first = api.get(url(deal))["ETag"]
    someone_else_changes(deal, summary_ko="요약 수정")
    second = api.get(url(deal))["ETag"]
    assert second != first
    party = DealParty.objects.filter(deal=deal, role=PartyRole.BUYER).get()
    party.note_ko = "구매자 메모"
    party.save()  # a child row saved on its own, the deal's version unchanged
    assert api.get(url(deal))["ETag"] != second


def test_a_fresh_if_match_writes_and_answers_with_the_new_etag(editor_api, deal):
    etag = editor_api.get(url(deal))["ETag"]
    response = editor_api.patch(
        url(deal), {"summary_ko": "엔비디아가 삼성에 공급"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary_ko"] == "엔비디아가 삼성에 공급"
    assert response["ETag"] != etag
    assert response["ETag"] == editor_api.get(url(deal))["ETag"]


def test_a_stale_if_match_is_412_says_what_changed_and_writes_nothing(editor_api, deal):
    etag = editor_api.get(url(deal))["ETag"]
    someone_else_changes(deal, quantity=Decimal("260000"))
    stored = Deal.objects.get(pk=deal.pk)
    response = editor_api.patch(
        url(deal), {"title_ko": "내 제목", "quantity": "1"}, format="json", HTTP_IF_MATCH=etag
    )
    error = assert_error(response, 412)
    assert error["code"] == "precondition_failed"
    assert "quantity: 50000.00 → 260000.00" in error["message"]
    assert f"version {deal.version}" in error["message"]
    assert response["ETag"] == editor_api.get(url(deal))["ETag"]  # the one to retry with
    after = Deal.objects.get(pk=deal.pk)
    assert (after.title_ko, after.quantity, after.version) == (
        stored.title_ko,
        stored.quantity,
        stored.version,
    )


def test_a_412_names_related_records_by_slug_not_by_id(editor_api, deal):
    before = factories.ProjectFactory(slug="ulsan-ai-dc", name_ko="울산 AI 데이터센터")
    someone_else_changes(deal, project=before)
    etag = editor_api.get(url(deal))["ETag"]
    after = factories.ProjectFactory(slug="stargate-korea", name_ko="스타게이트 코리아")
    someone_else_changes(deal, project=after)
    response = editor_api.patch(url(deal), {"summary": "x"}, format="json", HTTP_IF_MATCH=etag)
    message = assert_error(response, 412)["message"]
    assert "project: ulsan-ai-dc → stargate-korea" in message, message
    assert f"project: {before.pk} →" not in message


def test_a_put_with_a_stale_if_match_is_412_too(editor_api, deal):
    etag = editor_api.get(url(deal))["ETag"]
    someone_else_changes(deal, summary="Changed meanwhile")
    response = editor_api.put(url(deal), {"title": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert_error(response, 412)


@pytest.mark.parametrize("tag", ['W/"1-abc"', '"not-ours"', "garbage", '""'])
def test_an_if_match_that_names_no_current_version_is_412(editor_api, deal, tag):
    response = editor_api.patch(url(deal), {"summary": "x"}, format="json", HTTP_IF_MATCH=tag)
    assert_error(response, 412)
    assert Deal.objects.get(pk=deal.pk).summary != "x"


def test_if_match_star_and_a_list_with_the_current_etag_write(editor_api, deal):
    etag = editor_api.get(url(deal))["ETag"]
    listed = editor_api.patch(
        url(deal), {"summary": "one"}, format="json", HTTP_IF_MATCH=f'"old", {etag}'
    )
    assert listed.status_code == 200, listed.content
    star = editor_api.patch(url(deal), {"summary": "two"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200


def test_a_related_records_rename_makes_if_match_stale_and_the_message_says_so(editor_api, deal):
    etag = editor_api.get(url(deal))["ETag"]
    company = deal.parties.first().company
    company.name_ko = "새 이름"
    company.save()
    error = assert_error(
        editor_api.patch(url(deal), {"summary": "x"}, format="json", HTTP_IF_MATCH=etag), 412
    )
    assert "version is the same" in error["message"]


def test_without_if_match_the_version_field_still_guards_the_write(editor_api, deal):
    version = deal.version
    someone_else_changes(deal, summary="meanwhile")
    response = editor_api.patch(url(deal), {"summary": "mine", "version": version}, format="json")
    assert_error(response, 409)
    assert Deal.objects.get(pk=deal.pk).summary == "meanwhile"


def test_if_match_guards_other_records_too(editor_api):
    company = factories.CompanyFactory(publication="published", name_ko="삼성전자")
    path = f"/api/v1/companies/{company.slug}/"
    etag = editor_api.get(path)["ETag"]
    assert (
        editor_api.patch(path, {"name_ko": "삼성"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    error = assert_error(
        editor_api.patch(path, {"name_ko": "삼성전자(주)"}, format="json", HTTP_IF_MATCH=etag), 412
    )
    assert "name_ko: 삼성전자 → 삼성" in error["message"]


def test_anonymous_if_match_is_still_401(api, deal):
    assert_error(api.patch(url(deal), {"summary": "x"}, format="json", HTTP_IF_MATCH="*"), 401)
