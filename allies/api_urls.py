"""API routes of the allied lists, included under /api/."""

from django.urls import path

from allies import api

app_name = "allies-api"

urlpatterns = [
    path("coordination/", api.CoordinationView.as_view(), name="coordination"),
    path("coordination/summary/", api.CoordinationSummaryView.as_view(), name="coordination-summary"),
    path("coordination/regimes/", api.RegimesView.as_view(), name="coordination-regimes"),
]
