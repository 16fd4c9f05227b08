"""Admin URLs of the moderation queue, mounted under /admin/moderation/."""

from django.urls import path

from . import admin_views

app_name = "moderation_admin"
urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("decide/", admin_views.decide, name="decide"),
    path("shortcuts/", admin_views.shortcuts_save, name="shortcuts"),
    path(
        "items/<int:content_type_id>/<int:object_id>/",
        admin_views.item_history,
        name="item_history",
    ),
    path(
        "items/<int:content_type_id>/<int:object_id>/decide/",
        admin_views.item_decide,
        name="item_decide",
    ),
    path("members/<int:member_id>/", admin_views.member_history, name="member_history"),
    path(
        "members/<int:member_id>/suspend/",
        admin_views.member_suspend,
        name="member_suspend",
    ),
    path(
        "suspensions/<int:suspension_id>/lift/",
        admin_views.suspension_lift,
        name="suspension_lift",
    ),
]
