"""What every resource does alike: public reads, invisible drafts, guarded writes, no deleting,
and a fixed number of queries whatever the number of rows."""

import pytest
from django.contrib.auth.models import Permission

from tests.api.helpers import RESOURCES, assert_error, build_draft, slugs

pytestmark = pytest.mark.django_db

ALL = pytest.mark.parametrize("resource", list(RESOURCES))

#: Queries an anonymous list may make: the rows, each prefetch, and the table's latest change.
LIST_QUERY_BOUND = {
    # A page that runs past the deals with an announcement date reads the undated ones with a
    # second indexed query (deals/keyset.py): one more, whatever the number of rows.
    "deals": 7,
    "companies": 3,
    "people": 2,
    "meetings": 4,
    "projects": 4,
    "sources": 3,  # sorted by an optional date too, as deals are
    "exchange-rates": 2,
}


@ALL
def test_anonymous_client_reads_published_list_and_detail(api, resource):
    record = RESOURCES[resource]()
    listed = api.get(f"/api/v1/{resource}/")
    assert listed.status_code == 200
    assert record.slug in slugs(listed)
    detail = api.get(f"/api/v1/{resource}/{record.slug}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["slug"] == record.slug
    assert body["api_url"] == f"http://localhost/api/v1/{resource}/{record.slug}/"
    assert body["updated_at"].endswith("+09:00")  # datetimes carry their offset


@ALL
def test_draft_is_hidden_from_anonymous_api(api, resource):
    draft = build_draft(resource)
    assert draft.slug not in slugs(api.get(f"/api/v1/{resource}/"))
    assert_error(api.get(f"/api/v1/{resource}/{draft.slug}/"), 404)


@ALL
def test_draft_is_hidden_from_a_signed_in_user_without_view_permission(reader_api, resource):
    draft = build_draft(resource)
    assert draft.slug not in slugs(reader_api.get(f"/api/v1/{resource}/"))
    assert_error(reader_api.get(f"/api/v1/{resource}/{draft.slug}/"), 404)


@ALL
def test_editor_with_view_permission_reads_drafts(editor_api, resource):
    draft = build_draft(resource)
    assert draft.slug in slugs(editor_api.get(f"/api/v1/{resource}/"))
    response = editor_api.get(f"/api/v1/{resource}/{draft.slug}/")
    assert response.status_code == 200
    assert response.json()["publication"] == "draft"


@ALL
def test_write_without_token_is_401(api, resource):
    response = api.post(f"/api/v1/{resource}/", {"slug": "x"}, format="json")
    error = assert_error(response, 401)
    assert "Token" in error["message"]
    assert response["WWW-Authenticate"] == "Token"


@ALL
def test_write_without_add_permission_is_403(reader_api, resource):
    assert_error(reader_api.post(f"/api/v1/{resource}/", {"slug": "x"}, format="json"), 403)


@ALL
def test_change_without_change_permission_is_403(editor, editor_api, resource):
    record = RESOURCES[resource]()
    model = type(record)._meta.model_name
    editor.groups.first().permissions.remove(Permission.objects.get(codename=f"change_{model}"))
    response = editor_api.patch(f"/api/v1/{resource}/{record.slug}/", {}, format="json")
    assert_error(response, 403)


@ALL
def test_delete_is_not_offered_to_anyone(api, editor_api, resource):
    record = RESOURCES[resource]()
    for client in (api, editor_api):
        response = client.delete(f"/api/v1/{resource}/{record.slug}/")
        assert_error(response, 405)
    assert type(record).objects.filter(pk=record.pk).exists()


@ALL
def test_list_query_count_does_not_grow_with_rows(api, resource, django_assert_max_num_queries):
    build = RESOURCES[resource]
    build()
    bound = LIST_QUERY_BOUND[resource]
    with django_assert_max_num_queries(bound):
        one = api.get(f"/api/v1/{resource}/?page_size=100")
    assert len(one.json()["results"]) >= 1
    for _ in range(49):
        build()
    with django_assert_max_num_queries(bound):
        many = api.get(f"/api/v1/{resource}/?page_size=100")
    assert len(many.json()["results"]) >= 50


@ALL
def test_detail_query_count_is_fixed(api, resource, django_assert_max_num_queries):
    record = RESOURCES[resource]()
    with django_assert_max_num_queries(LIST_QUERY_BOUND[resource] - 1):
        assert api.get(f"/api/v1/{resource}/{record.slug}/").status_code == 200


@ALL
def test_editor_list_query_count_is_fixed(editor_api, resource, django_assert_max_num_queries):
    build = RESOURCES[resource]
    for _ in range(50):
        build()
    # Token lookup and the user's permissions come on top of the anonymous bound.
    with django_assert_max_num_queries(LIST_QUERY_BOUND[resource] + 3):
        assert editor_api.get(f"/api/v1/{resource}/?page_size=100").status_code == 200


# Exchange rates have no names to search; they are found by currency and date (their filters).
@pytest.mark.parametrize("resource", [name for name in RESOURCES if name != "exchange-rates"])
def test_search_finds_korean_and_partial_english(api, resource):
    record = RESOURCES[resource]()
    english, korean = {
        "deals": ("title", "title_ko"),
        "meetings": ("title", "title_ko"),
        "sources": ("title", "title_ko"),
    }.get(resource, ("name", "name_ko"))
    type(record).objects.filter(pk=record.pk).update(
        **{english: "Samsung Electronics", korean: "삼성전자"}
    )
    for term in ("삼성", "sams", "SAMSUNG"):
        for param in ("q", "search"):
            response = api.get(f"/api/v1/{resource}/", {param: term})
            assert slugs(response) == [record.slug], (param, term)
    assert slugs(api.get(f"/api/v1/{resource}/", {"q": "하이닉스"})) == []


@ALL
def test_updated_since_returns_only_later_changes(api, resource):
    old = RESOURCES[resource]()
    type(old).objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    new = RESOURCES[resource]()
    response = api.get(f"/api/v1/{resource}/", {"updated_since": "2024-01-01T00:00:00+09:00"})
    assert new.slug in slugs(response)
    assert old.slug not in slugs(response)
