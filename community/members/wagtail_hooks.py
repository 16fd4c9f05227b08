"""Where members plug into the rest of the site (docs/architecture.md).

One section per plug-in point; add registrations under your section only.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from marketplace.sales.member_data import (
    sale_events_erase,
    sale_events_erase_summary,
    sale_events_export,
)

from . import admin_views
from .member_data import MEMBER_DATA_HOOK, MemberDataSection, profile_section

# --- Member data: export and erasure (members) --------------------------------


@hooks.register(MEMBER_DATA_HOOK)
def member_data_profile():
    return profile_section()


@hooks.register(MEMBER_DATA_HOOK)
def member_data_sales():
    # Sales lie below members and may not import them: members registers the
    # section sales provides.
    return MemberDataSection(
        name="purchases",
        label=_("Purchases and refunds"),
        order=60,
        export=sale_events_export,
        erase=sale_events_erase,
        erase_summary=sale_events_erase_summary,
    )


# --- Data requests in the admin (members) ---------------------------------------


class DataRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_urls")
def data_requests_admin_urls():
    return [
        path(
            "members/data-requests/",
            admin_views.data_requests,
            name="members_data_requests",
        )
    ]


@hooks.register("register_admin_menu_item")
def data_requests_menu_item():
    return DataRequestsMenuItem(
        _("Data requests"),
        reverse("members_data_requests"),
        name="data-requests",
        icon_name="doc-full",
        order=260,
    )


@hooks.register(MEMBER_MENU_HOOK)
def members_menu_profile():
    return NavItem(
        label=_("Profile and settings"), url_name="members:profile_edit", order=10
    )
