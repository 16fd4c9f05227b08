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
from comptoir.page_cache import CACHED_PAGE_HOOK, CachedPage
from comptoir.routing import WEBSOCKET_ROUTES_HOOK
from comptoir.search import SEARCH_SECTION_HOOK
from comptoir.sitemaps import SITEMAP_HOOK
from marketplace.catalog.panels import PRODUCT_PANEL_HOOK

from . import cached_pages
from .cached_pages import FORUM_CATEGORIES
from .consumers import websocket_urlpatterns as topic_live_routes
from .member_data import (
    forum_delete_public,
    forum_erase,
    forum_erase_summary,
    forum_export,
    forum_files,
)
from .models import ForumCategory
from .moderation import POST_MODERATED_TYPE, TOPIC_MODERATED_TYPE
from .product_page import ProductQuestionsPanel
from .search import ForumSection, ForumSitemap

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
        files=forum_files,
        delete_public=forum_delete_public,
        delete_public_label=_("Delete my forum posts as well"),
    )


# --- Public pages: product page, search, sitemap, page cache (forum-hooks) -----


@hooks.register(PRODUCT_PANEL_HOOK)
def product_questions_panel():
    return ProductQuestionsPanel()


@hooks.register(SEARCH_SECTION_HOOK)
def forum_search_section():
    return ForumSection()


@hooks.register(SITEMAP_HOOK)
def forum_sitemap():
    return {"forum": ForumSitemap}


@hooks.register(CACHED_PAGE_HOOK)
def forum_cached_pages():
    # Visitors' pages only (the middleware never stores a member's). The forum's
    # services forget them by tag (cached_pages.forum_pages_forget).
    return [
        CachedPage(url_name="forum:index", tags=cached_pages.index_tags),
        CachedPage(
            url_name="forum:category",
            tags=cached_pages.category_tags,
            query_params={"after", "before", "page"},
        ),
        CachedPage(
            url_name="forum:topic",
            tags=cached_pages.topic_tags,
            query_params={"post", "page"},
            hit_data=cached_pages.topic_hit_data,
            on_hit=cached_pages.topic_cached_view,
        ),
    ]


@hooks.register(CACHED_PAGE_HOOK)
def product_page_questions():
    # The questions panel shows on the cached product page: the services forget
    # the product's tag; a category turned staff-only forgets FORUM_CATEGORIES.
    return CachedPage(
        url_name="catalog:product_detail",
        tags=lambda request, match: {FORUM_CATEGORIES},
    )


# --- Live topic pages (forum-live) ----------------------------------------------


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def forum_topic_websocket_routes():
    return topic_live_routes
