"""CSV download of the deal list, with the same filters as the page."""

import csv
import io

import pytest
from django.urls import reverse

from deals import models

pytestmark = pytest.mark.django_db


def rows(client, query=""):
    response = client.get(reverse("deals:deals_csv") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="deals.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")  # so spreadsheets read the Korean as UTF-8
    return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))


def test_csv_has_every_published_deal_and_no_draft(client, story):
    data = rows(client)
    assert [r["title"] for r in data] == [story.deal.title, story.hbm_deal.title]
    first = data[0]
    assert first["title_ko"] == "엔비디아, 삼성전자에 GPU 5만 장 공급"
    assert first["url"] == f"http://testserver/deals/{story.deal.slug}/"
    assert first["status"] == "announced"
    assert first["quantity"] == "50000"
    assert first["quantity_qualifier"] == "up_to"
    assert first["suppliers"] == "NVIDIA"
    assert first["buyers"] == "Samsung Electronics"
    assert first["project"] == "Samsung AI Megafactory"
    assert first["amount"] == "" and first["disclosure"] == "undisclosed"
    assert data[1]["amount"] == "3000000000" and data[1]["currency"] == "USD"
    assert "Secret" not in str(data)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?supplier=nvidia", ["nvidia-samsung-blackwell"]),
        ("?buyer=nvidia", ["hynix-nvidia-hbm"]),
        ("?status=signed", ["hynix-nvidia-hbm"]),
        ("?product_category=gpu", ["nvidia-samsung-blackwell"]),
        ("?disclosed=true", ["hynix-nvidia-hbm"]),
        ("?q=삼성", ["nvidia-samsung-blackwell"]),
        ("?announced_after=2025-10-01&announced_before=2025-10-31", ["nvidia-samsung-blackwell"]),
        ("?ordering=announced_on", ["hynix-nvidia-hbm", "nvidia-samsung-blackwell"]),
        ("?company=secret-buyer", []),
    ],
)
def test_csv_takes_the_same_filters_as_the_list(client, story, query, expected):
    slugs = [r["url"].rstrip("/").rsplit("/", 1)[1] for r in rows(client, query)]
    assert slugs == expected
    page = client.get(reverse("deals:deal_list") + query)
    assert [d.slug for d in page.context["page_obj"].object_list] == expected


def test_csv_in_korean_names_companies_in_korean(client, story):
    response = client.get("/ko/deals.csv")
    data = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert data[0]["suppliers"] == "엔비디아"
    assert data[0]["url"].startswith("http://testserver/ko/deals/")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, story):
    models.Deal.objects.filter(pk=story.deal.pk).update(title='=HYPERLINK("http://evil")')
    data = rows(client, "?supplier=nvidia")
    assert data[0]["title"] == '\'=HYPERLINK("http://evil")'


def test_csv_leaves_out_draft_parties(client, story):
    party_company = story.draft_company
    models.DealParty.objects.create(
        deal=story.deal, company=party_company, role=models.PartyRole.PARTNER
    )
    data = rows(client, "?supplier=nvidia")
    assert data[0]["other_parties"] == ""
