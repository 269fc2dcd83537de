from django.shortcuts import render


def consultation_request_create_view(request):
    """Placeholder entry point replaced by the consultation request issue."""
    return render(request, "consultations/consultationrequest_form.html")
