"""The editors' admin: every model's pages work for an editor, anonymous users are sent to the
login page, editors cannot delete, lists run a fixed number of queries, and the party rules
are checked across the inline rows with nothing saved when they fail."""

import datetime as dt

import pytest
from django.urls import reverse

from deals import models
from tests import factories

pytestmark = pytest.mark.django_db

ADMIN_MODELS = {
    "company": factories.CompanyFactory,
    "person": factories.PersonFactory,
    "source": factories.SourceFactory,
    "exchangerate": factories.ExchangeRateFactory,
    "deal": factories.DealFactory,
    "meeting": factories.MeetingFactory,
    "project": factories.ProjectFactory,
}


def _changelist(model: str) -> str:
    return reverse(f"admin:deals_{model}_changelist")


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_anonymous_user_is_sent_to_login(client, model):
    response = client.get(_changelist(model))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_editor_sees_changelist_add_and_change_pages(editor_client, model):
    record = ADMIN_MODELS[model]()
    assert editor_client.get(_changelist(model)).status_code == 200
    assert editor_client.get(reverse(f"admin:deals_{model}_add")).status_code == 200
    change = editor_client.get(reverse(f"admin:deals_{model}_change", args=[record.pk]))
    assert change.status_code == 200
    history = editor_client.get(reverse(f"admin:deals_{model}_history", args=[record.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        ("company", "삼성", "삼성전자"),
        ("company", "hyni", "SK hynix"),
        ("deal", "블랙웰", "Blackwell supply"),
        ("person", "젠슨", "젠슨 황"),
    ],
)
def test_admin_search_finds_english_and_korean(editor_client, model, term, expected):
    if model == "company":
        factories.CompanyFactory(name="Samsung Electronics", name_ko="삼성전자")
        factories.CompanyFactory(name="SK hynix", name_ko="SK하이닉스")
        factories.CompanyFactory(name="Other Corp", name_ko="다른 회사")
    elif model == "deal":
        factories.DealFactory(title="Blackwell supply", title_ko="블랙웰 공급 계약")
        factories.DealFactory(title="Other Corp deal", title_ko="다른 회사 거래", product_ko="HBM")
    else:
        factories.PersonFactory(name="Jensen Huang", name_ko="젠슨 황")
    response = editor_client.get(_changelist(model), {"q": term})
    assert response.status_code == 200
    content = response.content.decode()
    assert expected in content
    assert "Other Corp" not in content


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_editor_cannot_delete(editor_client, model):
    record = ADMIN_MODELS[model]()
    url = reverse(f"admin:deals_{model}_delete", args=[record.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_editor_cannot_touch_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_query_count_does_not_grow_with_rows(
    editor_client, django_assert_max_num_queries, model
):
    factory = ADMIN_MODELS[model]
    if model == "deal":
        factories.make_deal()
    else:
        factory()
    with django_assert_max_num_queries(30) as one_row:
        editor_client.get(_changelist(model))
    for _ in range(49):
        if model == "deal":
            factories.make_deal()
        else:
            factory()
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = editor_client.get(_changelist(model))
    assert response.status_code == 200


def test_deal_list_shows_parties_quantity_and_undisclosed_value(editor_client):
    nvidia = factories.CompanyFactory(name="NVIDIA", name_ko="엔비디아", publication="published")
    msit = factories.CompanyFactory(
        name="Ministry of Science and ICT", name_ko="과학기술정보통신부", publication="published"
    )
    factories.make_deal(supplier=nvidia, buyer=msit, title="Sovereign AI GPUs")
    content = editor_client.get(_changelist("deal")).content.decode()
    assert "NVIDIA → Ministry of Science and ICT" in content
    assert "Up to 50,000 GPUs" in content
    assert "undisclosed" in content


def _deal_form(**overrides):
    data = {
        "title": "Blackwell GPUs for Samsung",
        "title_ko": "삼성전자 블랙웰 GPU",
        "kind": "supply_contract",
        "summary": "",
        "summary_ko": "",
        "product": "Blackwell GPUs",
        "product_ko": "블랙웰 GPU",
        "product_category": "gpu",
        "quantity_qualifier": "more_than",
        "quantity": "50000",
        "quantity_unit": "gpus",
        "disclosure": "undisclosed",
        "amount_qualifier": "exact",
        "amount": "",
        "currency": "",
        "amount_note": "",
        "amount_note_ko": "",
        "project": "",
        "slug": "nvidia-samsung-blackwell",
        "publication": "draft",
        "parties-TOTAL_FORMS": "0",
        "parties-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "meeting_links-TOTAL_FORMS": "0",
        "meeting_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _with_parties(data, parties):
    data["parties-TOTAL_FORMS"] = str(len(parties))
    for i, (company, role) in enumerate(parties):
        data[f"parties-{i}-company"] = str(company.pk)
        data[f"parties-{i}-role"] = role
        data[f"parties-{i}-note"] = ""
        data[f"parties-{i}-note_ko"] = ""
    return data


def test_admin_add_deal_with_parties_and_event_derives_status(editor_client):
    nvidia = factories.CompanyFactory(name="NVIDIA")
    samsung = factories.CompanyFactory(name="Samsung Electronics")
    source = factories.SourceFactory()
    data = _with_parties(_deal_form(), [(nvidia, "supplier"), (samsung, "buyer")])
    data.update(
        {
            "events-TOTAL_FORMS": "2",
            "events-0-date": "2025-10-29",
            "events-0-date_precision": "day",
            "events-0-status": "reported",
            "events-0-source": str(source.pk),
            "events-1-date": "2025-10-31",
            "events-1-date_precision": "day",
            "events-1-status": "announced",
            "events-1-source": str(source.pk),
        }
    )
    response = editor_client.post(reverse("admin:deals_deal_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    deal = models.Deal.objects.get(slug="nvidia-samsung-blackwell")
    assert deal.status == "announced"
    assert deal.announced_on == dt.date(2025, 10, 31)
    assert deal.parties.count() == 2


def test_admin_refuses_supplier_that_is_also_buyer_and_saves_nothing(editor_client):
    nvidia = factories.CompanyFactory(name="NVIDIA")
    data = _with_parties(_deal_form(), [(nvidia, "supplier"), (nvidia, "buyer")])
    response = editor_client.post(reverse("admin:deals_deal_add"), data)
    assert response.status_code == 200
    assert "cannot be both supplier and buyer" in response.content.decode()
    assert not models.Deal.objects.exists()
    assert not models.DealParty.objects.exists()


def test_admin_refuses_amount_on_undisclosed_value_with_field_message(editor_client):
    data = _deal_form(amount="-5", currency="KRW")
    response = editor_client.post(reverse("admin:deals_deal_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "amount" in errors
    assert not models.Deal.objects.exists()


def test_admin_refuses_unknown_currency(editor_client):
    data = _deal_form(amount="1000", currency="XYZ", disclosure="disclosed")
    response = editor_client.post(reverse("admin:deals_deal_add"), data)
    assert response.status_code == 200
    assert "currency" in response.context["adminform"].form.errors
    assert not models.Deal.objects.exists()


def test_publish_action_reports_what_is_missing(desk_client):
    deal = factories.DealFactory(title="Orphan supply deal")
    response = desk_client.post(
        _changelist("deal"),
        {"action": "publish_selected", "_selected_action": [deal.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "needs at least one supplier" in content
    assert "needs at least one source" in content
    deal.refresh_from_db()
    assert deal.publication == "draft"


def test_editor_has_no_publish_action(editor_client):
    deal = factories.DealFactory()
    response = editor_client.get(_changelist("deal"))
    assert 'value="publish_selected"' not in response.content.decode()
    assert 'value="submit_selected"' in response.content.decode()
    # Posting it anyway does nothing: Django runs only the actions the user may run.
    editor_client.post(
        _changelist("deal"), {"action": "publish_selected", "_selected_action": [deal.pk]}
    )
    deal.refresh_from_db()
    assert deal.publication == "draft"


def test_editor_cannot_publish_through_the_form(editor_client):
    nvidia = factories.CompanyFactory(name="NVIDIA")
    data = _with_parties(_deal_form(publication="published"), [(nvidia, "supplier")])
    response = editor_client.post(reverse("admin:deals_deal_add"), data)
    assert response.status_code == 302
    assert models.Deal.objects.get().publication == "draft"


def test_correcting_a_rate_in_the_admin_recomputes_usd_figures(editor_client):
    from decimal import Decimal

    rate = factories.ExchangeRateFactory(
        currency="KRW", date=dt.date(2025, 10, 31), rate=Decimal("1426.000000")
    )
    deal = factories.make_deal(
        amount=Decimal("7000000000000"),
        currency="KRW",
        disclosure="disclosed",
        publication=models.Publication.DRAFT,
    )
    assert deal.usd_rate == rate
    assert deal.usd_amount == Decimal("4908835904.63")
    url = reverse("admin:deals_exchangerate_change", args=[rate.pk])
    data = {
        "currency": "KRW",
        "date": "2025-10-31",
        "rate": "1400",
        "source": "",
        "note": "",
        "note_ko": "환율 정정",
        "slug": rate.slug,
        "withdrawal_note": "",
        "withdrawal_note_ko": "",
        "change_reason": "오타 정정",
        "loaded_version": rate.version,
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    deal.refresh_from_db()
    assert deal.usd_amount == Decimal("5000000000.00")
    rate.refresh_from_db()
    assert rate.history.first().history_change_reason == "오타 정정"


def test_admin_speaks_the_editors_language_and_switches(editor_client):
    english = editor_client.get(reverse("admin:index"))
    assert english["Content-Language"] == "en"
    assert 'lang="ko">한국어</button>' in english.content.decode()

    korean = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert korean["Content-Language"] == "ko"
    assert "로그아웃" in korean.content.decode()  # Django's own Korean catalog
    assert "거래" in korean.content.decode()  # our model names, translated

    # The switcher's choice (the language cookie) beats the browser's header.
    switched = editor_client.post(
        reverse("set_language"), {"language": "ko", "next": reverse("admin:deals_deal_changelist")}
    )
    assert switched.status_code == 302
    page = editor_client.get(switched["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ko"
    assert 'lang="en">English</button>' in page.content.decode()

    # Public pages still take their language from the address alone.
    assert editor_client.get("/deals/")["Content-Language"] == "en"


def test_history_lists_each_change_with_its_label_in_the_editors_language(editor_client):
    from decimal import Decimal

    from deals import services

    deal = factories.make_deal(quantity=Decimal("50000"), publication=models.Publication.DRAFT)
    services.deal_update(deal=deal, fields={"quantity": Decimal("260000")})
    url = reverse("admin:deals_deal_history", args=[deal.pk])

    page = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "<strong>수량:</strong> 50000.00 → 260000.00" in page
    english = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Quantity:</strong> 50000.00 → 260000.00" in english
