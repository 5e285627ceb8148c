"""The JSON API, versioned under /api/v1/, with its schema and documentation beside it.

Every address under /api/ answers in JSON, including the ones that match nothing.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .exceptions import not_found

app_name = "api"

router = DefaultRouter()
router.register("deals", views.DealViewSet, basename="deal")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("people", views.PersonViewSet, basename="person")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("sources", views.SourceViewSet, basename="source")
router.register("exchange-rates", views.ExchangeRateViewSet, basename="exchange-rate")

urlpatterns = [
    path("v1/export/", views.ExportView.as_view(), name="export"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", not_found, name="not-found"),
]
