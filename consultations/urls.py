from django.urls import path

from . import booking_views, views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_request_create_view, name="request_create"),
    path("sent/", views.consultation_request_done_view, name="request_done"),
    # Booking a consultation time through the patient's signed link (booking_views.py).
    path("booking/<str:token>/", booking_views.booking_pick_view, name="booking_pick"),
    path("booking/<str:token>/cancel/", booking_views.booking_cancel_view, name="booking_cancel"),
]
