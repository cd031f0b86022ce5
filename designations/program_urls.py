"""Pages of programs and authorities, under their own URL namespace ``programs`` (the reference data's pages;
they live here because they show designations)."""

from django.urls import path
from django.views.decorators.http import require_safe

from designations import views
from designations.feeds import ProgramChangesFeed
from designations.views import charts, feed_previews
from tracker.response_cache import cached_page

app_name = "programs"
urlpatterns = [
    path("programs/", cached_page(views.ProgramListView.as_view()), name="program_list"),
    # Program codes are OFAC's tags as published, spaces included ("CAATSA - RUSSIA").
    path("programs/<str:code>/", cached_page(views.ProgramDetailView.as_view()), name="program_detail"),
    path("programs/<str:code>/feed/", require_safe(ProgramChangesFeed()), name="program_feed"),
    path(
        "programs/<str:code>/feed/preview/",
        feed_previews.ProgramFeedPreviewView.as_view(),
        name="program_feed_preview",
    ),
    path("programs/<str:code>/timeline.svg", charts.ProgramTimelineSvgView.as_view(), name="program_timeline_svg"),
    path("programs/<str:code>/timeline.csv", charts.ProgramTimelineCsvView.as_view(), name="program_timeline_csv"),
    path("authorities/", cached_page(views.AuthorityListView.as_view()), name="authority_list"),
    path("authorities/<slug:code>/", cached_page(views.AuthorityDetailView.as_view()), name="authority_detail"),
    path(
        "authorities/<slug:code>/timeline.svg",
        charts.AuthorityTimelineSvgView.as_view(),
        name="authority_timeline_svg",
    ),
    path(
        "authorities/<slug:code>/timeline.csv",
        charts.AuthorityTimelineCsvView.as_view(),
        name="authority_timeline_csv",
    ),
]
