"""Where the forum plugs into the rest of the site (docs/architecture.md).

Each section registers the forum at one plug-in point that a lower app
declares; no other app imports the forum.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from community.moderation.registry import MODERATED_TYPE_HOOK
from comptoir.navigation import MAIN_NAV_HOOK, MEMBER_MENU_HOOK, NavItem

from .member_data import (
    forum_delete_public,
    forum_erase,
    forum_erase_summary,
    forum_export,
)
from .models import ForumCategory
from .moderation import POST_MODERATED_TYPE, TOPIC_MODERATED_TYPE

# --- Pages: the categories in the admin, the menus (forum-pages) --------------


class ForumCategoryViewSet(SnippetViewSet):
    """Editors manage the forum's categories: name, description, colour, order
    and who may start topics. The counts are kept by the forum's services."""

    model = ForumCategory
    icon = "comment"
    menu_label = _("Forum categories")
    menu_name = "forum-categories"
    menu_order = 350
    add_to_admin_menu = True
    search_backend_name = None
    search_fields = ["name", "slug", "description"]
    list_display = [
        "name",
        "slug",
        Column("position", label=_("Position"), sort_key="position"),
        Column(
            "who_may_start",
            label=_("Who may start topics"),
            accessor="get_who_may_start_display",
        ),
        BooleanColumn("staff_only", label=_("Staff only")),
        Column("topic_count", label=_("Topics"), sort_key="topic_count"),
    ]
    list_filter = ["who_may_start", "staff_only"]
    ordering = ["position", "name"]


register_snippet(ForumCategoryViewSet)


# Paths, not URL names: a menu on every page must not depend on the forum's
# URLs being included.
@hooks.register(MAIN_NAV_HOOK)
def forum_nav_item():
    return NavItem(label=_("Forum"), path="/forum/", order=45)


@hooks.register(MEMBER_MENU_HOOK)
def forum_member_menu_item():
    return NavItem(label=_("My forum"), path="/me/forum/", order=60)


# --- Rules: moderated types, trust facts, member data (forum-core) ------------


@hooks.register(MODERATED_TYPE_HOOK)
def forum_topic_moderated_type():
    return TOPIC_MODERATED_TYPE


@hooks.register(MODERATED_TYPE_HOOK)
def forum_post_moderated_type():
    # Its trust facts (likes received) count through moderation's provider at
    # register_trust_facts, with the approved topics and replies.
    return POST_MODERATED_TYPE


@hooks.register(MEMBER_DATA_HOOK)
def member_data_forum():
    return MemberDataSection(
        name="forum",
        label=_("Forum topics, posts, likes and watches"),
        # Exported after ideas, erased before them (and before the account).
        order=27,
        export=forum_export,
        erase=forum_erase,
        erase_summary=forum_erase_summary,
        delete_public=forum_delete_public,
        delete_public_label=_("Delete my forum posts as well"),
    )
