from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from staff.decorators import staff_only

from . import selectors
from .addresses import absolute_url, language_home
from .cache import cache_published_page
from .forms import SearchForm
from .search import MAX_QUERY_LENGTH, search_pages
from .sitemaps import PageSitemap
from .templating import PUBLIC_TEMPLATES


def _render_page(request, page, *, preview=False, blocks=None, unsaved=False):
    site_tree = selectors.SiteTree.for_request(request)
    selectors.site_settings_for(request)  # every page shows them: read now, not behind a proxy
    context = {
        "page": page,
        "blocks": selectors.page_body(page) if blocks is None else blocks,
        "unsaved": unsaved,
        "breadcrumbs": site_tree.ancestors(page),
        "child_pages": site_tree.children(page),
        "preview": preview,
        "canonical_url": absolute_url(page.get_absolute_url()),
        # The header's language link leads to this page's live translation, if any.
        "language_alternates": dict(site_tree.alternates(page)),
    }
    return render(request, "pages/page_detail.html", context, using=PUBLIC_TEMPLATES)


@require_safe
@cache_published_page
def page_detail(request, url_path=""):
    page, blocks = selectors.read_published_page(request, f"/{url_path}")
    if page is None:
        raise Http404("No published page at this address")
    return _render_page(request, page, blocks=blocks)


@never_cache
@staff_only("pages.view_page")
@require_safe
def page_preview(request, pk):
    """Staff see any page, draft or not, exactly as it will look; search engines never do.

    Anyone else gets a 404, not a redirect to the sign-in page: that would name the admin's
    hidden address.
    """
    page = selectors.page_for_preview(pk)
    if page is None:
        raise Http404("No such page")
    response = _render_page(request, page, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_unsaved_preview(request, page, blocks):
    """An edited but unsaved page and its blocks, rendered as the public would see them.

    Called by the admin's preview (staff only, never cached); nothing is written.
    """
    page.url_path = page.build_url_path()
    for block in blocks:
        if block.takes_anchor and not block.anchor:
            block.anchor = slugify(block.heading)[:70] or "section"
    blocks = sorted(blocks, key=lambda block: (block.position, block.pk or 0))
    response = _render_page(request, page, preview=True, blocks=blocks, unsaved=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def search(request):
    """Site search; works as a plain GET form, so with JavaScript off too."""
    form = SearchForm(request.GET)
    query, results = "", None
    if form.is_valid():
        query = " ".join(form.cleaned_data["q"].split())
        results = search_pages(query) if query else None
    context = {"form": form, "query": query, "results": results, "max_length": MAX_QUERY_LENGTH}
    return render(request, "pages/search.html", context, using=PUBLIC_TEMPLATES)


@require_safe
def sitemap_xml(request):
    return sitemap(request, {"pages": PageSitemap(domain=request.get_host())})


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("django.contrib.sitemaps.views.sitemap"))
    # The form itself may be found; what follows it belongs to one person. In each language.
    private = ("consultation/sent/", "consultation/booking/", "search/")
    lines = [
        "User-agent: *",
        *(
            f"Disallow: {language_home(code)}{path}"
            for code, _name in settings.LANGUAGES
            for path in private
        ),
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    """The 404 page, in the site's frame: header, menus, search and the clinic's phone."""
    selectors.site_frame_for_error_page(request, ask_the_database=True)
    return render(request, "404.html", status=404, using=PUBLIC_TEMPLATES)


def server_error(request):
    """The 500 page. Whatever broke may be the database: the frame comes from this process's
    last reading of it, never from a new query."""
    selectors.site_frame_for_error_page(request, ask_the_database=False)
    return render(request, "500.html", status=500, using=PUBLIC_TEMPLATES)


def database_unavailable(request):
    """The 503 page for a lost database (ops.middleware): the frame as last read."""
    selectors.site_frame_for_error_page(request, ask_the_database=False)
    return render(request, "503.html", status=503, using=PUBLIC_TEMPLATES)


@never_cache
@require_safe
def language_choose(request, code):
    """The header's language link: remember the visitor's pick in the `language` cookie, then
    go to `next`, the page in that language (only a path on this site; else that language's
    home). The cookie is set here and nowhere else: no address is ever chosen by a guess."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    target = request.GET.get("next", "")
    if not (
        target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=set())
    ):
        target = language_home(code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
