"""Build real history at controlled times, for the as-of and history tests.

simple_history stamps each historical row with `timezone.now()`; patching it makes every write
inside `at(...)` land at that moment, so a test can ask what was published before and after.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from deals import editorial, services
from deals.models import Disclosure, PartyRole, Publication
from tests import factories

KST = dt.timezone(dt.timedelta(hours=9))


def kst(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Seoul time, `day` counted from 1 October 2025 (32 is 1 November)."""
    return dt.datetime(2025, 10, 1, hour, minute, tzinfo=KST) + dt.timedelta(days=day - 1)


@contextmanager
def at(when: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def published_company(when, **fields):
    with at(when):
        return factories.CompanyFactory(publication=Publication.PUBLISHED, **fields)


def samsung_deal(when, *, supplier, buyer, publication=Publication.PUBLISHED, **fields):
    """The Korean story's deal, made through the services at `when`."""
    with at(when):
        return factories.make_deal(
            supplier=supplier,
            buyer=buyer,
            publication=publication,
            title="Nvidia to supply 50,000 GPUs to Samsung",
            title_ko="엔비디아, 삼성에 GPU 5만 장 공급",
            **fields,
        )


def correct(deal, when, **fields):
    """An editor's correction through deal_update, as the API and admin make it."""
    with at(when):
        return services.deal_update(deal=deal, fields=fields, expected_version=deal.version)


def replace_parties(deal, when, parties):
    with at(when):
        return services.deal_update(
            deal=deal,
            fields={},
            parts=services.DealParts(
                parties=[
                    services.PartySpec(company=company, role=role) for company, role in parties
                ]
            ),
        )


def publish(record, when):
    with at(when):
        return editorial.record_publish(record=record)


def unpublish(record, when):
    with at(when):
        return editorial.record_unpublish(record=record)


def disclose(deal, when, amount: str):
    return correct(
        deal, when, disclosure=Disclosure.DISCLOSED, amount=Decimal(amount), currency="USD"
    )


__all__ = [
    "KST",
    "PartyRole",
    "at",
    "correct",
    "disclose",
    "kst",
    "publish",
    "published_company",
    "replace_parties",
    "samsung_deal",
    "unpublish",
]
