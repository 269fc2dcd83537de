import logging

from django.db import InterfaceError, OperationalError
from django.utils.cache import add_never_cache_headers

from pages.views import database_unavailable

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """A lost database answers 503 "not done, try again", never a bare 500.

    A view can name its own fallback as `view.database_unavailable` (the consultation form
    re-shows what the patient typed); any other view gets templates/503.html. Neither touches
    the database. Django reconnects on the next request once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.error("Database unavailable: answered 503", exc_info=exception)
        match = request.resolver_match
        fallback = getattr(match.func, "database_unavailable", None) if match else None
        response = fallback(request) if fallback else database_unavailable(request)
        response.status_code = 503
        response["Retry-After"] = "30"
        add_never_cache_headers(response)
        return response
