"""Property-based run over every endpoint and method, in process against the WSGI app.

Schemathesis reads /api/schema/ and sends generated requests, valid and not, to each
operation: no answer may be a server error, and every answer must match what the schema says
(status, content type, headers and body). Examples are bounded so the run stays short.
"""

import os

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import checks  # noqa: E402

from tests.api.conftest import token_client  # noqa: E402
from tests.api.helpers import RESOURCES, build_draft  # noqa: E402

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db, monkeypatch):
    # Generated requests would soon hit the anonymous rate; the throttle has its own tests.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(("anon", "anon-export", "user"), "100000/minute"),
    )
    for resource, build in RESOURCES.items():
        build()
        build_draft(resource)
    # Like Django's test client: a finished request must not close the test's connection,
    # which holds the test transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


BOUNDED = settings(
    # A couple of minutes at most in CI; raise SCHEMATHESIS_EXAMPLES for a deeper run.
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10")),
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def run_every_operation(schema, headers) -> list[str]:
    """Bounded examples for each operation; the failures, one line each, or an empty list."""
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the schema should list every endpoint and method"
    for operation in operations:

        @given(case=operation.as_strategy())
        @BOUNDED
        def check(case):
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            check()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {str(error).splitlines()[0:3]}")
    return failures


def test_anonymous_requests_conform_to_the_schema(api_schema):
    assert run_every_operation(api_schema, {"Host": "localhost"}) == []


def test_editor_requests_conform_to_the_schema(api_schema, editor):
    key = token_client(editor)._credentials["HTTP_AUTHORIZATION"]
    assert run_every_operation(api_schema, {"Host": "localhost", "Authorization": key}) == []
