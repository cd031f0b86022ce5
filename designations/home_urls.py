"""The home page, outside any namespace (``{% url 'home' %}``)."""

from django.urls import path

from designations import views
from tracker.response_cache import cached_page

urlpatterns = [path("", cached_page(views.home), name="home")]
