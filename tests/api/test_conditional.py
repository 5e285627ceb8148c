"""Conditional GET: ETag and Last-Modified on every GET, and 304 when nothing changed."""

import pytest
from django.utils.http import http_date

from tests.api.helpers import RESOURCES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_every_get_carries_validators_and_honours_if_none_match(api, resource):
    record = RESOURCES[resource]()
    for url in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{record.slug}/"):
        response = api.get(url)
        assert response.status_code == 200
        etag, modified = response["ETag"], response["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        assert "Authorization" in response["Vary"]
        again = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert api.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_if_modified_since_gives_304_until_the_record_changes(api, published_deal):
    url = f"/api/v1/deals/{published_deal.slug}/"
    modified = api.get(url)["Last-Modified"]
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    published_deal.summary = "Changed"
    published_deal.save()
    later = api.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert later.status_code == 200


def test_etag_changes_when_a_shown_company_is_renamed(api, published_deal):
    url = f"/api/v1/deals/{published_deal.slug}/"
    etag = api.get(url)["ETag"]
    company = published_deal.parties.first().company
    company.name_ko = "새 이름"
    company.save()
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_list_etag_changes_when_a_record_is_unpublished(api, published_deal):
    from deals.models import Deal, Publication

    etag = api.get("/api/v1/deals/")["ETag"]
    Deal.objects.filter(pk=published_deal.pk).update(publication=Publication.UNPUBLISHED)
    assert api.get("/api/v1/deals/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_head_answers_like_get_without_a_body(api, published_deal):
    response = api.head(f"/api/v1/deals/{published_deal.slug}/")
    assert response.status_code == 200
    assert response["ETag"]
    assert response.content == b""
