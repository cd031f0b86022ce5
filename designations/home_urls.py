"""The home page, outside any namespace (``{% url 'home' %}``)."""

from django.urls import path

from designations import views
from designations.views import charts
from tracker.response_cache import cached_page

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("timeline.svg", charts.HomeTimelineSvgView.as_view(), name="home_timeline_svg"),
    path("timeline.csv", charts.HomeTimelineCsvView.as_view(), name="home_timeline_csv"),
]
