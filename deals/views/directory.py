"""Pages of the records around deals: companies, people, meetings, projects and sources."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q, Window
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from ..cache import cached_for_generation
from ..detail_rows import company_page_lists, published_company_for_page
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
    DealParty,
    Meeting,
    PartyRole,
    Person,
    Project,
    Source,
)
from ..table_rows import deal_tables
from .base import PAGE_SIZE, PreparedDetailMixin, PublishedListView, PublishedMixin
from .deals import country_choices

#: A detail page lists at most this many related rows of a kind, so its cost stays fixed.
RELATED_LIMIT = 100
#: A company page shows a page of its most recent deals in each role (the deal list's page
#: size); the rest are a link away, in the deal list filtered by the company.
DEALS_SHOWN = PAGE_SIZE
#: ...and the companies it shares the most deals with, at most this many.
PARTNERS_SHOWN = 50
#: The roles other than supplier and buyer.
OTHER_ROLES = (PartyRole.PARTNER, PartyRole.INVESTOR, PartyRole.GOVERNMENT)
#: What Company.objects.with_totals() adds, shown in a company page's headline figures.
TOTALS = (
    "deals_as_supplier",
    "deals_as_buyer",
    "gpus_supplied",
    "gpus_bought",
    "usd_supplied",
    "usd_bought",
)


class CompanyListView(PublishedListView):
    model = Company
    filterset_class = CompanyFilterSet
    template_name = "deals/company_list.html"
    sort_options = [
        ("name", _("Name (English)")),
        ("name_ko", _("Name (Korean)")),
        ("-updated_at", _("Recently updated")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The countries of all published companies: a scan of the whole table (30 ms at
        # 100,000 companies), the same for every reader until the next edit.
        codes = cached_for_generation("company-countries", (), _published_countries)
        context.update(country_choices(self.request, codes))
        return context

    def get_queryset(self):
        return super().get_queryset().with_related().with_totals()


def _published_countries() -> tuple[str, ...]:
    codes = Company.objects.published().exclude(country="").values_list("country", flat=True)
    return tuple(sorted(set(codes.distinct().order_by())))


class CompanyDetailView(PreparedDetailMixin, PublishedMixin, DetailView):
    """A company: its totals over every deal, its most recent deals in each role (the rest a
    link away, in the deal list filtered by it), and the companies it deals with most.

    The busiest company takes part in a tenth of all deals (10,000 at 100,000): the page shows
    a page of each list, never all, so it costs the same for it as for a company with three.
    """

    model = Company
    queryset_method = "for_detail"
    read_for_page = staticmethod(published_company_for_page)
    template_name = "deals/company_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.object
        # The totals and the neighbourhood read all of the company's deals (a tenth of the
        # table for the busiest): kept until the next edit (deals/cache.py).
        key = (str(company.pk),)
        totals = cached_for_generation("company-figures", key, lambda: company_totals(company))
        for name in TOTALS:
            setattr(company, name, totals[name])
        supply = (PartyRole.SUPPLIER, PartyRole.BUYER)
        # No list where the totals say there is nothing (detail_rows.company_page_lists);
        # the other roles are partner, investor or government rather than supplier or buyer.
        lists = [
            ((PartyRole.SUPPLIER,), ()) if company.deals_as_supplier else None,
            ((PartyRole.BUYER,), ()) if company.deals_as_buyer else None,
            (OTHER_ROLES, supply) if totals["deals_other"] else None,
        ]
        (ids_as_supplier, ids_as_buyer, ids_other), people = company_page_lists(
            company, lists, deals=DEALS_SHOWN, people=RELATED_LIMIT + 1
        )
        # The rows of all three lists in one statement (deals/table_rows.py).
        as_supplier, as_buyer, as_other = deal_tables([ids_as_supplier, ids_as_buyer, ids_other])
        partners = cached_for_generation("company-partners", key, lambda: company_partners(company))
        query = urlencode({"company": company.slug})
        context.update(
            deals_as_supplier=as_supplier,
            deals_as_buyer=as_buyer,
            deals_other=as_other,
            deals_shown=DEALS_SHOWN,
            more_as_supplier=company.deals_as_supplier > len(as_supplier),
            more_as_buyer=company.deals_as_buyer > len(as_buyer),
            more_other=totals["deals_other"] > len(as_other),
            supplier_query=urlencode({"supplier": company.slug}),
            buyer_query=urlencode({"buyer": company.slug}),
            company_query=query,
            partners=partners["companies"],
            partners_more=partners["more"],
            # Who speaks for it, a page of them (a thousand for the busiest at a million deals),
            # the rest a link away in the list of people filtered by it.
            people=people[:RELATED_LIMIT],
            more_people=len(people) > RELATED_LIMIT,
            # The meetings its people attended: from each person, through every attendance (8,000
            # meetings for the busiest at a million deals, 85 ms), so kept like the totals.
            meetings=cached_for_generation(
                "company-meetings", key, lambda: company_meetings(company)
            ),
        )
        return context


def company_totals(company) -> dict:
    """The company's headline figures over published deals, in one aggregate query, and how
    many deals it takes part in other than as supplier or buyer."""
    public = Q(deal_parties__deal__publication="published")
    other = public & Q(deal_parties__role__in=OTHER_ROLES)
    return (
        Company.objects.filter(pk=company.pk)
        .with_totals()
        .annotate(deals_other=Count("deal_parties__deal", filter=other, distinct=True))
        .values(*TOTALS, "deals_other")
        .get()
    )


def company_meetings(company) -> list[Meeting]:
    """The latest RELATED_LIMIT published meetings that people of the company attended."""
    return list(
        Meeting.objects.published()
        .attended_by_people_of(company)
        .only("slug", "title", "title_ko", "starts_at", "timezone")
        .order_by("-starts_at", "-id")[:RELATED_LIMIT]
    )


def company_partners(company) -> dict:
    """The public companies that share the most published deals with this one (at most
    PARTNERS_SHOWN, in name order), and how many more there are."""
    deals = DealParty.objects.filter(company=company, deal__publication="published").values(
        "deal_id"
    )
    shared = (
        Company.objects.published()
        .filter(deal_parties__deal_id__in=deals)
        .exclude(pk=company.pk)
        .annotate(shared=Count("deal_parties__deal", distinct=True), total=Window(Count("*")))
        .only("slug", "name", "name_ko")
        .order_by("-shared", "id")[:PARTNERS_SHOWN]
    )
    companies = list(shared)
    more = companies[0].total - len(companies) if companies else 0
    companies.sort(key=lambda c: str(c).casefold())
    return {"companies": companies, "more": more}


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
    sort_options = [
        ("-starts_at", _("Newest first")),
        ("starts_at", _("Oldest first")),
        ("title", _("Title")),
    ]


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
            a
            for a in attendance
            if a.status in (AttendanceStatus.ABSENT, AttendanceStatus.DECLINED)
        ]
        return context


class ProjectListView(PublishedListView):
    model = Project
    queryset_method = "for_lists"
    filterset_class = ProjectFilterSet
    template_name = "deals/project_list.html"
    sort_options = [
        ("name", _("Name (English)")),
        ("-usd_amount", _("Largest budget")),
        ("-capacity_mw_target", _("Largest target capacity")),
        ("start_date", _("Starting soonest")),
    ]


class ProjectDetailView(PublishedMixin, DetailView):
    model = Project
    queryset_method = "for_detail"
    template_name = "deals/project_detail.html"


class SourceListView(PublishedListView):
    model = Source
    filterset_class = SourceFilterSet
    template_name = "deals/source_list.html"
    paginate_by = 50
    sort_options = [
        ("-published_on", _("Newest first")),
        ("published_on", _("Oldest first")),
        ("title", _("Title")),
    ]
