"""Pages that look across records: home, search, and the deal network with its timeline and
charts (plus the JSON the network is drawn from)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from .. import formatting
from ..cache import cached_for_generation
from ..filters import DealFilterSet
from ..models import (
    Company,
    Deal,
    DealEvent,
    DealParty,
    DealStatus,
    Disclosure,
    Meeting,
    PartyRole,
    Person,
    ProductCategory,
    Project,
    QuantityUnit,
    Source,
)
from ..models.base import reads_korean, slug_url, slug_urls

#: How many deals the network holds at most (the graph page's table and charts, and a drawing
#: asked for its largest size); the filters narrow it further.
NETWORK_LIMIT = 2000
#: How many of the most recent deals a drawing shows at first. Readers ask for more with the
#: button under it (`?limit=` on the JSON): 2,000 deals made 1.2 MB of JSON and a layout that
#: took seconds on a phone.
NETWORK_DRAWN = 300
#: The graph page's chart of deals per month shows this many months, the latest with deals.
MONTHS_CHARTED = 24
#: Search shows at most this many records of each kind.
SEARCH_LIMIT = 20


class HomeView(TemplateView):
    template_name = "deals/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        deals = Deal.objects.published()
        # Both scan every published deal: kept until the next edit (deals/cache.py).
        totals, by_status = cached_for_generation(
            "home-totals", (), lambda: (deals.totals(), deals.count_by_status())
        )
        context.update(
            totals=totals,
            by_status=[
                (status, DealStatus(status).label, count) for status, count in by_status.items()
            ],
            latest_events=DealEvent.objects.public()[:10],
            upcoming_meetings=Meeting.objects.published().upcoming(now)[:5],
            recent_meetings=Meeting.objects.published().recent(now)[:5],
            projects=Project.objects.published().for_lists()[:6],
        )
        return context


class SearchView(TemplateView):
    """One box for every kind of record, in English or Korean, partial words included."""

    template_name = "deals/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        groups = []
        if query:
            searches = [
                ("deals", Deal.objects.published().for_lists()),
                ("companies", Company.objects.published()),
                ("meetings", Meeting.objects.published()),
                ("projects", Project.objects.published()),
                ("people", Person.objects.published().with_related()),
                ("sources", Source.objects.published()),
            ]
            for kind, queryset in searches:
                rows = list(queryset.search(query)[: SEARCH_LIMIT + 1])
                groups.append(
                    {
                        "kind": kind,
                        "rows": rows[:SEARCH_LIMIT],
                        "more": len(rows) > SEARCH_LIMIT,
                    }
                )
        context.update(
            query=query,
            groups=groups,
            found=sum(len(g["rows"]) for g in groups),
        )
        return context


def network_queryset(request, company=None, queryset=None) -> DealFilterSet:
    """The published deals the network shows, narrowed by the deal filters in the request."""
    queryset = Deal.objects.published() if queryset is None else queryset
    if company is not None:
        queryset = queryset.involving(company)
    return DealFilterSet(data=request.GET, queryset=queryset, request=request)


def network_deals(request, limit: int) -> tuple[DealFilterSet, list[Deal], bool]:
    """The first `limit` of the same deals as records with their public parties, for the graph
    page's table, and whether the filters match more."""
    filterset = network_queryset(request, queryset=Deal.objects.published().for_network())
    deals = list(filterset.qs[: limit + 1])
    return filterset, deals[:limit], len(deals) > limit


def network_charts(request, filterset: DealFilterSet) -> tuple[list[dict], list[dict]]:
    """GPUs by buyer (the top 12) and deals per month (the latest MONTHS_CHARTED months with
    deals) over the NETWORK_LIMIT most recent deals the filters match, however many of them
    are drawn. Counted in the database; kept until the next edit (deals/cache.py), per
    language and filters. (Over every match they took 3-5 s at a million deals.)"""
    names = sorted(name for name in filterset.filters if name in request.GET)
    filters = urlencode([(name, value) for name in names for value in request.GET.getlist(name)])
    return cached_for_generation(
        "network-charts", (get_language() or "", filters), lambda: _network_charts(filterset.qs)
    )


