"""Atom feeds of deal events: overall and per company, published records only."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_latest_events_feed_lists_steps_of_published_deals(client, story):
    root, items = entries(client, reverse("deals:feed"))
    assert root.find(f"{ATOM}title").text == "Latest deal events"
    titles = [e.find(f"{ATOM}title").text for e in items]
    # Newest first: the Samsung deal's announcement, its report, then the HBM signing.
    assert titles == [
        "Nvidia to supply 50,000 GPUs to Samsung: Announced",
        "Nvidia to supply 50,000 GPUs to Samsung: Reported",
        "SK hynix supplies HBM to Nvidia: Signed",
    ]
    link = items[0].find(f"{ATOM}link").get("href")
    assert link.startswith(f"http://testserver/deals/{story.deal.slug}/#event-")
    summary = items[0].find(f"{ATOM}summary").text
    assert "Oct 31, 2025" in summary and "Source:" in summary
    assert "Secret" not in client.get(reverse("deals:feed")).content.decode()


def test_feed_in_korean(client, story):
    with translation.override("ko"):
        address = reverse("deals:feed")
    root, items = entries(client, address)
    assert address == "/ko/feed/"
    assert root.find(f"{ATOM}title").text == "최근 거래 소식"
    assert items[0].find(f"{ATOM}title").text == "엔비디아, 삼성전자에 GPU 5만 장 공급: 발표"
    assert "/ko/deals/" in items[0].find(f"{ATOM}link").get("href")
    assert "2025년 10월 31일" in items[0].find(f"{ATOM}summary").text


def test_company_feed_lists_only_that_companys_deals(client, story):
    address = reverse("deals:company_feed", kwargs={"slug": story.hynix.slug})
    assert address == "/companies/sk-hynix/feed/"
    root, items = entries(client, address)
    assert root.find(f"{ATOM}title").text == "Deal events: SK hynix"
    assert [e.find(f"{ATOM}title").text for e in items] == [
        "SK hynix supplies HBM to Nvidia: Signed"
    ]


def test_company_feed_hides_draft_deals(client, story):
    # Nvidia takes part in a draft deal with a draft buyer; the feed must not show it.
    body = client.get(reverse("deals:company_feed", kwargs={"slug": "nvidia"})).content.decode()
    assert "Secret" not in body
    assert "비밀" not in body


def test_feed_of_a_draft_or_missing_company_is_not_found(client, story):
    for slug in (story.draft_company.slug, "no-such-company"):
        response = client.get(reverse("deals:company_feed", kwargs={"slug": slug}))
        assert response.status_code == 404
