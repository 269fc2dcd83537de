import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PROBE_KEY = "ops:healthz"


def _database_ok():
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def _cache_ok():
    try:
        cache.set(PROBE_KEY, "ok", timeout=10)
        return cache.get(PROBE_KEY) == "ok"
    except Exception:
        logger.exception("Health check: the cache is unreachable")
        return False


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when this process can reach the database and the cache, else 503.

    Says only ok/unavailable per dependency: no versions, hosts or error text, which would help
    an attacker more than an operator (the reason goes to the log instead).
    """
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
