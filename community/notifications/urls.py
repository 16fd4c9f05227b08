from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("me/notifications/", views.notification_list, name="list"),
    path(
        "me/notifications/<int:notification_id>/",
        views.notification_open,
        name="open",
    ),
    path(
        "me/notifications/read-all/",
        views.notification_mark_all_read,
        name="mark_all_read",
    ),
    path("me/emails/", views.email_preferences, name="email_preferences"),
    path(
        "emails/unsubscribe/<str:token>/",
        views.email_unsubscribe,
        name="unsubscribe",
    ),
]
