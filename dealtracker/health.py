"""Health checks for load balancers and orchestrators: cheap, uncached, never redirected."""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is up and serving. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database and the cache answer. 503 with what failed when one does not."""
    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[f"database:{alias}"] = "ok"
        except Exception:  # any failure means not ready; the log has the detail
            logger.exception("readiness: database %s failed", alias)
            checks[f"database:{alias}"] = "failed"
    try:
        cache.set("readyz", "1", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "1" else "failed"
    except Exception:
        logger.exception("readiness: cache failed")
        checks["cache"] = "failed"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "failed", "checks": checks}, status=200 if ready else 503
    )
