from rest_framework.routers import SimpleRouter

app_name = "programs-api"
router = SimpleRouter()
urlpatterns = router.urls
