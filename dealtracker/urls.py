"""Top-level URLs. The admin and the API are not translated; public pages get a /ko/ twin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("deals.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("deals.urls")),
    prefix_default_language=False,
)

# The benchmark's floor: a constant answer through the whole middleware stack, so every other
# endpoint's speed can be given as a share of it. Only with BENCH on (bench/run.py).
if settings.BENCH:
    from .views import bench_floor

    urlpatterns.insert(0, path("bench/floor", bench_floor, name="bench-floor"))

# Errors are logged with their trace (dealtracker.request); readers see the page and the id.
handler500 = "dealtracker.views.server_error"
