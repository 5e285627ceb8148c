"""Public pages: server-rendered, read-only, published records only, in English and Korean."""

from .changes import ChangeLogView
from .deals import DealCsvView, DealDetailView, DealListView
from .directory import (
    CompanyDetailView,
    CompanyListView,
    MeetingDetailView,
    MeetingListView,
    PersonDetailView,
    PersonListView,
    ProjectDetailView,
    ProjectListView,
    SourceListView,
)
from .overview import GraphDataView, GraphView, HomeView, SearchView

__all__ = [
    "ChangeLogView",
    "CompanyDetailView",
    "CompanyListView",
    "DealCsvView",
    "DealDetailView",
    "DealListView",
    "GraphDataView",
    "GraphView",
    "HomeView",
    "MeetingDetailView",
    "MeetingListView",
    "PersonDetailView",
    "PersonListView",
    "ProjectDetailView",
    "ProjectListView",
    "SearchView",
    "SourceListView",
]
