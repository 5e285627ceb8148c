"""Builders shared by the API tests: one published record of each kind, with the relations
its endpoint loads, so query-count tests exercise every prefetch."""

import datetime as dt
import json
from decimal import Decimal

from deals.models import AttendanceStatus, ProjectRole, Publication
from tests import factories

PUBLISHED = Publication.PUBLISHED


def published_source(**fields):
    return factories.SourceFactory(publication=PUBLISHED, **fields)


def build_deal(**fields):
    return factories.make_deal(**fields)


def build_company(**fields):
    parent = factories.CompanyFactory(publication=PUBLISHED)
    company = factories.CompanyFactory(publication=PUBLISHED, parent=parent, **fields)
    company.sources.set([published_source(), published_source()])
    return company


def build_person(**fields):
    return factories.PersonFactory(
        publication=PUBLISHED, company=factories.CompanyFactory(publication=PUBLISHED), **fields
    )


def build_meeting(**fields):
    meeting = factories.MeetingFactory(publication=PUBLISHED, **fields)
    for status in (AttendanceStatus.ATTENDED, AttendanceStatus.EXPECTED):
        factories.AttendanceFactory(
            meeting=meeting,
            status=status,
            person=factories.PersonFactory(publication=PUBLISHED),
        )
    meeting.sources.set([published_source()])
    return meeting


def build_project(**fields):
    project = factories.ProjectFactory(publication=PUBLISHED, **fields)
    for role in (ProjectRole.LEAD, ProjectRole.FUNDER):
        factories.ProjectPartyFactory(
            project=project,
            role=role,
            company=factories.CompanyFactory(publication=PUBLISHED),
        )
    project.sources.set([published_source()])
    return project


def build_source(**fields):
    return published_source(**fields)


_rate_days = iter(range(10_000))


def build_exchange_rate(**fields):
    fields.setdefault("date", dt.date(2020, 1, 1) + dt.timedelta(days=next(_rate_days)))
    return factories.ExchangeRateFactory(
        publication=PUBLISHED, source=published_source(), rate=Decimal("1400.5"), **fields
    )


#: path segment → (builder, draft factory kwargs builder)
RESOURCES = {
    "deals": build_deal,
    "companies": build_company,
    "people": build_person,
    "meetings": build_meeting,
    "projects": build_project,
    "sources": build_source,
    "exchange-rates": build_exchange_rate,
}


def build_draft(resource: str):
    if resource == "deals":
        return factories.make_deal(publication=Publication.DRAFT)
    factory = {
        "companies": factories.CompanyFactory,
        "people": factories.PersonFactory,
        "meetings": factories.MeetingFactory,
        "projects": factories.ProjectFactory,
        "sources": factories.SourceFactory,
        "exchange-rates": factories.ExchangeRateFactory,
    }[resource]
    if resource == "exchange-rates":
        return factory(date=dt.date(2019, 1, 1), publication=Publication.DRAFT)
    return factory(publication=Publication.DRAFT)


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


def export_lines(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return [json.loads(line) for line in body.splitlines() if line]


def assert_error(response, status: int, *fields: str):
    """The one error shape, with the status, the request id and (for 400) each named field."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] and error["message"]
    assert isinstance(error["fields"], dict)
    # The id a client quotes when it reports the problem: the one in the header and the log.
    assert error["request_id"] and error["request_id"] == response["X-Request-ID"]
    for field in fields:
        assert field in error["fields"], (field, error["fields"])
        assert all(isinstance(m, str) and m for m in error["fields"][field])
    return error
