"""Where notifications plug into the rest of the site (docs/architecture.md).

One section per plug-in point; add registrations under your section only.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from comptoir.routing import WEBSOCKET_ROUTES_HOOK

from .member_data import (
    email_preferences_erase,
    email_preferences_export,
    emails_waiting_member_erase,
    emails_waiting_member_export,
    notifications_erase,
    notifications_export,
)
from .routing import websocket_urlpatterns

# --- Live routes (comptoir routing) --------------------------------------------


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def notifications_websocket_routes():
    return websocket_urlpatterns


# --- Member data: export and erasure (members) --------------------------------


@hooks.register(MEMBER_DATA_HOOK)
def member_data_notifications():
    return MemberDataSection(
        name="notifications",
        label=_("Notifications"),
        order=50,
        export=notifications_export,
        erase=notifications_erase,
    )


@hooks.register(MEMBER_DATA_HOOK)
def member_data_email_preferences():
    return MemberDataSection(
        name="email_preferences",
        label=_("E-mail choices"),
        order=51,
        export=email_preferences_export,
        erase=email_preferences_erase,
    )


@hooks.register(MEMBER_DATA_HOOK)
def member_data_emails_waiting():
    return MemberDataSection(
        name="emails_waiting",
        label=_("E-mails not sent yet"),
        order=52,
        export=emails_waiting_member_export,
        erase=emails_waiting_member_erase,
    )
