"""A record's published versions (deals.history.published_versions) and /history/ in the API."""

import json

import pytest

from deals import services
from deals.history import published_versions
from deals.models import PartyRole, Publication
from tests.api.helpers import RESOURCES, assert_error
from tests.api.timeline import (
    at,
    correct,
    disclose,
    kst,
    publish,
    published_company,
    replace_parties,
    samsung_deal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    return (
        published_company(kst(1, 9), name="Nvidia", name_ko="엔비디아", slug="nvidia"),
        published_company(
            kst(1, 9), name="Samsung Electronics", name_ko="삼성전자", slug="samsung-electronics"
        ),
    )


@pytest.fixture
def deal(companies):
    """Drafted on the 29th, published on the 30th, corrected on the 31st, re-drafted after."""
    nvidia, samsung = companies
    deal = samsung_deal(
        kst(29, 9),
        supplier=nvidia,
        buyer=samsung,
        publication=Publication.DRAFT,
        summary="draft wording",
    )
    correct(deal, kst(29, 18), summary="first public wording")
    publish(deal, kst(30, 12))
    disclose(deal, kst(31, 10), "7000000000")
    return deal


def test_published_versions_are_newest_first_with_what_changed(deal):
    versions = published_versions(deal)
    assert [v.first for v in versions] == [False, True]
    newest, first = versions
    assert newest.date > first.date
    assert (newest.event, first.event) == ("changed", "published")
    changed = {c.field: (c.old, c.new) for c in newest.changes}
    assert changed["disclosure"] == ("undisclosed", "disclosed")
    assert str(changed["amount"][1]) == "7000000000.00"
    assert "version" not in changed and "updated_at" not in changed
    # The draft's wording never appears: drafts are not versions.
    assert all("draft wording" not in (c.old, c.new) for v in versions for c in v.changes)


# --- /history/ in the API ---------------------------------------------------------------------

SECRET_REASON = "데스크 메모: 출처 확인 중 do-not-print"


def history_url(deal) -> str:
    return f"/api/v1/deals/{deal.slug}/history/"


def test_history_lists_published_versions_newest_first_with_old_and_new(api, deal):
    response = api.get(history_url(deal))
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [v["event"] for v in results] == ["changed", "published"]
    newest, first = results
    assert {c["field"]: (c["old"], c["new"]) for c in newest["changes"]}["amount"] == (
        None,
        "7000000000.00",
    )
    assert newest["date"] == "2025-10-31T10:00:00+09:00"
    assert first["changes"] == [] and first["version"] < newest["version"]


def test_each_version_links_to_the_record_as_of_its_moment(api, deal):
    first = api.get(history_url(deal)).json()["results"][-1]
    then = api.get(first["as_of_url"])
    assert then.status_code == 200, then.content
    assert then.json()["disclosure"] == "undisclosed"
    assert then.json()["version"] == first["version"]


def test_history_shows_party_changes_by_slug_in_rows(api, deal, companies):
    nvidia, _samsung = companies
    hynix = published_company(kst(1, 9), name="SK hynix", name_ko="SK하이닉스", slug="sk-hynix")
    replace_parties(deal, kst(32, 9), [(nvidia, PartyRole.SUPPLIER), (hynix, PartyRole.BUYER)])
    newest = api.get(history_url(deal)).json()["results"][0]
    rows = {(r["kind"], r["action"]): r for r in newest["rows"]}
    assert rows[("parties", "added")]["new"]["company"] == "sk-hynix"
    assert rows[("parties", "removed")]["old"]["company"] == "samsung-electronics"


def test_history_hides_drafts_editors_and_their_reasons(api, editor_api, editor, deal, companies):
    deal.refresh_from_db()
    deal._change_reason = SECRET_REASON
    with at(kst(32, 9)):
        services.deal_update(deal=deal, fields={"summary": "public wording"}, by=editor)
    draft = samsung_deal(
        kst(29, 9),
        supplier=companies[0],
        buyer=companies[1],
        publication=Publication.DRAFT,
        slug="still-a-draft",
    )
    body = api.get(history_url(deal)).content.decode()
    assert "public wording" in body
    for secret in (
        SECRET_REASON,
        editor.username,
        "draft wording",
        '"history_id"',
        '"history_user',
    ):
        assert secret not in body
    # No key names a user. (Looking for the editor's id followed by a comma in the body also
    # matched an unrelated number, such as a version, when the ids happened to line up.)
    assert not {key for key in keys_of(json.loads(body)) if "user" in key or key == "by"}
    assert_error(api.get(history_url(draft)), 404)
    # An editor may see the draft's record, and its history is empty: it was never public.
    assert editor_api.get(history_url(draft)).json()["results"] == []


def test_history_pages_with_cursors(api, deal):
    for day, summary in ((32, "one"), (33, "two"), (34, "three")):
        correct(deal, kst(day, 9), summary=summary)
        deal.refresh_from_db()
    first = api.get(history_url(deal) + "?page_size=2").json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2
    third = api.get(second["next"]).json()
    assert len(third["results"]) == 1 and third["next"] is None
    seen = [v["version"] for page in (first, second, third) for v in page["results"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5
    back = api.get(third["previous"]).json()
    assert [v["version"] for v in back["results"]] == [v["version"] for v in second["results"]]


def test_history_costs_a_fixed_number_of_queries(api, deal, django_assert_max_num_queries):
    for day in range(32, 42):
        correct(deal, kst(day, 9), summary=f"correction {day}")
        deal.refresh_from_db()
    with django_assert_max_num_queries(12):
        response = api.get(history_url(deal))
    assert len(response.json()["results"]) == 12


@pytest.mark.parametrize("resource", ["companies", "people", "meetings", "projects", "sources"])
def test_every_record_with_a_past_has_a_history(api, resource):
    record = RESOURCES[resource]()
    response = api.get(f"/api/v1/{resource}/{record.slug}/history/")
    assert response.status_code == 200, response.content
    assert [v["event"] for v in response.json()["results"]] == ["published"]


def test_exchange_rates_have_no_history_endpoint(api):
    rate = RESOURCES["exchange-rates"]()
    assert_error(api.get(f"/api/v1/exchange-rates/{rate.slug}/history/"), 404)


def keys_of(value) -> set[str]:
    """Every key of every object in a JSON value."""
    if isinstance(value, dict):
        return set(value).union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()
