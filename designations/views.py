"""Pages about countries and designees."""

from django.http import HttpResponse


def home(request):
    return HttpResponse("Designation tracker")
