from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path(
        "report/<int:content_type_id>/<int:object_id>/",
        views.report,
        name="report",
    ),
]
