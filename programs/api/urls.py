"""API routes for authorities and programs, included under /api/."""

from rest_framework.routers import SimpleRouter

from programs.api import views

app_name = "programs-api"

router = SimpleRouter()
router.register("authorities", views.AuthorityViewSet, basename="authority")
router.register("programs", views.ProgramViewSet, basename="program")

urlpatterns = router.urls
