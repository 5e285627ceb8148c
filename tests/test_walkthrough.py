"""Issue 5's walk-through, end to end through the doors people use: an editor imports a CSV of
deals as drafts, submits one for review, a desk editor publishes it, an editor corrects a figure,
the desk editor sees the difference and reverts it, and a reader sees the page, the change log and
the API `as_of` both before and after."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deals import models
from tests import factories
from tests.admin_pages import admin_form, change_url
from tests.api.timeline import at, kst

pytestmark = pytest.mark.django_db

CSV = (
    "slug,title,title_ko,kind,product,product_ko,product_category,quantity_qualifier,quantity,"
    "quantity_unit,disclosure,amount,currency,suppliers,buyers,sources,status,status_on\n"
    "nvidia-hyundai-blackwell,Nvidia to supply Hyundai with Blackwell GPUs,"
    '"엔비디아, 현대차그룹에 블랙웰 GPU 공급",supply_contract,Blackwell GPUs,블랙웰 GPU,gpu,'
    'up_to,"50,000",gpus,undisclosed,,,nvidia,hyundai-motor-group,'
    "https://news.example.kr/2025/10/31/hyundai,announced,2025-10-31\n"
    "nvidia-naver-blackwell,Nvidia to supply Naver,엔비디아 네이버 공급,supply_contract,"
    'Blackwell GPUs,블랙웰 GPU,gpu,more_than,"60,000",gpus,undisclosed,,,nvidia,naver,'
    "https://news.example.kr/2025/10/31/hyundai,announced,2025-10-31\n"
)
SLUG = "nvidia-hyundai-blackwell"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _as_of(when) -> str:
    return f"/api/v1/deals/{SLUG}/?as_of={quote(when.isoformat())}"


def test_import_review_publish_correct_revert_and_read_as_of(editor, desk_editor):
    for slug, name, name_ko in [
        ("nvidia", "NVIDIA", "엔비디아"),
        ("hyundai-motor-group", "Hyundai Motor Group", "현대차그룹"),
        ("naver", "Naver", "네이버"),
    ]:
        factories.CompanyFactory(
            slug=slug, name=name, name_ko=name_ko, publication=models.Publication.PUBLISHED
        )
    factories.SourceFactory(
        url="https://news.example.kr/2025/10/31/hyundai",
        title_ko="현대차 GPU 5만 장",
        publication=models.Publication.PUBLISHED,
    )
    writer, desk, reader = _client(editor), _client(desk_editor), Client()

    # 1. The editor imports the file: a preview first, then the confirmed import, as drafts.
    with at(kst(30, 9)):
        upload = SimpleUploadedFile("거래.csv", CSV.encode("cp949"))
        preview = writer.post(
            reverse("admin:deals_deal_import"), {"import_file": upload, "resource": "0"}
        )
        assert preview.status_code == 200
        assert not preview.context.get("problems"), preview.context.get("problems")
        form = preview.context["confirm_form"]
        done = writer.post(
            reverse("admin:deals_deal_process_import"),
            {name: form.initial.get(name, "") for name in form.fields},
        )
        assert done.status_code == 302
    deal = models.Deal.objects.get(slug=SLUG)
    assert deal.publication == models.Publication.DRAFT
    assert models.Deal.objects.filter(publication=models.Publication.DRAFT).count() == 2
    assert reader.get(f"/deals/{SLUG}/").status_code == 404

    # 2. The editor submits it for review; 3. the desk editor publishes it.
    with at(kst(30, 10)):
        writer.post(change_url(deal), admin_form(writer, deal, _submit_review="1"))
    deal.refresh_from_db()
    assert deal.publication == models.Publication.IN_REVIEW
    with at(kst(30, 11)):
        desk.post(change_url(deal), admin_form(desk, deal, _publish="1"))
    deal.refresh_from_db()
    assert deal.publication == models.Publication.PUBLISHED
    published_version = deal.history.order_by("-history_date", "-history_id").first()
    assert reader.get(f"/deals/{SLUG}/").status_code == 200
    # The other imported deal stays a draft, invisible.
    assert reader.get("/deals/nvidia-naver-blackwell/").status_code == 404

    # 4. An editor "corrects" the figure (a mistake, as it turns out).
    with at(kst(31, 10)):
        response = writer.post(
            change_url(deal),
            admin_form(writer, deal, quantity="260000", change_reason="26만 장으로 정정"),
        )
        assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.quantity == Decimal("260000")
    assert "260,000" in reader.get(f"/deals/{SLUG}/").content.decode()

    # 5. The desk editor sees the difference and reverts to the published version.
    revert_url = reverse("admin:deals_deal_revert", args=[deal.pk, published_version.history_id])
    diff = desk.get(revert_url)
    assert diff.status_code == 200
    changes = {str(label): (str(new), str(old)) for label, new, old in diff.context["changes"]}
    assert [(new, old) for new, old in changes.values() if "260000" in new] == [
        ("260000.00", "50000.00")
    ]
    with at(kst(31, 15)):
        assert desk.post(revert_url).status_code == 302
    deal.refresh_from_db()
    assert deal.quantity == Decimal("50000")
    assert deal.publication == models.Publication.PUBLISHED

    # 6. The reader: today's page, its change log, and the API before, during and after.
    page = reader.get(f"/ko/deals/{SLUG}/").content.decode()
    assert "5만" in page and "26만" not in page
    log = reader.get(f"/deals/{SLUG}/changes/").content.decode()
    assert "260,000" in log and "50,000" in log
    assert editor.username not in log and "26만 장으로 정정" not in log
    quantities = {
        when: reader.get(_as_of(when)).json().get("quantity")
        for when in (kst(30, 9, 30), kst(30, 12), kst(31, 12), kst(31, 16))
    }
    assert quantities == {
        kst(30, 9, 30): None,  # a draft then: not public
        kst(30, 12): "50000.00",
        kst(31, 12): "260000.00",
        kst(31, 16): "50000.00",
    }
    assert reader.get(_as_of(kst(30, 9, 30))).status_code == 404
