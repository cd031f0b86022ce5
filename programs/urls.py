from django.urls import path

from designations.feeds import ProgramChangesFeed
from programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    # Program codes are OFAC's tags as published, spaces included ("CAATSA - RUSSIA").
    path("programs/<str:code>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<str:code>/feed/", ProgramChangesFeed(), name="program_feed"),
    path("authorities/", views.AuthorityListView.as_view(), name="authority_list"),
    path("authorities/<slug:code>/", views.AuthorityDetailView.as_view(), name="authority_detail"),
]
