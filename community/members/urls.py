from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("me/data/", views.data_copy, name="data"),
    path(
        "me/data/<int:request_id>/download/",
        views.data_copy_download,
        name="data_download",
    ),
    path("me/delete/", views.account_erase, name="erase"),
    path("me/goodbye/", views.goodbye, name="goodbye"),
    path("members/<slug:slug>/", views.profile_detail, name="profile_detail"),
]
