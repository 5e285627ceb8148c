"""Top-level URLs. The admin and the API are not translated; public pages get a /ko/ twin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    prefix_default_language=False,
)
