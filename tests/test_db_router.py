"""The read-replica router: reads to a replica, a request that wrote stays on the primary.

The replica is Django's test mirror of the test database (`TEST_REPLICA_MIRROR` in the pytest
environment), so these tests commit for real and watch which connection each query used.
"""

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals.models import Company
from dealtracker import db_router
from tests import factories

ROUTER = ["dealtracker.db_router.PrimaryReplicaRouter"]
PIN = "dealtracker.db_router.PinPrimaryMiddleware"

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica1"]
)


@pytest.fixture
def routed():
    db_router.reset()
    with override_settings(DATABASE_ROUTERS=ROUTER):
        yield
    db_router.reset()


class Watch:
    """Counts the queries that reach the primary and the replica."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica1"]).__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_the_replica_alias_mirrors_the_test_database():
    assert (
        connections["replica1"].settings_dict["NAME"]
        == (connections["default"].settings_dict["NAME"])
    )


def test_reads_go_to_the_replica(routed):
    factories.CompanyFactory(slug="hanbit")
    db_router.reset()
    with Watch() as watch:
        assert Company.objects.get(slug="hanbit").slug == "hanbit"
    assert len(watch.replica) == 1
    assert len(watch.primary) == 0


def test_after_a_write_the_same_request_reads_from_the_primary(routed):
    db_router.reset()
    with Watch() as watch:
        company = factories.CompanyFactory(slug="solbit")
        assert Company.objects.get(pk=company.pk).slug == "solbit"
    assert len(watch.replica) == 0
    assert any("INSERT" in q["sql"] for q in watch.primary.captured_queries)
    assert any(
        '"slug"' in q["sql"] and "SELECT" in q["sql"] for q in watch.primary.captured_queries
    )


def test_reads_inside_a_transaction_stay_on_the_primary(routed):
    factories.CompanyFactory(slug="gaon")
    db_router.reset()
    with Watch() as watch, transaction.atomic():
        Company.objects.get(slug="gaon")
    assert len(watch.replica) == 0
    assert len(watch.primary) >= 1


def test_a_new_request_unpins(routed):
    db_router.pin_to_primary()
    db_router.reset()
    assert db_router.PrimaryReplicaRouter().db_for_read(Company) == "replica1"


def test_migrations_run_on_the_primary_only():
    router = db_router.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "deals")
    assert not router.allow_migrate("replica1", "deals")


def test_anonymous_page_reads_from_the_replica(client, routed, settings):
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], PIN, *settings.MIDDLEWARE[1:]]
    with Watch() as watch:
        response = client.get(reverse("deals:company_list"))
    assert response.status_code == 200
    assert len(watch.replica) >= 1
    assert len(watch.primary) == 0


def test_a_post_and_a_signed_in_request_are_pinned_to_the_primary(
    client, routed, settings, django_user_model
):
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], PIN, *settings.MIDDLEWARE[1:]]
    with Watch() as watch:
        client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert len(watch.replica) == 0
    user = django_user_model.objects.create_user("editor", password="x-long-password-1")
    client.force_login(user)
    with Watch() as watch:
        response = client.get(reverse("deals:company_list"))
    assert response.status_code == 200
    assert len(watch.replica) == 0
    assert len(watch.primary) >= 1
