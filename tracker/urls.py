"""URL routes: pages, the admin, the API under /api/ and its schema and docs."""

from importlib.util import find_spec

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracker import views

urlpatterns = [
    path("", include("designations.home_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the site's icon (static/favicon.svg;
    # the static URL is read at request time, since a manifest storage names the file by its hash).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", views.api_root, name="api-root"),
    path("api/", include("programs.api.urls")),
    path("api/", include("designations.api.urls")),
    path("api/", include("importers.api.urls")),
    path("api/", include("announcements.api.urls")),
    path("api/", include("allies.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("allies.urls")),
    path("", include("designations.program_urls")),
    path("", include("designations.urls")),
]

# Name screening (POST /api/match/) lives in its own module, included once it is there.
if find_spec("designations.api.match_urls") is not None:
    urlpatterns.append(path("api/", include("designations.api.match_urls")))

# JSON, not an HTML page, for a missing route or a crash under /api/.
handler404 = "tracker.api.page_not_found"
handler500 = "tracker.api.server_error"
