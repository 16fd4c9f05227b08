"""Where ideas plug into the rest of the site (docs/architecture.md).

Each section registers ideas at one plug-in point that a lower app declares; no
other app imports ideas.
"""

from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from community.moderation.registry import MODERATED_TYPE_HOOK
from community.reviews.author_actions import (
    REVIEW_AUTHOR_ACTION_HOOK,
    ReviewAuthorAction,
)
from comptoir.navigation import MAIN_NAV_HOOK, MEMBER_MENU_HOOK, NavItem
from comptoir.page_cache import CACHED_PAGE_HOOK, MEMBER_PROFILES, CachedPage
from comptoir.routing import WEBSOCKET_ROUTES_HOOK
from comptoir.search import SEARCH_SECTION_HOOK
from comptoir.sitemaps import SITEMAP_HOOK
from marketplace.catalog.panels import PRODUCT_PANEL_HOOK

from . import admin_views
from .cached_pages import IDEAS, idea_tag
from .consumers import websocket_urlpatterns as discussion_routes
from .forms import IdeaFilterForm
from .member_data import (
    ideas_delete_public,
    ideas_erase,
    ideas_erase_summary,
    ideas_export,
    ideas_files,
)
from .moderation import COMMENT_MODERATED_TYPE, IDEA_MODERATED_TYPE
from .product_page import BornFromIdeaPanel
from .search import IdeasSection, IdeasSitemap
from .services import FROM_REVIEW_MAX_RATING

# --- Moderated content types and trust facts (moderation, members) -----------


@hooks.register(MODERATED_TYPE_HOOK)
def idea_moderated_type():
    # Its trust facts (supporters gathered) count through moderation's provider
    # at register_trust_facts, with the approved contributions.
    return IDEA_MODERATED_TYPE


@hooks.register(MODERATED_TYPE_HOOK)
def idea_comment_moderated_type():
    return COMMENT_MODERATED_TYPE


# --- Public pages: search, sitemap, page cache, product page -----------------


@hooks.register(SEARCH_SECTION_HOOK)
def ideas_search_section():
    return IdeasSection()


@hooks.register(SITEMAP_HOOK)
def ideas_sitemap():
    return {"ideas": IdeasSitemap}


@hooks.register(PRODUCT_PANEL_HOOK)
def product_born_from_idea_panel():
    return BornFromIdeaPanel()


@hooks.register(CACHED_PAGE_HOOK)
def ideas_cached_pages():
    # Every list shows authors' names: renaming oneself forgets them too. The
    # ideas services forget IDEAS and the idea's own tag when what it shows
    # changes (cached_pages.idea_pages_forget).
    return [
        CachedPage(
            url_name="ideas:list",
            tags=lambda request, match: {IDEAS, MEMBER_PROFILES},
            query_params={*IdeaFilterForm.base_fields, "after", "before", "page"},
        ),
        CachedPage(
            url_name="ideas:detail",
            tags=lambda request, match: {
                IDEAS,
                MEMBER_PROFILES,
                idea_tag(match.kwargs["pk"]),
            },
            query_params={"after", "before", "page"},
        ),
        CachedPage(
            url_name="ideas:how_it_works",
            tags=lambda request, match: {IDEAS},
        ),
    ]


@hooks.register(CACHED_PAGE_HOOK)
def product_page_born_from_idea():
    # The panel shows on the cached product page; launching an idea forgets the
    # product's tag (cached_pages.idea_pages_forget), renaming a member theirs.
    return CachedPage(
        url_name="catalog:product_detail",
        tags=lambda request, match: {MEMBER_PROFILES},
    )


class SuggestImprovementAction(ReviewAuthorAction):
    """A disappointed review (≤ 3 stars) can become an idea, prefilled from it."""

    name = "suggest_improvement"
    label = _("Suggest an improvement")

    def url(self, review) -> str:
        return reverse("ideas:create") + "?" + urlencode({"from_review": review.pk})

    def applies(self, review) -> bool:
        # The same limit as idea_create's check of `from_review`.
        return review.rating <= FROM_REVIEW_MAX_RATING


