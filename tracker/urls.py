"""URL routes: pages, the admin, the API under /api/ and its schema and docs."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from designations.views import home
from tracker import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", views.api_root, name="api-root"),
    path("api/", include("programs.api.urls")),
    path("api/", include("designations.api.urls")),
    path("api/", include("importers.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("programs.urls")),
    path("", include("designations.urls")),
]
