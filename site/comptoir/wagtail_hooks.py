"""The admin's "Background tasks" page and menu item, and the websockets' location."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from comptoir import admin_views
from comptoir.templatetags.comptoir_tags import live_socket_meta

admin_urlpatterns = [
    path("", admin_views.background_jobs, name="background_jobs"),
    path(
        "<str:job_id>/retry/",
        admin_views.background_job_retry,
        name="background_job_retry",
    ),
]


class BackgroundJobsMenuItem(MenuItem):
    """Shown to whoever may view background jobs."""

    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_urls")
def background_jobs_admin_urls():
    return [
        path(
            "background-tasks/",
            include((admin_urlpatterns, "comptoir_admin"), namespace="comptoir_admin"),
        )
    ]


@hooks.register("register_settings_menu_item")
def background_jobs_menu_item():
    return BackgroundJobsMenuItem(
        gettext_lazy("Background tasks"),
        reverse("comptoir_admin:background_jobs"),
        name="background-tasks",
        icon_name="cogs",
        order=900,
    )


@hooks.register("insert_global_admin_js")
def live_socket_location():
    # The admin does not extend base.html: the same <meta> tells live-socket.js
    # where the websockets are (the moderation queue count).
    return live_socket_meta()
