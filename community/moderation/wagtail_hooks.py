"""The "Moderation" menu item with its live count, the queue's admin URLs, and
the trust facts that members' moderated content earns them."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from community.members.trust import TRUST_FACTS_HOOK
from comptoir.routing import WEBSOCKET_ROUTES_HOOK

from . import admin_urls
from .member_data import moderation_erase, moderation_export
from .routing import websocket_urlpatterns
from .selectors import member_content_trust_facts, queue_open_count
from .services import user_can_moderate


class ModerationMenuItem(MenuItem):
    """Shown to moderators only; its label carries the number of open items."""

    def is_shown(self, request):
        return user_can_moderate(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        count = queue_open_count()
        component.label = _("Moderation (%(count)s)") % {"count": count}
        component.attrs = {**self.attrs, "data-moderation-count": str(count)}
        return component


@hooks.register("register_admin_urls")
def moderation_admin_urls():
    return [path("moderation/", include(admin_urls, namespace="moderation_admin"))]


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(
        gettext_lazy("Moderation"),
        reverse("moderation_admin:queue"),
        name="moderation",
        icon_name="clipboard-list",
        order=250,
        attrs={"data-moderation-menu": ""},
    )


@hooks.register("insert_global_admin_js")
def moderation_count_js():
    # Every admin page gets it; it only connects when the menu item is shown.
    return format_html(
        '<script src="{}" defer></script>'
        '<script src="{}" data-socket-path="/ws/moderation/queue/" defer></script>',
        static("comptoir/js/live-socket.js"),
        static("moderation/js/queue-count.js"),
    )


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def moderation_websocket_routes():
    return websocket_urlpatterns


@hooks.register(TRUST_FACTS_HOOK)
def moderated_content_trust_facts():
    # Approved contributions of every registered type, and each type's own facts.
    return member_content_trust_facts


# --- Member data: export and erasure (members) --------------------------------


@hooks.register(MEMBER_DATA_HOOK)
def member_data_moderation():
    return MemberDataSection(
        name="moderation",
        label=gettext_lazy("Reports and moderation"),
        order=30,
        export=moderation_export,
        erase=moderation_erase,
    )
