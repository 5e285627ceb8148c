"""Hostile and sloppy input (tests/hostile.py) against every write path and read parameter.

Every case must end in a 4xx with a clear message, or be kept and shown as escaped text; never
a server error, and a refused write leaves every table, history tables included, as it was.

To keep the run short, one published dataset serves the whole module, fields and parameters
are found by introspecting the forms, serializers and FilterSets (so a field added later is
attacked too), and each test loops over its cases and reports every failure at once.
"""

from __future__ import annotations

import json
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework import serializers as drf
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deals import editorial, filters, keyset, models
from deals.api import serializers as api_serializers
from tests import factories, hostile
from tests.hostile import SCRIPT, Case

pytestmark = pytest.mark.django_db

# --- One dataset for the module ---------------------------------------------------------------


@dataclass
class Data:
    source: models.Source
    rate: models.ExchangeRate
    company: models.Company
    other: models.Company
    person: models.Person
    meeting: models.Meeting
    project: models.Project
    deal: models.Deal
    superuser: object
    token: str
    by_model: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """A published record of every kind, a superuser and an API token; rolled back at the end."""
    published = models.Publication.PUBLISHED
    with django_db_blocker.unblock(), transaction.atomic():
        source = factories.SourceFactory(slug="hostile-source", publication=published)
        rate = factories.ExchangeRateFactory(
            slug="krw-hostile", currency="KRW", date="2025-10-29", publication=published
        )
        company = factories.CompanyFactory(slug="hostile-co", publication=published)
        other = factories.CompanyFactory(slug="hostile-other", publication=published)
        person = factories.PersonFactory(
            slug="hostile-person", company=company, publication=published
        )
        meeting = factories.MeetingFactory(slug="hostile-meeting", publication=published)
        factories.AttendanceFactory(meeting=meeting, person=person)
        project = factories.ProjectFactory(slug="hostile-project", publication=published)
        factories.ProjectPartyFactory(project=project, company=company)
        deal = factories.make_deal(
            slug="hostile-deal", supplier=company, buyer=other, project=project
        )
        models.DealMeeting.objects.create(deal=deal, meeting=meeting)
        superuser = apps.get_model("auth", "User").objects.create_superuser(
            username="hostile-admin", password="x" * 20
        )
        editor = apps.get_model("auth", "User").objects.create_user(
            username="hostile-editor", password="x" * 20
        )
        editor.groups.add(Group.objects.get(name="Editors"))
        token = Token.objects.create(user=editor).key
        made = Data(source, rate, company, other, person, meeting, project, deal, superuser, token)
        made.by_model = {
            "source": source,
            "exchangerate": rate,
            "company": company,
            "person": person,
            "meeting": meeting,
            "project": project,
            "deal": deal,
        }
        yield made
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def clean_cache():
    """Throttle counters and cached pages live in the cache; start every test without them."""
    cache.clear()
    yield
    cache.clear()


def row_counts() -> tuple:
    """Rows in every table of the app, history and m2m tables included, in one query."""
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_app_config("deals").get_models(include_auto_created=True)
        }
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(zip(tables, cursor.fetchone(), strict=True))


