"""Where reviews plug into the rest of the site (docs/architecture.md).

Each section registers reviews at one plug-in point that a lower app declares;
no other app imports reviews.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from community.moderation.registry import MODERATED_TYPE_HOOK
from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from comptoir.page_cache import CACHED_PAGE_HOOK, MEMBER_PROFILES, CachedPage
from comptoir.search import SEARCH_SECTION_HOOK
from marketplace.catalog.panels import PRODUCT_ANNOTATOR_HOOK, PRODUCT_PANEL_HOOK
from rewards.pools import EARNING_POOL_HOOK

from .earning import ReviewersPool
from .forms import ReviewFilterForm
from .member_data import (
    reviews_delete_public,
    reviews_erase,
    reviews_erase_summary,
    reviews_export,
    reviews_files,
)
from .moderation import REVIEW_MODERATED_TYPE
from .product_page import RatingAnnotator, ReviewsPanel
from .search import ReviewsSection

# --- Product page panel and product list annotation (catalog) -----------------


@hooks.register(PRODUCT_PANEL_HOOK)
def product_reviews_panel():
    return ReviewsPanel()


@hooks.register(PRODUCT_ANNOTATOR_HOOK)
def product_rating_annotator():
    return RatingAnnotator()


@hooks.register(CACHED_PAGE_HOOK)
def product_page_review_filters():
    # The reviews' filters and pages on the cached product page, which shows
    # their authors; the reviews services forget the product's page when its
    # reviews change.
    return CachedPage(
        url_name="catalog:product_detail",
        tags=lambda request, match: {MEMBER_PROFILES},
        query_params={*ReviewFilterForm.base_fields, "page"},
    )


# --- Moderated content type and trust facts (moderation, members) -------------


@hooks.register(MODERATED_TYPE_HOOK)
def review_moderated_type():
    # Its trust facts (helpful votes received) count through moderation's
    # provider at register_trust_facts, with the approved contributions.
    return REVIEW_MODERATED_TYPE


# --- Earning pool (rewards) ---------------------------------------------------


@hooks.register(EARNING_POOL_HOOK)
def reviewers_pool():
    return ReviewersPool()


# --- Site search (comptoir.search) ---------------------------------------------


@hooks.register(SEARCH_SECTION_HOOK)
def reviews_search_section():
    return ReviewsSection()


# --- Member data: export and erasure (members) --------------------------------


@hooks.register(MEMBER_DATA_HOOK)
def member_data_reviews():
    return MemberDataSection(
        name="reviews",
        label=_("Reviews and votes"),
        order=20,
        export=reviews_export,
        erase=reviews_erase,
        files=reviews_files,
        erase_summary=reviews_erase_summary,
        delete_public=reviews_delete_public,
        delete_public_label=_("Delete my reviews as well"),
    )


@hooks.register(MEMBER_MENU_HOOK)
def reviews_member_menu_item():
    return NavItem(label=_("My reviews"), url_name="reviews:mine", order=20)
