"""The OpenAPI schema generates cleanly, and the docs are served without a CDN."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning into an error.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_schema_documents_filters_errors_and_the_export(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    deals = schema["paths"]["/api/v1/deals/"]["get"]
    names = {p["name"] for p in deals["parameters"]}
    assert {
        "status",
        "kind",
        "product_category",
        "company",
        "supplier",
        "buyer",
        "country",
        "announced_after",
        "announced_before",
        "disclosed",
        "updated_since",
        "q",
        "search",
        "ordering",
        "cursor",
        "page_size",
    } <= names
    assert {"200", "304", "400", "429"} <= set(deals["responses"])
    create = schema["paths"]["/api/v1/deals/"]["post"]
    assert {"201", "400", "401", "403", "409"} <= set(create["responses"])
    assert "delete" not in schema["paths"]["/api/v1/deals/{slug}/"]
    export = schema["paths"]["/api/v1/export/"]["get"]
    assert "application/x-ndjson" in export["responses"]["200"]["content"]
    assert "Error" in schema["components"]["schemas"]
    assert "DealStatusEnum" in schema["components"]["schemas"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_their_assets_from_this_site(api, path):
    response = api.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_schema_documents_as_of_history_if_match_and_request_id(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for resource in ("deals", "companies", "people", "meetings", "projects", "sources"):
        for path in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{{slug}}/"):
            assert "as_of" in {p["name"] for p in paths[path]["get"]["parameters"]}, path
        assert f"/api/v1/{resource}/{{slug}}/history/" in paths
        for method in ("put", "patch"):
            operation = paths[f"/api/v1/{resource}/{{slug}}/"][method]
            assert {"name": "If-Match", "in": "header"}.items() <= next(
                p for p in operation["parameters"] if p["name"] == "If-Match"
            ).items()
            assert "412" in operation["responses"]
    assert "/api/v1/exchange-rates/{slug}/history/" not in paths
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert "request_id" in error["required"]
