from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultation requests"

    def ready(self):
        from booking.signals import booking_changed

        from .receivers import booking_changed as request_follows_booking

        booking_changed.connect(request_follows_booking, dispatch_uid="consultations.lifecycle")
