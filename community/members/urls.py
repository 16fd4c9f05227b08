from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("members/<slug:slug>/", views.profile_detail, name="profile_detail"),
]
