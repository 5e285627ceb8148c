"""Public pages (read-only, published records only). Mounted in English and under /ko/."""

from django.urls import path
from django.views.generic import RedirectView

app_name = "deals"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
