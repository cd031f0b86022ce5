"""API routes for announcements, mentions and the reconciliation report, included under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from announcements.api import views

app_name = "announcements-api"

router = SimpleRouter()
router.register("announcements", views.AnnouncementViewSet, basename="announcement")
router.register("mentions", views.MentionViewSet, basename="mention")

urlpatterns = [
    path("reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
    *router.urls,
]
