from rest_framework.routers import SimpleRouter

app_name = "importers-api"
router = SimpleRouter()
urlpatterns = router.urls
