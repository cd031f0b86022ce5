"""The name-screening route, included under /api/: ``match-api:match`` is ``/api/match/``."""

from django.urls import path

from designations.api.match import MatchView

app_name = "match-api"

urlpatterns = [
    path("match/", MatchView.as_view(), name="match"),
]
