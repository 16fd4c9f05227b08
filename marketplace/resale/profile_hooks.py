"""Resale's section of the public member profile (community/members/
profile_sections.py, docs/architecture.md point 17): the seller's average rating
and count, and their sales in the stores.

Imported from `ResaleConfig.ready()`.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from community.members.profile_sections import PROFILE_SECTION_HOOK, ProfileSection

from .ratings import seller_rating


def seller_profile_context(request, member) -> dict | None:
    """The member's rating as a seller; nothing for a member who never sold."""
    rating = seller_rating(member_id=member.pk)
    if not rating.count and not rating.sales:
        return None
    return {"rating": rating}


@hooks.register(PROFILE_SECTION_HOOK)
def seller_profile_section():
    return ProfileSection(
        label=_("Second-hand seller"),
        template_name="resale/includes/profile_seller.html",
        context=seller_profile_context,
        order=50,
    )