@contextmanager
def undone():
    """Roll back whatever the block wrote, so every case starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def show(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


class Failures(list):
    """Collects what went wrong over a loop of cases, so one run reports all of them."""

    def check(self, ok: bool, where: str, case: Case, why: str) -> None:
        if not ok:
            self.append(f"{where} [{case.name}]: {why}")

    def assert_none(self) -> None:
        assert not self, f"{len(self)} failures:\n" + "\n".join(self[:60])


def assert_escaped(failures: Failures, response, where: str, case: Case) -> None:
    if "html" in response.get("Content-Type", "") or "xml" in response.get("Content-Type", ""):
        body = response.content.decode("utf-8", "replace")
        failures.check(
            SCRIPT not in body and "<script>alert" not in body,
            where,
            case,
            "raw <script> in the page",
        )


# --- Which cases a field must refuse ---------------------------------------------------------

#: Per kind of field: the cases to send, and those it may accept (stored as what they mean).
KINDS: dict[str, tuple[list[Case], set[str]]] = {
    "number": (hostile.NUMBERS, {"negative_zero", "fullwidth_digits", "arabic_digits"}),
    "date": (hostile.DATES, {"year_one", "last_day"}),
    "time": (hostile.DATETIMES, set()),
    "datetime": (hostile.DATETIMES, set()),
    "choice": (hostile.ENUMS, set()),
    "country": (hostile.COUNTRIES, set()),
    "currency": (hostile.CURRENCIES, set()),
    "timezone": (hostile.TIME_ZONES, set()),
    "url": (hostile.URLS, {"no_scheme", "url_with_script", "ftp_scheme"}),
    "slug": ([Case(c.name, c.value) for c in hostile.SLUGS], set()),
    "id": (hostile.IDS, set()),
}


def choice_kind(name: str) -> str:
    return "country" if name == "country" else "choice"


def text_kind(name: str) -> str:
    return {"currency": "currency", "timezone": "timezone"}.get(name, "text")


#: (field classes, kind or a function of the field's name), first match wins.
FORM_KINDS = [
    (forms.SplitDateTimeField, "datetime"),
    (forms.ModelChoiceField | forms.ModelMultipleChoiceField, "id"),
    (forms.DecimalField | forms.IntegerField, "number"),
    (forms.DateField, "date"),
    (forms.ChoiceField, choice_kind),
    (forms.SlugField, "slug"),
    (forms.URLField, "url"),
    (forms.BooleanField, None),  # a checkbox: any value at all means "on"
    (forms.CharField, text_kind),
]


def field_kind(name: str, field_, table) -> str | None:
    for classes, kind in table:
        if isinstance(field_, classes):
            return kind(name) if callable(kind) else kind
    return None


def form_kind(name: str, form_field) -> str | None:
    return field_kind(name, form_field, FORM_KINDS)


# --- Admin add and change forms ---------------------------------------------------------------


def admin_base(data: Data) -> dict[str, dict]:
    """A valid add form per model, as the browser posts it (inline rows added separately)."""
    common = {
        "withdrawal_note": "",
        "withdrawal_note_ko": "",
        "change_reason": "",
        "loaded_version": "",
    }
    return {
        "source": {
            **common,
            "slug": "new-source",
            "url": "https://example.com/new",
            "title": "Report",
            "title_ko": "",
            "publisher": "Daily",
            "publisher_ko": "",
            "published_on": "2025-10-30",
            "published_on_precision": "day",
            "language": "en",
        },
        "exchangerate": {
            **common,
            "slug": "krw-new",
            "currency": "KRW",
            "date": "2024-01-02",
            "rate": "1400.5",
            "source": "",
            "note": "",
            "note_ko": "",
        },
        "company": {
            **common,
            "slug": "new-co",
            "name": "New Co",
            "name_ko": "",
            "aliases": "",
            "kind": "other",
            "country": "KR",
            "parent": "",
            "website": "",
            "description": "",
            "description_ko": "",
        },
        "person": {
            **common,
            "slug": "new-person",
            "name": "New Person",
            "name_ko": "",
            "aliases": "",
            "title": "",
            "title_ko": "",
            "company": "",
        },
        "deal": {
            **common,
            "slug": "new-deal",
            "title": "New deal",
            "title_ko": "",
            "kind": "partnership",
            "summary": "",
            "summary_ko": "",
            "product": "",
            "product_ko": "",
            "product_category": "",
            "quantity_qualifier": "exact",
            "quantity": "",
            "quantity_unit": "",
            "disclosure": "undisclosed",
            "amount_qualifier": "exact",
            "amount": "",
            "currency": "",
            "amount_note": "",
            "amount_note_ko": "",
            "project": "",
        },
        "meeting": {
            **common,
            "slug": "new-meeting",
            "title": "Dinner",
            "title_ko": "",
            "kind": "dinner",
            "parent": "",
            "starts_at_0": "2025-10-30",
            "starts_at_1": "19:30",
            "ends_at_0": "",
            "ends_at_1": "",
            "time_known": "on",
            "timezone": "Asia/Seoul",
            "venue": "",
            "venue_ko": "",
            "city": "",
            "city_ko": "",
            "country": "",
            "summary": "",
            "summary_ko": "",
        },
        "project": {
            **common,
            "slug": "new-project",
            "name": "Factory",
            "name_ko": "",
            "kind": "ai_factory",
            "status": "announced",
            "location": "",
            "location_ko": "",
            "city": "",
            "city_ko": "",
            "country": "",
            "disclosure": "undisclosed",
            "amount_qualifier": "exact",
            "amount": "",
            "currency": "",
            "amount_note": "",
            "amount_note_ko": "",
            "capacity_mw": "",
            "capacity_mw_target": "",
            "gpu_count": "",
            "gpu_count_qualifier": "exact",
            "start_date": "",
            "start_precision": "day",
            "target_date": "",
            "target_precision": "day",
            "summary": "",
            "summary_ko": "",
        },
    }


def inline_rows(data: Data) -> dict[tuple[str, str], dict]:
    """One valid new row per (model, inline prefix)."""
    return {
        ("deal", "parties"): {
            "company": str(data.company.pk),
            "role": "partner",
            "note": "",
            "note_ko": "",
        },
        ("deal", "events"): {
            "date": "2025-10-30",
            "date_precision": "day",
            "status": "announced",
            "source": "",
            "note": "",
            "note_ko": "",
        },
        ("deal", "meeting_links"): {"meeting": str(data.meeting.pk), "role": "discussed"},
        ("meeting", "attendance"): {
            "person": str(data.person.pk),
            "status": "attended",
            "source": "",
            "note": "",
            "note_ko": "",
        },
        ("meeting", "deal_links"): {"deal": str(data.deal.pk), "role": "discussed"},
        ("project", "parties"): {
            "company": str(data.other.pk),
            "role": "lead",
            "note": "",
            "note_ko": "",
        },
    }


@dataclass
class AdminForm:
    """A model's admin form: a valid POST, and the fields to attack with their kinds."""

    url: str
    post: dict
    fields: dict[str, str]  # POST name -> kind


_admin_forms: dict = {}


