from django.urls import path

from designations import feeds, views

app_name = "designations"
urlpatterns = [
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("countries/<str:code>/feed/", feeds.CountryChangesFeed(), name="country_feed"),
    path("designees/<int:pk>/", views.DesigneeDetailView.as_view(), name="designee_detail"),
    path("designations/", views.DesignationListView.as_view(), name="designation_list"),
    path("search/", views.SearchView.as_view(), name="search"),
]
