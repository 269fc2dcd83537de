from django.urls import path, re_path

from . import views

app_name = "pages"

urlpatterns = [
    path("preview/<int:pk>/", views.page_preview, name="preview"),
    path("search/", views.search, name="search"),
    path("", views.page_detail, name="home"),
    # Any other address made of slugs is looked up as a page (e.g. /conditions/fibromyalgia/).
    re_path(r"^(?P<url_path>(?:[-a-z0-9_]+/)+)$", views.page_detail, name="page"),
]
