from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_request_create_view, name="request_create"),
    path("sent/", views.consultation_request_done_view, name="request_done"),
]
