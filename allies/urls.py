"""Pages of the allied coordination."""

from django.urls import path

from allies import views
from tracker.response_cache import cached_page

app_name = "allies"

urlpatterns = [
    path("coordination/", cached_page(views.CoordinationView.as_view()), name="coordination"),
]
