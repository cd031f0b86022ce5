from rest_framework.routers import SimpleRouter

app_name = "designations-api"
router = SimpleRouter()
urlpatterns = router.urls