def admin_form(client, data: Data, model: str, *, change: bool) -> AdminForm:
    """Read the form's fields from the page itself, so fields added later are attacked too."""
    key = (model, change)
    if key in _admin_forms:
        return _admin_forms[key]
    record = data.by_model[model]
    url = (
        reverse(f"admin:deals_{model}_change", args=[record.pk])
        if change
        else reverse(f"admin:deals_{model}_add")
    )
    page = client.get(url)
    assert page.status_code == 200
    post = dict(admin_base(data)[model])
    if change:
        post["slug"] = record.slug
        post["loaded_version"] = str(record.version)
    fields: dict[str, str] = {}
    for name, form_field in page.context["adminform"].form.fields.items():
        kind = form_kind(name, form_field)
        if kind == "datetime":
            fields[f"{name}_0"], fields[f"{name}_1"] = "date", "time"
        elif kind and name not in ("loaded_version",):
            fields[name] = kind
    rows = inline_rows(data)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        row = rows.get((model, prefix))
        post.update(
            {
                f"{prefix}-TOTAL_FORMS": "1" if row else "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        if not row:
            continue
        post.update({f"{prefix}-0-{k}": v for k, v in row.items()})
        for name, form_field in formset.empty_form.fields.items():
            kind = form_kind(name, form_field)
            if kind and name in row:
                fields[f"{prefix}-0-{name}"] = kind
    _admin_forms[key] = AdminForm(url=url, post=post, fields=fields)
    return _admin_forms[key]


def admin_errors(response) -> set[str]:
    """POST names with an error on the redisplayed form, and "__all__" for form-wide ones."""
    if response.context is None or "adminform" not in response.context:
        return set()
    form = response.context["adminform"].form
    names = {n for n in form.errors if n != "__all__"}
    names = {f"{n}_{i}" for n in names for i in (0, 1)} | names
    if form.non_field_errors():
        names.add("__all__")
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for index, errors in enumerate(formset.errors):
            names |= {f"{formset.prefix}-{index}-{n}" for n in errors}
        if formset.non_form_errors():
            names.add("__all__")
    return names


ADMIN_MODELS = ["source", "exchangerate", "company", "person", "deal", "meeting", "project"]


@pytest.fixture
def admin_client(client, data):
    client.force_login(data.superuser)
    return client


def admin_request(data: Data, post: dict | None = None):
    request = RequestFactory().post("/", post or {})
    request.user = data.superuser
    return request


_form_classes: dict = {}


def form_classes(data: Data, model: str, change: bool) -> dict:
    """The admin's own form class and inline formset classes, by POST name prefix."""
    key = (model, change)
    if key not in _form_classes:
        model_admin = admin.site._registry[type(data.by_model[model])]
        request = admin_request(data)
        obj = data.by_model[model] if change else None
        classes = {"": model_admin.get_form(request, obj, change=change)}
        for formset_class, _inline in model_admin.get_formsets_with_inlines(request, obj):
            classes[formset_class.get_default_prefix()] = formset_class
        _form_classes[key] = classes
    return _form_classes[key]


def spread_cases(fields: dict[str, str], *, per_field: int, kinds=KINDS, every_case=True):
    """(field, case, may accept) to try: every case of a kind on some field of that kind (unless
    not `every_case`), and at least `per_field` cases on every field, the fields of a kind
    taking turns."""
    by_kind: dict[str, list[str]] = {}
    for name, kind in fields.items():
        if kind in kinds:
            by_kind.setdefault(kind, []).append(name)
    for kind, names in by_kind.items():
        cases, lenient = kinds[kind]
        if not cases:
            continue
        turns = per_field * len(names)
        for turn in range(max(len(cases), turns) if every_case else turns):
            yield (
                names[turn % len(names)],
                cases[turn % len(cases)],
                cases[turn % len(cases)].name in lenient,
            )


def owner_form(data: Data, model: str, change: bool, post: dict, name: str):
    """The bound form that owns the POST name (the main form or an inline row), validated."""
    classes = form_classes(data, model, change)
    record = data.by_model[model] if change else type(data.by_model[model])()
    prefix, _sep, rest = name.partition("-0-")
    if rest:
        formset = classes[prefix](post, instance=record, prefix=prefix)
        formset.is_valid()
        return formset.forms[0], rest
    form = classes[""](post, instance=record)
    form.is_valid()
    field_name = name.removesuffix("_0").removesuffix("_1")
    if not isinstance(form.fields.get(field_name), forms.SplitDateTimeField):
        field_name = name
    return form, field_name


def owner_errors(data: Data, model: str, change: bool, post: dict, name: str):
    """Whether the field has an error, and how the redrawn field looks."""
    form, field_name = owner_form(data, model, change, post, name)
    return field_name in form.errors, str(form[field_name])


@pytest.mark.parametrize("change", [False, True], ids=["add", "change"])
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_form_fields_refuse_bad_values(admin_client, data, model, change):
    """Every field of the admin's own forms, main and inline, with every case of its kind:
    refused with an error on that field (or kept, where the case means a real value), and the
    redrawn field shows the value escaped. The HTTP round trip is tested below."""
    form = admin_form(admin_client, data, model, change=change)
    failures = Failures()
    # The change form shares the add form's fields and cleaning: a case per field is enough.
    for name, case, lenient in spread_cases(
        form.fields, per_field=1 if change else 3, every_case=not change
    ):
        where = f"{model} {name}={show(case.value)}"
        try:
            refused, html = owner_errors(data, model, change, {**form.post, name: case.value}, name)
        except Exception as error:  # noqa: BLE001 - every crash is a finding
            failures.check(False, where, case, f"crashed: {error!r}")
            continue
        failures.check(refused or lenient, where, case, "no error")
        failures.check(SCRIPT not in html, where, case, "raw <script> in the field")
    # Text cases go into every text field at once; each form is validated once per case.
    owners: dict[str, list[str]] = {}
    for name, kind in form.fields.items():
        if kind == "text":
            owners.setdefault(name.partition("-0-")[0] if "-0-" in name else "", []).append(name)
    for case in hostile.TEXT_SMALL if not change else hostile.HTML[:1] + hostile.UNICODE[:1]:
        where = f"{model} text={show(case.value)}"
        post = {**form.post, **{n: case.value for names in owners.values() for n in names}}
        for names in owners.values():
            bound, _field = owner_form(data, model, change, post, names[0])
            for name in names:
                field_name = name.partition("-0-")[2] or name
                failures.check(
                    SCRIPT not in str(bound[field_name]), where, case, f"raw <script> in {name}"
                )
                if case.name in ("nul_byte", "only_nul"):
                    failures.check(field_name in bound.errors, where, case, f"NUL kept in {name}")
    failures.assert_none()


def test_admin_forms_attack_every_field_kind(admin_client, data):
    """The introspection finds what it should (a guard against silently testing nothing)."""
    kinds = {
        kind
        for model in ADMIN_MODELS
        for kind in admin_form(admin_client, data, model, change=False).fields.values()
    }
    assert kinds >= {
        "text",
        "number",
        "date",
        "time",
        "choice",
        "country",
        "currency",
        "timezone",
        "url",
        "slug",
        "id",
    }


def refused_rounds(form: AdminForm, rounds: int) -> list[dict]:
    """`rounds` POSTs in which every non-text field holds a value it must refuse, a different
    one per field and round, so a few requests carry every kind through the real view."""
    posts = []
    for round_ in range(rounds):
        post = dict(form.post)
        for index, (name, kind) in enumerate(form.fields.items()):
            if kind == "text":
                continue
            cases, lenient = KINDS[kind]
            refused = [c for c in cases if c.name not in lenient]
            post[name] = refused[(round_ + index) % len(refused)].value
        posts.append(post)
    return posts


ADMIN_TEXT_CASES = {
    False: ["script_tag", "nul_byte", "over_max_length", "ten_mb", "emoji"],
    True: ["script_tag", "nul_byte"],
}


@pytest.mark.parametrize("change", [False, True], ids=["add", "change"])
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_post_refuses_bad_values_and_writes_nothing(admin_client, data, model, change):
    """Through the real view: bad values in every field at once redisplay the form (200) with
    an error on each field, escaped, and leave every table, history included, as it was."""
    form = admin_form(admin_client, data, model, change=change)
    failures = Failures()
    for post in refused_rounds(form, 1 if change else 3):
        case = Case("round", post)
        before = row_counts()
        with undone():
            response = admin_client.post(form.url, post)
        where = f"POST {form.url}"
        failures.check(response.status_code == 200, where, case, f"{response.status_code}")
        if response.status_code == 200:
            missing = {n for n, k in form.fields.items() if k != "text"} - admin_errors(response)
            failures.check(not missing, where, case, f"no error on {sorted(missing)}")
        assert_escaped(failures, response, where, case)
        failures.check(row_counts() == before, where, case, "wrote something")
    text_fields = [name for name, kind in form.fields.items() if kind == "text"]
    for case in [c for c in hostile.TEXT if c.name in ADMIN_TEXT_CASES[change]]:
        post = {**form.post, **dict.fromkeys(text_fields, case.value)}
        with undone():
            check_text_post(failures, admin_client, form, model, post, case, text_fields, data)
    failures.assert_none()


def check_text_post(failures, client, form, model, post, case, text_fields, data):
    before = row_counts()
    response = client.post(form.url, post)
    where = f"{form.url} text={show(case.value)}"
    failures.check(
        response.status_code in (200, 302, 400), where, case, f"status {response.status_code}"
    )
    if case.name == "ten_mb":
        failures.check(response.status_code == 400, where, case, "10 MB was not refused")
    if case.name in ("nul_byte", "only_nul"):
        missing = set(text_fields) - admin_errors(response)
        failures.check(not missing, where, case, f"NUL taken by {sorted(missing)}")
    if response.status_code != 302:
        assert_escaped(failures, response, where, case)
        failures.check(row_counts() == before, where, case, "wrote something")
        return
    record = type(data.by_model[model]).objects.get(slug=post["slug"])
    change_page = reverse(f"admin:deals_{model}_change", args=[record.pk])
    for page in (change_page, reverse(f"admin:deals_{model}_changelist")):
        shown = client.get(page)
        failures.check(shown.status_code == 200, page, case, f"{shown.status_code}")
        assert_escaped(failures, shown, page, case)


# --- API writes -------------------------------------------------------------------------------

RESOURCES = ["sources", "exchange-rates", "companies", "people", "meetings", "projects", "deals"]
BASENAMES = {
    "sources": "source",
    "exchange-rates": "exchange-rate",
    "companies": "company",
    "people": "person",
    "meetings": "meeting",
    "projects": "project",
    "deals": "deal",
}
TARGETS = {
    "sources": "source",
    "exchange-rates": "rate",
    "companies": "company",
    "people": "person",
    "meetings": "meeting",
    "projects": "project",
    "deals": "deal",
}


def api_base(data: Data) -> dict[str, dict]:
    """A valid create body per resource, with every relation filled in."""
    return {
        "sources": {
            "slug": "api-source",
            "url": "https://example.com/api",
            "title": "Report",
            "publisher": "Daily",
            "published_on": "2025-10-30",
            "published_on_precision": "day",
            "language": "en",
        },
        "exchange-rates": {
            "slug": "api-rate",
            "currency": "KRW",
            "date": "2024-01-03",
            "rate": "1400.5",
            "source": data.source.slug,
            "note": "",
        },
        "companies": {
            "slug": "api-co",
            "name": "API Co",
            "kind": "other",
            "country": "KR",
            "parent": data.company.slug,
            "website": "https://example.com",
            "sources": [data.source.slug],
        },
        "people": {
            "slug": "api-person",
            "name": "Someone",
            "title": "CEO",
            "company": data.company.slug,
        },
        "meetings": {
            "slug": "api-meeting",
            "title": "Dinner",
            "kind": "dinner",
            "starts_at": "2025-10-30T19:30:00+09:00",
            "ends_at": "2025-10-30T22:00:00+09:00",
            "time_known": True,
            "timezone": "Asia/Seoul",
            "country": "KR",
            "parent": data.meeting.slug,
            "sources": [data.source.slug],
        },
        "projects": {
            "slug": "api-project",
            "name": "Factory",
            "kind": "ai_factory",
            "status": "announced",
            "country": "KR",
            "capacity_mw": "10",
            "capacity_mw_target": "20",
            "gpu_count": 1000,
            "gpu_count_qualifier": "exact",
            "start_date": "2025-01-01",
            "start_precision": "day",
            "target_date": "2026-01-01",
            "target_precision": "day",
            "amount": "100",
            "currency": "USD",
            "disclosure": "disclosed",
            "amount_qualifier": "exact",
            "sources": [data.source.slug],
        },
        "deals": {
            "slug": "api-deal",
            "title": "Supply",
            "kind": "supply_contract",
            "product": "GPUs",
            "product_category": "gpu",
            "quantity": "100",
            "quantity_unit": "gpus",
            "quantity_qualifier": "exact",
            "amount": "100",
            "currency": "USD",
            "disclosure": "disclosed",
            "amount_qualifier": "exact",
            "project": data.project.slug,
            "parties": [
                {"company": data.company.slug, "role": "supplier", "note": ""},
                {"company": data.other.slug, "role": "buyer", "note": ""},
            ],
            "events": [
                {
                    "date": "2025-10-30",
                    "status": "announced",
                    "date_precision": "day",
                    "note": "",
                    "source": data.source.slug,
                }
            ],
            "meetings": [{"meeting": data.meeting.slug, "role": "discussed"}],
            "sources": [data.source.slug],
        },
    }


SERIALIZER_KINDS = [
    (drf.ManyRelatedField | drf.RelatedField, "slug_ref"),
    (drf.BooleanField, "boolean"),
    (drf.ChoiceField, choice_kind),
    (drf.DecimalField | drf.IntegerField, "number"),
    (drf.DateTimeField, "datetime"),
    (drf.DateField, "date"),
    (drf.SlugField, "slug"),
    (drf.URLField, "url"),
    (drf.CharField, text_kind),
]


def serializer_kind(name: str, serializer_field) -> str | None:
    return field_kind(name, serializer_field, SERIALIZER_KINDS)


def api_fields(serializer, prefix: tuple = ()) -> dict[tuple, tuple[str, bool]]:
    """Every writable field, nested ones as (list name, 0, field): its kind and nullability."""
    found = {}
    for name, serializer_field in serializer.fields.items():
        if serializer_field.read_only or name in ("version", "publication"):
            continue
        if isinstance(serializer_field, drf.ListSerializer):
            found.update(api_fields(serializer_field.child, (*prefix, name, 0)))
            continue
        kind = serializer_kind(name, serializer_field)
        if kind:
            found[(*prefix, name)] = (kind, serializer_field.allow_null)
    return found


def put_at(body: dict, path: tuple, value) -> dict:
    body = json.loads(json.dumps(body))
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


#: What a reference by slug may be sent: every slug case, and an unknown one.
SLUG_REFS = [*hostile.SLUGS, Case("unknown_slug", "no-such-record")]
API_KINDS = {
    **KINDS,
    "slug_ref": (SLUG_REFS, set()),
    "boolean": ([], set()),
}


@pytest.fixture
def editor_api(data):
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {data.token}")
    return client


def api_write(client, method: str, url: str, body) -> object:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return getattr(client, method)(url, raw, content_type="application/json")


def check_api_refusal(failures, client, method, url, body, path, case, *, may_accept):
    name = ".".join(str(p) for p in path)
    where = f"{method.upper()} {url} {name}={show(case.value)}"
    before = row_counts()
    with undone():
        response = api_write(client, method, url, body)
    failures.check(response.status_code < 500, where, case, f"status {response.status_code}")
    if response.status_code in (200, 201):
        failures.check(may_accept, where, case, "accepted a value that should be refused")
        return
    failures.check(response.status_code == 400, where, case, f"status {response.status_code}")
    error = response.json().get("error", {}) if response.status_code == 400 else {}
    fields = error.get("fields", {})
    # A slug in a list names the list. A value that may be kept (9999-12-31) may still break
    # a rule between fields, which names the other field.
    named = name in fields or name.rsplit(".", 1)[0] in fields or path[0] in fields
    failures.check(
        named or (may_accept and fields), where, case, f"error does not name the field: {fields}"
    )
    failures.check(row_counts() == before, where, case, "wrote something")


@pytest.mark.parametrize("method", ["post", "put", "patch"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_api_write_refuses_bad_value_in_each_field(editor_api, data, resource, method):
    base = api_base(data)[resource]
    basename = BASENAMES[resource]
    write_serializer = api_write_serializer(resource)
    url = reverse(f"api:{basename}-list")
    if method != "post":
        target = getattr(data, TARGETS[resource])
        url = reverse(f"api:{basename}-detail", args=[target.slug])
        base = {**base, "slug": target.slug}
        if "parent" in base:  # the record itself as its own parent would be a loop
            base["parent"] = None
    failures = Failures()
    fields = api_fields(write_serializer)
    kinds = {path: kind for path, (kind, _nullable) in fields.items()}
    # Each field with cases of its kind (text ones go in all at once, in the next test), and
    # each field with wrong JSON types, the cases taking turns over the fields.
    wrong = dict.fromkeys(fields, "wrong")
    wrong_kinds = {"wrong": (hostile.WRONG_JSON_TYPES, set())}
    # A replace and a patch run the same checks as a create: a case or two per field.
    per_field, every_case = (2, True) if method == "post" else (1, False)
    for path, case, lenient in [
        *spread_cases(kinds, per_field=per_field, kinds=API_KINDS, every_case=every_case),
        *spread_cases(wrong, per_field=per_field, kinds=wrong_kinds, every_case=every_case),
    ]:
        kind, nullable = fields[path]
        if kind == "boolean" and case.name == "true_for_scalar":
            continue
        may_accept = (
            lenient
            or (case.name == "null_for_required" and nullable)
            or (
                kind == "text" and case.name == "huge_int"  # a number is read as its digits
            )
        )
        value = case.value
        if kind == "slug_ref" and path[-1] == "sources" and not isinstance(value, list):
            value = [value]
        body = (
            {path[0]: value} if method == "patch" and len(path) == 1 else put_at(base, path, value)
        )
        check_api_refusal(
            failures, editor_api, method, url, body, path, case, may_accept=may_accept
        )
    failures.assert_none()


@pytest.mark.parametrize("resource", RESOURCES)
def test_api_create_without_a_required_field_names_it(editor_api, data, resource):
    url = reverse(f"api:{BASENAMES[resource]}-list")
    failures = Failures()
    for name, serializer_field in api_write_serializer(resource).fields.items():
        if not serializer_field.required:
            continue
        case = Case(f"missing_{name}", None)
        body = {k: v for k, v in api_base(data)[resource].items() if k != name}
        check_api_refusal(failures, editor_api, "post", url, body, (name,), case, may_accept=False)
    failures.assert_none()


#: JSON carries markup and SQL as plain strings: one of each is enough for the API, which
#: renders no HTML; every Unicode case and the long ones stay.
API_TEXT_CASES = [c for c in hostile.TEXT if c not in hostile.HTML[1:] and c not in hostile.SQL[1:]]


@pytest.mark.parametrize("resource", RESOURCES)
def test_api_write_text_cases_in_every_text_field(editor_api, data, resource):
    """Each text case in every text field at once: refused naming a field, or kept as text."""
    base = api_base(data)[resource]
    url = reverse(f"api:{BASENAMES[resource]}-list")
    failures = Failures()
    text_paths = [
        path
        for path, (kind, _n) in api_fields(api_write_serializer(resource)).items()
        if kind == "text"
    ]
    for case in API_TEXT_CASES:
        body = base
        for path in text_paths:
            body = put_at(body, path, case.value)
        before = row_counts()
        where = f"POST {url} text={show(case.value)}"
        with undone():
            response = api_write(editor_api, "post", url, body)
            if response.status_code == 201:
                shown = editor_api.get(response["Location"])
                failures.check(shown.status_code == 200, where, case, "not readable back")
                if case.name in ("script_tag", "rtl_override"):
                    check_public_page(failures, resource, shown.json(), where, case)
        failures.check(
            response.status_code in (201, 400, 413), where, case, f"status {response.status_code}"
        )
        if response.status_code == 400:
            failures.check(
                bool(response.json()["error"]["fields"]), where, case, "400 without naming a field"
            )
        if response.status_code != 201:
            failures.check(bool(response.json()["error"]["message"]), where, case, "no message")
            failures.check(row_counts() == before, where, case, "wrote something")
        if case.name in ("nul_byte", "only_nul", "ten_mb"):
            failures.check(response.status_code in (400, 413), where, case, "not refused")
    failures.assert_none()


RESOURCE_MODELS = {
    "sources": models.Source,
    "exchange-rates": models.ExchangeRate,
    "companies": models.Company,
    "people": models.Person,
    "meetings": models.Meeting,
    "projects": models.Project,
    "deals": models.Deal,
}


def check_public_page(failures, resource: str, record: dict, where: str, case: Case) -> None:
    """Publish what the API just kept, and read its public page: the text shows escaped."""
    if not record.get("html_url"):
        return
    editorial.record_publish(record=RESOURCE_MODELS[resource].objects.get(slug=record["slug"]))
    page = Client().get(urllib.parse.urlsplit(record["html_url"]).path)
    failures.check(page.status_code == 200, where, case, f"public page {page.status_code}")
    assert_escaped(failures, page, where, case)


def api_write_serializer(resource: str):
    name = {"exchange-rates": "ExchangeRate", "people": "Person", "companies": "Company"}.get(
        resource, resource[:-1].capitalize()
    )
    return getattr(api_serializers, f"{name}WriteSerializer")()


@pytest.mark.parametrize("case", hostile.RAW_BODIES, ids=hostile.ids)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_api_write_refuses_broken_bodies(editor_api, data, method, case):
    url = (
        reverse("api:deal-list")
        if method == "post"
        else reverse("api:deal-detail", args=[data.deal.slug])
    )
    before = row_counts()
    with undone():
        response = api_write(editor_api, method, url, case.value)
    assert response.status_code == 400 or (
        case.name in ("duplicate_keys", "empty_body") and response.status_code in (200, 400)
    ), response.content[:300]
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["message"]
    else:
        assert method == "patch"
    if response.status_code == 400:
        assert row_counts() == before


def test_admin_inline_row_repeating_a_saved_row_is_a_form_error(admin_client, data):
    """A new attendance row for someone already listed (saved meanwhile by another editor, so
    not on this form) was a unique violation in the database: a server error."""
    form = admin_form(admin_client, data, "meeting", change=True)
    before = row_counts()
    response = admin_client.post(form.url, form.post)  # the row names data.person again
    assert response.status_code == 200
    assert "already listed for this meeting" in response.content.decode()
    assert row_counts() == before


# --- Public pages: every query parameter, the cursor, and slugs in the address -----------------

#: Every value a query parameter may be sent, whatever the parameter.
QUERY_CASES = [
    *hostile.QUERY_VALUES,
    *hostile.DATES,
    *hostile.DATETIMES,
    *hostile.NUMBERS,
    *hostile.ENUMS,
    *hostile.PAGE_SIZES,
    *[Case(c.name, urllib.parse.unquote(c.value)) for c in hostile.CURSORS],
]

#: Page → the parameters it reads.
PAGE_PARAMS = {
    "/deals/": filters.DealFilterSet,
    "/ko/deals/": filters.DealFilterSet,
    "/deals.csv": filters.DealFilterSet,
    "/graph/data.json": filters.DealFilterSet,
    "/graph/": filters.DealFilterSet,
    "/ko/graph/": filters.DealFilterSet,
    "/companies/": filters.CompanyFilterSet,
    "/ko/companies/": filters.CompanyFilterSet,
    "/people/": filters.PersonFilterSet,
    "/meetings/": filters.MeetingFilterSet,
    "/projects/": filters.ProjectFilterSet,
    "/sources/": filters.SourceFilterSet,
    "/search/": None,
    "/ko/search/": None,
    "/feed/": None,
    "/": None,
    "/companies/hostile-co/feed/": None,
    "/companies/hostile-co/": None,
}
EXTRA_PARAMS = ["q", "page", "cursor", "ordering", "around", "limit"]


def page_params(path: str) -> list[str]:
    filterset = PAGE_PARAMS[path]
    names = list(filterset.base_filters) if filterset else []
    return names + [name for name in EXTRA_PARAMS if name not in names]


def rotations(params: list[str], cases: list[Case], *, each: int = 2) -> list[dict]:
    """Query strings in which every parameter holds a different case, the cases taking turns,
    so that each case reaches at least `each` parameters in a few requests. The public lists
    read each parameter on its own (an invalid one is shown as an error, the rest apply)."""
    rounds = max(-(-len(cases) * each // len(params)), each)
    return [
        {name: cases[(r * len(params) + i) % len(cases)] for i, name in enumerate(params)}
        for r in range(rounds)
    ]


def assert_public_answer(failures, response, where, case):
    failures.check(
        response.status_code in (200, 400, 404), where, case, f"status {response.status_code}"
    )
    assert_escaped(failures, response, where, case)
    if response.get("Content-Type", "").startswith("text/csv"):
        body = response.content.decode("utf-8", "replace")
        failures.check(
            SCRIPT not in body or "<script>" not in body.split("\n", 1)[0],
            where,
            case,
            "header row changed",
        )


@pytest.mark.parametrize("path", PAGE_PARAMS)
def test_public_page_survives_hostile_parameters(client, data, path):
    failures = Failures()
    before = row_counts()
    for query in rotations(page_params(path), QUERY_CASES):
        response = client.get(path, {name: case.value for name, case in query.items()})
        case = Case(",".join(sorted({c.name for c in query.values()}))[:80], query)
        assert_public_answer(failures, response, f"GET {path}", case)
    failures.check(row_counts() == before, path, Case("reads", None), "a read wrote rows")
    failures.assert_none()


@pytest.mark.parametrize("path", ["/search/", "/ko/search/"])
def test_search_page_survives_every_query_value(client, data, path):
    """The search box's q, on its own, with every case: the page reads it directly."""
    failures = Failures()
    for case in QUERY_CASES:
        assert_public_answer(failures, client.get(path, {"q": case.value}), f"GET {path}", case)
    failures.assert_none()


@pytest.mark.parametrize("case", hostile.RAW_QUERY_STRINGS, ids=hostile.ids)
def test_public_pages_survive_raw_query_strings(client, data, case):
    failures = Failures()
    for path in PAGE_PARAMS:
        response = client.get(path, QUERY_STRING=case.value.decode("latin-1"))
        assert_public_answer(failures, response, f"GET {path}", case)
    failures.assert_none()


def tampered_cursors(sort_keys) -> list[Case]:
    """Cursors in our own encoding whose position is hostile, for each sort key."""
    positions = [
        [False, "\x00", 1],
        [False, "x" * 3000, 1],
        [False, "NaN", 1],
        [False, "Infinity", 1],
        [False, "1e999999", 1],
        [False, "2025-02-30", 1],
        [False, SCRIPT, 1],
        [False, "9999-12-31T23:59:59-12:00", 1],
        [False, None, 1],
        [True, "x", -5],
        [True, None, 2**70],
        [False, "0001-01-01T00:00:00+14:00", 2**63],
    ]
    return [
        Case(f"{key}:{show(position)}", (key, keyset.encode(position, backwards=backwards)))
        for key in sort_keys
        for position in positions
        for backwards in (False, True)
    ]


LISTS = {
    "/deals/": filters.DealFilterSet,
    "/companies/": filters.CompanyFilterSet,
    "/people/": filters.PersonFilterSet,
    "/meetings/": filters.MeetingFilterSet,
    "/projects/": filters.ProjectFilterSet,
    "/sources/": filters.SourceFilterSet,
}


@pytest.mark.parametrize("path", LISTS)
def test_public_list_refuses_tampered_cursor(client, data, path):
    failures = Failures()
    keys = [*LISTS[path].base_filters["ordering"].keys]
    for case in tampered_cursors(keys):
        key, token = case.value
        for ordering in (key, f"-{key}"):
            response = client.get(path, {"ordering": ordering, "cursor": token})
            failures.check(
                response.status_code in (200, 404),
                f"GET {path}",
                case,
                f"status {response.status_code}",
            )
            assert_escaped(failures, response, path, case)
    failures.assert_none()


SLUG_PAGES = [
    "/deals/{}/",
    "/companies/{}/",
    "/companies/{}/feed/",
    "/meetings/{}/",
    "/projects/{}/",
    "/people/{}/",
    "/ko/deals/{}/",
    "/graph/data.json?around={}",
    "/api/v1/deals/{}/",
    "/api/v1/companies/{}/",
    "/api/v1/people/{}/",
    "/api/v1/meetings/{}/",
    "/api/v1/projects/{}/",
    "/api/v1/sources/{}/",
    "/api/v1/exchange-rates/{}/",
    "/api/v1/deals/{}/history/",
    "/admin/deals/deal/{}/change/",
    "/admin/deals/deal/{}/history/",
]


@pytest.mark.parametrize("case", hostile.SLUGS, ids=hostile.ids)
def test_weird_slugs_in_addresses_are_not_found(admin_client, data, case):
    failures = Failures()
    for page in SLUG_PAGES:
        response = admin_client.get(page.format(case.value))
        failures.check(
            response.status_code in (301, 302, 400, 404),
            page,
            case,
            f"status {response.status_code}",
        )
        assert_escaped(failures, response, page, case)
    api = APIClient(HTTP_HOST="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {data.token}")
    before = row_counts()
    response = api.patch(f"/api/v1/deals/{case.value}/", {"title": "x"}, format="json")
    failures.check(response.status_code in (400, 404), "PATCH", case, f"{response.status_code}")
    failures.check(row_counts() == before, "PATCH", case, "wrote something")
    failures.assert_none()


# --- API reads ----------------------------------------------------------------------------------

API_READ_KINDS = {
    "text": (hostile.QUERY_VALUES, set()),
    "date": ([*hostile.DATES, *hostile.DATETIMES[:4]], set()),
    "datetime": ([*hostile.DATETIMES, *hostile.DATES[:4]], set()),
    "choice": (hostile.ENUMS, set()),
    "page_size": (hostile.PAGE_SIZES, set()),
    "cursor": ([Case(c.name, urllib.parse.unquote(c.value)) for c in hostile.CURSORS], set()),
}


def api_read_params(filterset) -> dict[str, str]:
    kinds = {}
    for name, filter_ in filterset.base_filters.items():
        if isinstance(filter_, django_filters.IsoDateTimeFilter):
            kinds[name] = "datetime"
        elif isinstance(filter_, django_filters.DateFilter):
            kinds[name] = "date"
        elif isinstance(
            filter_,
            django_filters.ChoiceFilter
            | django_filters.BooleanFilter
            | django_filters.MultipleChoiceFilter,
        ):
            kinds[name] = "choice"
        else:
            kinds[name] = "text"
    return {
        **kinds,
        "search": "text",
        "page_size": "page_size",
        "cursor": "cursor",
        "as_of": "datetime",
    }


API_LISTS = {
    "deal": filters.DealFilterSet,
    "company": filters.CompanyFilterSet,
    "person": filters.PersonFilterSet,
    "meeting": filters.MeetingFilterSet,
    "project": filters.ProjectFilterSet,
    "source": filters.SourceFilterSet,
    "exchange-rate": filters.ExchangeRateFilterSet,
}


def check_api_read(failures, client, url, params, where, case, *, name=None):
    response = client.get(url, params)
    failures.check(
        response.status_code in (200, 400), where, case, f"status {response.status_code}"
    )
    if response.status_code == 400:
        error = response.json()["error"]
        failures.check(bool(error["message"]), where, case, "400 without a message")
        if name:
            failures.check(
                name in error["fields"] or not error["fields"],
                where,
                case,
                f"400 names {list(error['fields'])}, not {name}",
            )


@pytest.mark.parametrize("basename", API_LISTS)
def test_api_list_parameters_refuse_or_ignore_hostile_values(editor_api, data, basename):
    """Each filter, search, ordering, page_size, cursor and as_of with the cases of its kind:
    a 400 naming the parameter, or a page; never a server error."""
    url = reverse(f"api:{basename}-list")
    failures = Failures()
    params = api_read_params(API_LISTS[basename])
    for name, case, _lenient in spread_cases(params, per_field=3, kinds=API_READ_KINDS):
        check_api_read(
            failures,
            editor_api,
            url,
            {name: case.value},
            f"GET {url}?{name}={show(case.value)}",
            case,
            name=name,
        )
    detail = (
        reverse(f"api:{basename}-detail", args=["hostile-deal"]) if basename == "deal" else None
    )
    for case in hostile.DATETIMES + hostile.DATES if detail else []:
        check_api_read(
            failures,
            editor_api,
            detail,
            {"as_of": case.value},
            f"GET {detail}?as_of={show(case.value)}",
            case,
            name="as_of",
        )
    for case in tampered_cursors(API_LISTS[basename].base_filters["ordering"].keys):
        key, token = case.value
        for ordering in (key, f"-{key}"):
            check_api_read(
                failures,
                editor_api,
                url,
                {"ordering": ordering, "cursor": token},
                f"GET {url} cursor",
                case,
                name="cursor",
            )
    for case in hostile.RAW_QUERY_STRINGS:
        response = editor_api.get(url, QUERY_STRING=case.value.decode("latin-1"))
        failures.check(
            response.status_code in (200, 400), f"GET {url}", case, f"status {response.status_code}"
        )
    failures.assert_none()


def test_exchange_rates_can_be_searched(data):
    """They have no names; search looks in the currency and the notes instead of failing."""
    models.ExchangeRate.objects.filter(pk=data.rate.pk).update(note="Bank of Korea close")
    assert list(models.ExchangeRate.objects.search("krw")) == [data.rate]
    assert list(models.ExchangeRate.objects.search("bank of")) == [data.rate]
    assert list(models.ExchangeRate.objects.search(SCRIPT)) == []


@pytest.mark.parametrize(("day", "time"), [("0001-01-01", "00:00"), ("9999-12-31", "23:59")])
def test_admin_meeting_at_the_ends_of_the_calendar(admin_client, data, day, time):
    """Valid dates whose moment in UTC (or in the meeting's own zone) leaves years 1 to 9999:
    refused on the form, not stored to crash every page that shows the meeting."""
    form = admin_form(admin_client, data, "meeting", change=False)
    post = {
        **form.post,
        "starts_at_0": day,
        "starts_at_1": time,
        "timezone": "Pacific/Kiritimati",
        "attendance-TOTAL_FORMS": "0",
        "deal_links-TOTAL_FORMS": "0",
    }
    before = row_counts()
    response = admin_client.post(form.url, post)
    assert response.status_code == 200
    assert "starts_at_0" in admin_errors(response)
    assert row_counts() == before


ADMIN_LIST_CASES = [
    next(c for c in hostile.QUERY_VALUES if c.name == name)
    for name in (
        "nul_byte",
        "script_tag",
        "sql_quote",
        "long_value",
        "emoji",
        "compat_jamo",
        "percent_alone",
        "sql_like_wildcards",
    )
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelist_and_autocomplete_survive_hostile_parameters(admin_client, data, model):
    url = reverse(f"admin:deals_{model}_changelist")
    failures = Failures()
    requests = [
        *[(case, {"q": case.value}) for case in ADMIN_LIST_CASES],
        *[
            (case, {name: case.value})
            for case in ADMIN_LIST_CASES[:3]
            for name in ("publication__exact", "updated_at__gte")
        ],
        *[(case, {name: case.value}) for case in hostile.PAGE_SIZES[:3] for name in "op"],
    ]
    for case, params in requests:
        response = admin_client.get(url, params)
        failures.check(
            response.status_code in (200, 302, 400, 404),
            f"GET {url} {params}",
            case,
            f"status {response.status_code}",
        )
        assert_escaped(failures, response, url, case)
    autocomplete = reverse("admin:autocomplete")
    for case in ADMIN_LIST_CASES:
        params = {
            "term": case.value,
            "app_label": "deals",
            "model_name": "deal",
            "field_name": "sources",
        }
        response = admin_client.get(autocomplete, params)
        failures.check(
            response.status_code in (200, 400, 403, 404),
            autocomplete,
            case,
            f"status {response.status_code}",
        )
    failures.assert_none()
