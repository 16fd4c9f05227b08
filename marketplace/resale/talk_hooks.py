"""Where resale's conversations plug into the rest of the site (docs/architecture.md).

Imported from `ResaleConfig.ready()`; resale's `wagtail_hooks.py` holds the
listings' registrations, `account_hooks.py` the member data (messages included).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from community.moderation.registry import MODERATED_TYPE_HOOK
from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from comptoir.routing import WEBSOCKET_ROUTES_HOOK

from .consumers import websocket_urlpatterns
from .conversations import MESSAGE_MODERATED_TYPE

# --- Live routes (comptoir routing) ---------------------------------------------


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def resale_conversation_websocket_routes():
    return websocket_urlpatterns


# --- Moderated content type: reported messages (moderation) ---------------------


@hooks.register(MODERATED_TYPE_HOOK)
def resale_message_moderated_type():
    return MESSAGE_MODERATED_TYPE


# --- Member menu ------------------------------------------------------------------


@hooks.register(MEMBER_MENU_HOOK)
def my_conversations_nav_item():
    return NavItem(label=_("My conversations"), path="/me/conversations/", order=62)
