"""API routes for countries, designees, designations and source documents, included under /api/."""

from rest_framework.routers import SimpleRouter

from designations.api import views

app_name = "designations-api"

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("designees", views.DesigneeViewSet, basename="designee")
router.register("designations", views.DesignationViewSet, basename="designation")
router.register("source-documents", views.SourceDocumentViewSet, basename="sourcedocument")

urlpatterns = router.urls
