"""API routes for countries, designees, designations and source documents, the changes feed, statistics
and the FollowTheMoney export, included under /api/."""

from django.urls import path
from django.views.decorators.http import require_safe
from rest_framework.routers import SimpleRouter

from designations.api import changes, ftm, stats, views

app_name = "designations-api"

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("designees", views.DesigneeViewSet, basename="designee")
router.register("designations", views.DesignationViewSet, basename="designation")
router.register("source-documents", views.SourceDocumentViewSet, basename="sourcedocument")

urlpatterns = [
    path("changes/", changes.ChangesView.as_view(), name="changes"),
    path("changes/feed/", require_safe(changes.changes_feed), name="changes-feed"),
    path("stats/", stats.StatsView.as_view(), name="stats"),
    path("export/ftm/", ftm.FtmExportView.as_view(), name="export-ftm"),
    *router.urls,
]