def _network_charts(deals) -> tuple[list[dict], list[dict]]:
    recent = Deal.objects.filter(pk__in=deals.prefetch_related(None).values("pk")[:NETWORK_LIMIT])
    top = list(recent.gpus_by_buyer(12))
    companies = (
        Company.objects.published()
        .only("slug", "name", "name_ko")
        .in_bulk([row["company"] for row in top])
    )
    gpu_bars = bars(
        [
            (
                str(companies[row["company"]]),
                row["gpus"],
                companies[row["company"]].get_absolute_url(),
            )
            for row in top
        ],
        lambda v: formatting.format_quantity(v, QuantityUnit.GPUS),
    )
    months = list(recent.per_month())[-MONTHS_CHARTED:]
    month_bars = bars(
        [(formatting.format_date(row["month"], "month"), row["deals"], None) for row in months],
        lambda v: formatting.format_number(v),
    )
    return gpu_bars, month_bars


@dataclass(slots=True)
class NetworkCompany:
    pk: int
    label: str
    url: str
    country: str


@dataclass(slots=True)
class NetworkDeal:
    """What the network needs of a deal: its figures and its public parties, in order."""

    pk: int
    label: str
    url: str
    status: str
    status_label: str
    category: str
    quantity: object
    quantity_unit: str
    quantity_qualifier: str
    usd_amount: object
    undisclosed: bool
    announced_on: object
    parties: list = field(default_factory=list)  # (role, NetworkCompany)


def network_of_records(deals: list[Deal]) -> list[NetworkDeal]:
    """Deals already loaded with `public_parties` (`for_network`; the graph page's table needs
    them too). The language, address patterns and status labels are looked up once."""
    korean = reads_korean()
    statuses = {value: str(label) for value, label in DealStatus.choices}
    deal_url, company_url = slug_urls("deals:deal_detail"), slug_urls("deals:company_detail")
    companies: dict[int, NetworkCompany] = {}
    rows = []
    for deal in deals:
        row = NetworkDeal(
            deal.pk,
            deal.localized("title", korean),
            deal_url(deal.slug),
            deal.status,
            statuses.get(deal.status, deal.status or ""),
            deal.product_category,
            deal.quantity,
            deal.quantity_unit,
            deal.quantity_qualifier,
            deal.usd_amount,
            deal.is_undisclosed,
            deal.announced_on,
        )
        for party in deal.public_parties:
            company = party.company
            if company.pk not in companies:
                companies[company.pk] = NetworkCompany(
                    company.pk,
                    company.localized("name", korean),
                    company_url(company.slug),
                    company.country.code or "",
                )
            row.parties.append((party.role, companies[company.pk]))
        rows.append(row)
    return rows


def network_of_queryset(deals, limit: int = NETWORK_LIMIT) -> list[NetworkDeal]:
    """The first `limit` deals the same way from plain values, two queries, no model instances:
    the JSON the drawing reads holds up to NETWORK_LIMIT deals and their parties, and building
    thousands of instances was most of its cost."""
    korean = (get_language() or "en").startswith("ko")
    statuses = dict(DealStatus.choices)

    def localized(english, korean_text):
        return (korean_text or english) if korean else (english or korean_text)

    rows = {}
    for values in deals.values_list(
        "pk",
        "slug",
        "title",
        "title_ko",
        "status",
        "product_category",
        "quantity",
        "quantity_unit",
        "quantity_qualifier",
        "usd_amount",
        "disclosure",
        "announced_on",
    )[:limit]:
        (
            pk,
            slug,
            title,
            title_ko,
            status,
            category,
            quantity,
            unit,
            qualifier,
            usd,
            disclosure,
            announced_on,
        ) = values
        rows[pk] = NetworkDeal(
            pk,
            localized(title, title_ko),
            slug_url("deals:deal_detail", slug),
            status,
            str(statuses.get(status, status or "")),
            category,
            quantity,
            unit,
            qualifier,
            usd,
            disclosure == Disclosure.UNDISCLOSED,
            announced_on,
        )
    companies: dict[int, NetworkCompany] = {}
    parties = (
        DealParty.objects.public()
        .filter(deal_id__in=list(rows))
        .order_by("role", "id")
        .values_list(
            "deal_id",
            "role",
            "company_id",
            "company__slug",
            "company__name",
            "company__name_ko",
            "company__country",
        )
    )
    for deal_id, role, company_id, slug, name, name_ko, country in parties:
        if company_id not in companies:
            companies[company_id] = NetworkCompany(
                company_id,
                localized(name, name_ko),
                slug_url("deals:company_detail", slug),
                country or "",
            )
        rows[deal_id].parties.append((role, companies[company_id]))
    return list(rows.values())


