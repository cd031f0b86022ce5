"""API routes for import runs, included under /api/."""

from rest_framework.routers import SimpleRouter

from importers.api import views

app_name = "importers-api"

router = SimpleRouter()
router.register("import-runs", views.ImportRunViewSet, basename="importrun")

urlpatterns = router.urls