@hooks.register(REVIEW_AUTHOR_ACTION_HOOK)
def suggest_improvement_action():
    return SuggestImprovementAction()


@hooks.register(MAIN_NAV_HOOK)
def ideas_nav_item():
    return NavItem(label=_("Ideas"), url_name="ideas:list", order=40)


# --- Admin: review board, merge, launch --------------------------------------


_admin_urls = [
    path("", admin_views.board, name="board"),
    path("development/", admin_views.development, name="development"),
    path("all/", admin_views.ideas_all, name="all"),
    path("schedule/", admin_views.schedule, name="schedule"),
    path("<int:idea_id>/", admin_views.idea_detail, name="idea"),
    path("<int:idea_id>/decide/", admin_views.idea_decide, name="decide"),
    path(
        "<int:idea_id>/development/",
        admin_views.idea_development,
        name="development_start",
    ),
    path("<int:idea_id>/launch/", admin_views.idea_launch, name="launch"),
    path("<int:idea_id>/merge/", admin_views.idea_merge, name="merge"),
]


@hooks.register("register_admin_urls")
def ideas_admin_urls():
    """The board's pages under /admin/ideas/ (namespace `ideas_admin`)."""
    return [
        path(
            "ideas/",
            include((_admin_urls, "ideas_admin"), namespace="ideas_admin"),
        )
    ]


class IdeasAdminMenuItem(MenuItem):
    """Shown to whoever passes `test` (the board, moderators)."""

    def __init__(self, *args, test=admin_views.user_can_see_ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.test = test

    def is_shown(self, request):
        return self.test(request.user)


class IdeasAdminSubmenu(SubmenuMenuItem):
    """The "Product ideas" menu: for the review board and moderators."""

    def is_shown(self, request):
        return admin_views.user_can_see_ideas(request.user)


def _can_edit_ideas_settings(user) -> bool:
    # The rules live in Settings › Product ideas; a shortcut for who may edit them.
    return user.has_perm("ideas.change_ideassettings")


@hooks.register("register_admin_menu_item")
def ideas_admin_menu():
    """Review board, accepted ideas, all public ideas (where merges start), the
    next board's date and the rules, each shown to who may use it."""
    items = [
        IdeasAdminMenuItem(
            _("Review board"),
            reverse("ideas_admin:board"),
            icon_name="tasks",
            order=100,
        ),
        IdeasAdminMenuItem(
            _("Accepted and in development"),
            reverse("ideas_admin:development"),
            icon_name="cogs",
            order=200,
        ),
        IdeasAdminMenuItem(
            _("All public ideas"),
            reverse("ideas_admin:all"),
            icon_name="list-ul",
            order=300,
        ),
        IdeasAdminMenuItem(
            _("Next review board"),
            reverse("ideas_admin:schedule"),
            icon_name="date",
            order=400,
            test=admin_views.user_can_decide,
        ),
        IdeasAdminMenuItem(
            _("Rules of product ideas"),
            reverse("wagtailsettings:edit", args=["ideas", "ideassettings"]),
            icon_name="cog",
            order=500,
            test=_can_edit_ideas_settings,
        ),
    ]
    return IdeasAdminSubmenu(
        _("Product ideas"),
        Menu(items=items),
        name="product-ideas",
        icon_name="pick",
        order=300,
    )


# --- Live discussion and member data -----------------------------------------


@hooks.register(WEBSOCKET_ROUTES_HOOK)
def idea_discussion_websocket_routes():
    return discussion_routes


@hooks.register(MEMBER_DATA_HOOK)
def member_data_ideas():
    return MemberDataSection(
        name="ideas",
        label=_("Product ideas, comments and supports"),
        # Exported after reviews, erased before them (and before the account).
        order=25,
        export=ideas_export,
        erase=ideas_erase,
        files=ideas_files,
        erase_summary=ideas_erase_summary,
        delete_public=ideas_delete_public,
        delete_public_label=_("Delete my ideas and comments as well"),
    )


@hooks.register(MEMBER_MENU_HOOK)
def ideas_member_menu_item():
    return NavItem(label=_("My ideas"), url_name="ideas:mine", order=30)
