from django.urls import path

from . import views

app_name = "booking"

# Under /consultation/booking/ (clinic_site/urls.py): the patient's signed link.
urlpatterns = [
    path("<str:token>/", views.booking_pick_view, name="pick"),
    path("<str:token>/cancel/", views.booking_cancel_view, name="cancel"),
]
