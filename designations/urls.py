from django.urls import path

from designations import views

app_name = "designations"
urlpatterns = [
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("designees/<int:pk>/", views.DesigneeDetailView.as_view(), name="designee_detail"),
]