def network(deals: list[NetworkDeal]) -> dict:
    """Companies as nodes and deals as edges from supplier to buyer, ready for Cytoscape.

    A deal without a supplier and a buyer (a partnership, an investment) links its first party
    to each of the others, so it still shows who works with whom.
    """
    nodes: dict[int, dict] = {}
    edges = []

    def node(company: NetworkCompany) -> str:
        key = f"c{company.pk}"
        if company.pk not in nodes:
            nodes[company.pk] = {
                "id": key,
                "label": company.label,
                "url": company.url,
                "country": company.country,
                "gpus": 0,
                "usd": 0.0,
                "deals": 0,
            }
        return key

    for deal in deals:
        suppliers = [c for role, c in deal.parties if role == PartyRole.SUPPLIER]
        buyers = [c for role, c in deal.parties if role == PartyRole.BUYER]
        directed = bool(suppliers and buyers)
        if not directed:
            companies = list({c.pk: c for _role, c in deal.parties}.values())
            suppliers, buyers = companies[:1], companies[1:]
        gpus = float(deal.quantity or 0) if deal.quantity_unit == QuantityUnit.GPUS else 0.0
        usd = float(deal.usd_amount or 0) if not deal.undisclosed else 0.0
        for company in {c.pk: c for c in suppliers + buyers}.values():
            node(company)
            nodes[company.pk]["gpus"] += gpus
            nodes[company.pk]["usd"] += usd
            nodes[company.pk]["deals"] += 1
        quantity = formatting.format_quantity(
            deal.quantity, deal.quantity_unit, deal.quantity_qualifier
        )
        for supplier in suppliers:
            for buyer in buyers:
                edges.append(
                    {
                        "id": f"d{deal.pk}-{supplier.pk}-{buyer.pk}",
                        "source": node(supplier),
                        "target": node(buyer),
                        "label": deal.label,
                        "url": deal.url,
                        "status": deal.status,
                        "status_label": deal.status_label,
                        "category": deal.category,
                        "directed": directed,
                        "gpus": gpus,
                        "usd": usd,
                        "quantity": quantity,
                        "announced_on": deal.announced_on.isoformat() if deal.announced_on else "",
                    }
                )
    return {"nodes": list(nodes.values()), "edges": edges}


def bars(rows: list[tuple], display) -> list[dict]:
    """Rows of (label, value, url) as bars whose length is a share of the largest value."""
    top = max((value for _label, value, _url in rows), default=0) or 1
    return [
        {
            "label": label,
            "value": value,
            "url": url,
            "display": display(value),
            "pct": round(float(value) / float(top) * 100, 1),
        }
        for label, value, url in rows
    ]


