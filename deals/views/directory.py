"""Pages of the records around deals: companies, people, meetings, projects and sources."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_countries.fields import Country

from ..cache import cached_for_generation
from ..filters import (
    CompanyFilterSet,
    MeetingFilterSet,
    PersonFilterSet,
    ProjectFilterSet,
    SourceFilterSet,
)
from ..models import (
    AttendanceStatus,
    Company,
    Deal,
    Meeting,
    PartyRole,
    Person,
    Project,
    Source,
)
from .base import PublishedListView, PublishedMixin

#: A detail page lists at most this many related rows of a kind, so its cost stays fixed.
RELATED_LIMIT = 100
#: What Company.objects.with_totals() adds, shown in a company page's headline figures.
TOTALS = ("deals_as_supplier", "deals_as_buyer", "gpus_supplied", "gpus_bought",
          "usd_supplied", "usd_bought")


class CompanyListView(PublishedListView):
    model = Company
    filterset_class = CompanyFilterSet
    template_name = "deals/company_list.html"
    sort_options = [("name", _("Name (English)")), ("name_ko", _("Name (Korean)")),
                    ("-updated_at", _("Recently updated"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        codes = Company.objects.published().exclude(country="").values_list("country", flat=True)
        context["countries"] = sorted(
            {Country(code) for code in codes.distinct().order_by()}, key=lambda c: str(c.name)
        )
        return context

    def get_queryset(self):
        return super().get_queryset().with_related().with_totals()


class CompanyDetailView(PublishedMixin, DetailView):
    model = Company
    template_name = "deals/company_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.object
        # The totals scan all of the company's deals (a tenth of the table for the busiest):
        # kept until the next edit (deals/cache.py).
        totals = cached_for_generation(
            "company-totals", (str(company.pk),),
            lambda: Company.objects.filter(pk=company.pk).with_totals().values(*TOTALS).get(),
        )
        for name in TOTALS:
            setattr(company, name, totals[name])
        deals = Deal.objects.published().for_lists()

        def involving(role, count):
            # No query when the totals say there is nothing: for a company in many deals the
            # planner would otherwise walk the whole date index looking for a role it never
            # has (the busiest supplier as a buyer took most of a second at 100,000 deals).
            if not count:
                return []
            return list(deals.involving(company, role)[:RELATED_LIMIT])

        as_supplier = involving(PartyRole.SUPPLIER, company.deals_as_supplier)
        as_buyer = involving(PartyRole.BUYER, company.deals_as_buyer)
        # Deals where it is partner, investor or government rather than supplier or buyer.
        as_other = list(
            deals.involving(company)
            .exclude(pk__in=[d.pk for d in as_supplier + as_buyer])[:RELATED_LIMIT]
        )
        # Its neighbourhood in the deal network: every public company across its deals.
        partners = {}
        for deal in as_supplier + as_buyer + as_other:
            for party in deal.public_parties:
                if party.company_id != company.pk:
                    partners.setdefault(party.company_id, party.company)
        context.update(
            deals_as_supplier=as_supplier,
            deals_as_buyer=as_buyer,
            deals_other=as_other,
            partners=sorted(partners.values(), key=lambda c: str(c).casefold()),
            meetings=Meeting.objects.published()
            .attended_by_people_of(company)
            .order_by("-starts_at", "-id")[:RELATED_LIMIT],
        )
        return context


class PersonListView(PublishedListView):
    model = Person
    queryset_method = "with_related"
    filterset_class = PersonFilterSet
    template_name = "deals/person_list.html"
    sort_options = [("name", _("Name (English)")), ("name_ko", _("Name (Korean)"))]


class PersonDetailView(PublishedMixin, DetailView):
    model = Person
    queryset_method = "for_detail"
    template_name = "deals/person_detail.html"


class MeetingListView(PublishedListView):
    model = Meeting
    queryset_method = "with_related"
    filterset_class = MeetingFilterSet
    template_name = "deals/meeting_list.html"
    sort_options = [("-starts_at", _("Newest first")), ("starts_at", _("Oldest first")),
                    ("title", _("Title"))]


class MeetingDetailView(PublishedMixin, DetailView):
    model = Meeting
    queryset_method = "for_detail"
    template_name = "deals/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendance = self.object.public_attendance
        context["attended"] = [a for a in attendance if a.status == AttendanceStatus.ATTENDED]
        context["expected"] = [a for a in attendance if a.status == AttendanceStatus.EXPECTED]
        context["absent"] = [
            a for a in attendance
            if a.status in (AttendanceStatus.ABSENT, AttendanceStatus.DECLINED)
        ]
        return context


class ProjectListView(PublishedListView):
    model = Project
    queryset_method = "for_lists"
    filterset_class = ProjectFilterSet
    template_name = "deals/project_list.html"
    sort_options = [("name", _("Name (English)")), ("-usd_amount", _("Largest budget")),
                    ("-capacity_mw_target", _("Largest target capacity")),
                    ("start_date", _("Starting soonest"))]


class ProjectDetailView(PublishedMixin, DetailView):
    model = Project
    queryset_method = "for_detail"
    template_name = "deals/project_detail.html"


class SourceListView(PublishedListView):
    model = Source
    filterset_class = SourceFilterSet
    template_name = "deals/source_list.html"
    paginate_by = 50
    sort_options = [("-published_on", _("Newest first")), ("published_on", _("Oldest first")),
                    ("title", _("Title"))]
