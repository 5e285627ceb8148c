"""sitemap.xml: every public page in English and Korean, with each other as alternates."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Company, Deal, Meeting, Person, Project


class RecordSitemap(Sitemap):
    """The published records of one model."""

    model = None
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, obj):
        return obj.updated_at


class DealSitemap(RecordSitemap):
    model = Deal
    priority = 0.8


class CompanySitemap(RecordSitemap):
    model = Company
    priority = 0.6


class MeetingSitemap(RecordSitemap):
    model = Meeting


class ProjectSitemap(RecordSitemap):
    model = Project


class PersonSitemap(RecordSitemap):
    model = Person
    priority = 0.4


class PageSitemap(Sitemap):
    """The home page, the lists, the network."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"
    priority = 0.7
    pages = (
        "deals:home",
        "deals:deal_list",
        "deals:company_list",
        "deals:meeting_list",
        "deals:project_list",
        "deals:person_list",
        "deals:source_list",
        "deals:graph",
    )

    def items(self):
        return list(self.pages)

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "deals": DealSitemap,
    "companies": CompanySitemap,
    "meetings": MeetingSitemap,
    "projects": ProjectSitemap,
    "people": PersonSitemap,
}