class GraphView(TemplateView):
    """The deal network, a timeline of deal events and meetings, and two charts.

    Every picture has a table beside it, so the page reads without JavaScript.
    """

    template_name = "deals/graph.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The drawing, its table and the timeline hold the most recent deals, as many as the
        # drawing on this page asks for (`limit`, a link under it); the charts hold the
        # NETWORK_LIMIT most recent, whatever is drawn.
        size = DrawingForm(self.request.GET)
        limit = size.limit()
        filterset, deals, more = network_deals(self.request, limit)
        graph = network(network_of_records(deals))
        edges = graph["edges"]
        context["gpu_bars"], context["month_bars"] = network_charts(self.request, filterset)
        if more and limit < NETWORK_LIMIT:
            params = self.request.GET.copy()
            params["limit"] = str(min(limit * 2, NETWORK_LIMIT))
            context["more_query"] = params.urlencode()

        # The timeline: each deal's steps and the meetings in the same span, latest first.
        events = DealEvent.objects.public().filter(deal__in=[d.pk for d in deals])[:100]
        meetings = Meeting.objects.published().order_by("-starts_at", "-id")
        after = filterset.form.cleaned_data.get("announced_after") if filterset.is_valid() else None
        before = (
            filterset.form.cleaned_data.get("announced_before") if filterset.is_valid() else None
        )
        if after:
            meetings = meetings.filter(starts_at__date__gte=after)
        if before:
            meetings = meetings.filter(starts_at__date__lte=before)
        timeline = [
            {"date": e.date, "precision": e.date_precision, "kind": "event", "item": e}
            for e in events
        ] + [
            {
                "date": timezone.localtime(m.starts_at, m.local_tz).date(),
                "precision": "day",
                "kind": "meeting",
                "item": m,
            }
            for m in meetings[:50]
        ]
        timeline.sort(key=lambda row: row["date"], reverse=True)

        context.update(
            filter=filterset,
            deals=deals,
            edges=edges,
            node_count=len(graph["nodes"]),
            categories=ProductCategory.choices,
            status_choices=DealStatus.choices,
            timeline=timeline,
            more=more,
            limit=limit,
            limit_drawn=NETWORK_DRAWN,
            months_charted=MONTHS_CHARTED,
            charted=NETWORK_LIMIT,
            limit_errors=size.errors.get("limit"),
        )
        return context


class DrawingForm(forms.Form):
    """How many of the most recent deals a drawing shows (`?limit=`): NETWORK_DRAWN unless
    asked, up to NETWORK_LIMIT (read when the form is made)."""

    def __init__(self, data):
        super().__init__(data)
        self.fields["limit"] = forms.IntegerField(
            required=False, min_value=1, max_value=NETWORK_LIMIT
        )

    def limit(self) -> int:
        """The size asked for; NETWORK_DRAWN when none was, or one that cannot be drawn."""
        return (self.cleaned_data["limit"] if self.is_valid() else None) or NETWORK_DRAWN


#: JSON in UTF-8 without the spaces after separators.
COMPACT_JSON = {"ensure_ascii": False, "separators": (",", ":")}


class GraphDataView(View):
    """The network as JSON for the drawing; the same filters as the deal list, plus `around`
    (a company slug) for one company's neighbourhood and `limit` (how many of the most recent
    deals, NETWORK_DRAWN unless asked; `more` says whether the filters match more)."""

    def get(self, request, *args, **kwargs):
        size = DrawingForm(request.GET)
        if not size.is_valid():
            errors = {
                name: [error["message"] for error in field_errors]
                for name, field_errors in size.errors.get_json_data().items()
            }
            return JsonResponse(errors, status=400, json_dumps_params=COMPACT_JSON)
        limit = size.limit()
        company = None
        around = request.GET.get("around")
        if around:
            if "\x00" in around:  # no slug has one, and PostgreSQL refuses to compare it
                raise Http404
            company = get_object_or_404(Company.objects.published(), slug=around)
        deals = network_of_queryset(network_queryset(request, company=company).qs, limit + 1)
        data = network(deals[:limit])
        data.update(limit=limit, max_limit=NETWORK_LIMIT, more=len(deals) > limit)
        data["statuses"] = {
            value: str(label) for value, label in Deal._meta.get_field("status").choices
        }
        # Compact, as the API writes JSON: the spaces after "," and ":" were 9% of the bytes a
        # phone fetches for the drawing (1.15 MB at 2,000 deals).
        response = JsonResponse(data, json_dumps_params=COMPACT_JSON)
        response["Cache-Control"] = "public, max-age=60"
        return response
