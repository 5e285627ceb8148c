"""Public pages (read-only, published records only). Mounted in English and under /ko/."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from . import views
from .feeds import CompanyDealEventsFeed, LatestDealEventsFeed
from .models import Company, Deal, Meeting, Person, Project
from .sitemaps import SITEMAPS

app_name = "deals"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("deals/", views.DealListView.as_view(), name="deal_list"),
    path("deals.csv", views.DealCsvView.as_view(), name="deals_csv"),
    path("deals/<slug:slug>/", views.DealDetailView.as_view(), name="deal_detail"),
    path(
        "deals/<slug:slug>/changes/", views.ChangeLogView.as_view(model=Deal), name="deal_changes"
    ),
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    path("companies/<slug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
    path(
        "companies/<slug:slug>/changes/",
        views.ChangeLogView.as_view(model=Company),
        name="company_changes",
    ),
    path("companies/<slug:slug>/feed/", CompanyDealEventsFeed(), name="company_feed"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(
        "meetings/<slug:slug>/changes/",
        views.ChangeLogView.as_view(model=Meeting),
        name="meeting_changes",
    ),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path(
        "projects/<slug:slug>/changes/",
        views.ChangeLogView.as_view(model=Project),
        name="project_changes",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "people/<slug:slug>/changes/",
        views.ChangeLogView.as_view(model=Person),
        name="person_changes",
    ),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("graph/", views.GraphView.as_view(), name="graph"),
    path("graph/data.json", views.GraphDataView.as_view(), name="graph_data"),
    path("feed/", LatestDealEventsFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
