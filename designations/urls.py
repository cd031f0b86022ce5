from django.urls import path
from django.views.decorators.http import require_safe

from designations import feeds, views
from designations.views import charts, feed_previews
from tracker.response_cache import cached_page

app_name = "designations"
urlpatterns = [
    path("countries/", cached_page(views.CountryListView.as_view()), name="country_list"),
    path("countries/<str:code>/", cached_page(views.CountryDetailView.as_view()), name="country_detail"),
    path("countries/<str:code>/feed/", require_safe(feeds.CountryChangesFeed()), name="country_feed"),
    path(
        "countries/<str:code>/feed/preview/",
        feed_previews.CountryFeedPreviewView.as_view(),
        name="country_feed_preview",
    ),
    path("countries/<str:code>/timeline.svg", charts.CountryTimelineSvgView.as_view(), name="country_timeline_svg"),
    path("countries/<str:code>/timeline.csv", charts.CountryTimelineCsvView.as_view(), name="country_timeline_csv"),
    path("changes/feed/preview/", feed_previews.ChangesFeedPreviewView.as_view(), name="changes_feed_preview"),
    path("designees/<int:pk>/", cached_page(views.DesigneeDetailView.as_view()), name="designee_detail"),
    path("designations/", cached_page(views.DesignationListView.as_view()), name="designation_list"),
    path("search/", cached_page(views.SearchView.as_view()), name="search"),
    path("changes/", cached_page(views.ChangesView.as_view()), name="changes"),
    path("compare/", cached_page(views.CompareView.as_view()), name="compare"),
]
