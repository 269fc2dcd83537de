"""Django's redirect fallback, made to keep a visitor's query string and to stay on the site."""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import DisallowedRedirect

from .redirects import SiteRedirectFallbackMiddleware


class RedirectFallbackMiddleware(SiteRedirectFallbackMiddleware):
    """Django's middleware looks redirects up by path and query together, so a link to a
    renamed page's old address with `?utm_source=newsletter` found nothing and answered 404.
    Here such a link finds the redirect by its path alone, and the query goes along to the
    new address."""

    def process_response(self, request, response):
        handled = super().process_response(request, response)
        query = request.META.get("QUERY_STRING", "")
        if handled is not response or response.status_code != 404 or not query:
            return handled
        redirect = Redirect.objects.filter(
            site_id=get_current_site(request).id, old_path=request.path
        ).first()
        if redirect is None:
            return response
        if not redirect.new_path:
            return self.response_gone_class()
        separator = "&" if "?" in redirect.new_path else "?"
        try:
            return self.response_redirect_class(f"{redirect.new_path}{separator}{query}")
        except DisallowedRedirect:  # an off-site target stored before they were refused
            return response
