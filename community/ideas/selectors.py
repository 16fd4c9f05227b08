"""Reads of the ideas pages: lists, one idea as a viewer may see it, my ideas.

Every list comes with its joins and prefetches applied, so a page costs the same
number of queries whatever the number of ideas, supports or comments behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from community.moderation.models import ModerationStatus
from community.moderation.services import user_can_moderate
from comptoir.keyset import Keyset, KeysetPage
from comptoir.search import full_text_search

from .models import (
    PUBLIC_STATES,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeaPhoto,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)

# Shown on /ideas/: public, and not a merged duplicate (its original is listed).
LISTED_STATES = frozenset(PUBLIC_STATES - {IdeaState.MERGED})

# The sorts of /ideas/, each a keyset over one of Idea's indexes.
IDEA_SORTS = {
    "trending": Keyset(("-recent_supporter_count", "-id"), tag="it"),
    "newest": Keyset(("-created_at", "-id"), tag="in"),
    "most_supported": Keyset(("-supporter_count", "-id"), tag="is"),
    "closing_soon": Keyset(("stage_deadline", "id"), tag="ic"),
}
DEFAULT_IDEA_SORT = "trending"
COMMENTS_KEYSET = Keyset(("created_at", "id"), tag="cm")


def public_ideas() -> QuerySet[Idea]:
    """Ideas anyone may read: published by moderation, in a public state."""
    return Idea.objects.filter(
        status=ModerationStatus.PUBLISHED, state__in=list(PUBLIC_STATES)
    )


def listed_ideas() -> QuerySet[Idea]:
    """Ideas of /ideas/ and the sitemap: public ones except merged duplicates."""
    return Idea.objects.filter(
        status=ModerationStatus.PUBLISHED, state__in=list(LISTED_STATES)
    )


def idea_list_page(
    *,
    params,
    per_page: int,
    sort: str = DEFAULT_IDEA_SORT,
    state: str = "",
    tag: str = "",
) -> KeysetPage:
    """One page of /ideas/: filtered by state and tag, in `sort` order, by keyset.

    Three queries at any depth: the count, the rows with their authors, their tags.
    "Closing soon" lists only open ideas, those with a deadline to beat.
    """
    keyset = IDEA_SORTS.get(sort) or IDEA_SORTS[DEFAULT_IDEA_SORT]
    ideas = listed_ideas()
    if sort == "closing_soon":
        ideas = ideas.filter(state=IdeaState.OPEN, stage_deadline__isnull=False)
    elif state:
        ideas = ideas.filter(state=state)
    if tag:
        ideas = ideas.filter(tags__slug=tag)
    ideas = ideas.select_related("author").prefetch_related("tags")
    return keyset.page(ideas, params, per_page=per_page)


def idea_tags(*, limit: int = 50) -> list[tuple[str, str]]:
    """The tags of listed ideas as (slug, name), for the list's filter.

    One EXISTS per tag on the tag's own index rows, not a DISTINCT over every
    listed idea's tags: 0.02 ms instead of 8 ms at 10,000 ideas (bench/ideas.py).
    """
    from taggit.models import Tag

    from .models import TaggedIdea

    listed = TaggedIdea.objects.filter(
        tag=OuterRef("pk"),
        content_object__status=ModerationStatus.PUBLISHED,
        content_object__state__in=list(LISTED_STATES),
    )
    rows = (
        Tag.objects.filter(Exists(listed))
        .order_by("name")
        .values_list("slug", "name")[:limit]
    )
    return list(rows)


@dataclass
class Threshold:
    """Where an idea stands against its current stage."""

    supporters: int  # to reach in this stage
    count: int  # the idea's supporters now
    deadline: dt.datetime | None
    number: int  # 1-based stage number
    stages: int
    percent: int  # of the stage's supporters reached, 0–100

    @property
    def missing(self) -> int:
        return max(0, self.supporters - self.count)


def idea_threshold(idea: Idea, stages: list[tuple[int, int]]) -> Threshold | None:
    """The next threshold of an open idea (None once past the last stage or not
    gathering support). No query: `stages` is IdeasSettings.stages()."""
    if idea.state != IdeaState.OPEN or not stages or idea.stage >= len(stages):
        return None
    supporters, _days = stages[idea.stage]
    percent = min(100, (idea.supporter_count * 100) // supporters) if supporters else 0
    return Threshold(
        supporters=supporters,
        count=idea.supporter_count,
        deadline=idea.stage_deadline,
        number=idea.stage + 1,
        stages=len(stages),
        percent=percent,
    )


def ideas_settings(request=None) -> IdeasSettings:
    """The live rules (one query, cached on the request by Wagtail)."""
    return IdeasSettings.load(request_or_site=request)


def _viewer_may_see_private(idea: Idea, viewer) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == idea.author_id or user_can_moderate(viewer):
        return True
    # Invited co-originators see the idea they are asked to join.
    return IdeaOriginator.objects.filter(idea=idea, member_id=viewer.pk).exists()


def idea_for_viewer(*, idea_id: int, viewer) -> Idea:
    """An idea as `viewer` may see it: a public one for anyone (a merged one too:
    its page redirects), any other for its author, originators and moderators;
    404 else, so a private idea's existence stays private. Removed ideas are gone
    for everyone but moderators."""
    idea = (
        Idea.objects.filter(pk=idea_id)
        .select_related("author", "merged_into", "product")
        .first()
    )
    if idea is None:
        raise Http404("No such idea.")
    if idea.is_public:
        return idea
    if idea.status == ModerationStatus.REMOVED and not user_can_moderate(viewer):
        raise Http404("No such idea.")
    if not _viewer_may_see_private(idea, viewer):
        raise Http404("No such idea.")
    return idea


def idea_for_author(*, idea_id: int, member) -> Idea:
    """An idea its author manages (edit, submit, withdraw); 404 for anyone else."""
    idea = (
        Idea.objects.filter(pk=idea_id, author_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        .prefetch_related("photos", "tags")
        .first()
    )
    if idea is None:
        raise Http404("No such idea.")
    return idea


def idea_public(*, idea_id: int) -> Idea:
    """A public idea (supports, comments); 404 otherwise."""
    idea = public_ideas().filter(pk=idea_id).first()
    if idea is None:
        raise Http404("No such idea.")
    return idea


def idea_history(*, idea: Idea) -> list[IdeaStateChange]:
    """Every change of the idea's state, oldest first, with its public reason."""
    return list(IdeaStateChange.objects.filter(idea=idea).order_by("created_at", "id"))


def idea_photos(*, idea: Idea) -> list[IdeaPhoto]:
    return list(IdeaPhoto.objects.filter(idea=idea).order_by("position", "id"))


def idea_originators(*, idea: Idea) -> list[IdeaOriginator]:
    """Who the idea comes from: accepted originators, biggest share first."""
    return list(
        IdeaOriginator.objects.filter(idea=idea, accepted_at__isnull=False)
        .select_related("member")
        .order_by("-share_bp", "id")
    )


def idea_comments_page(*, idea: Idea, params, per_page: int) -> KeysetPage:
    """One page of the idea's published comments, oldest first, by keyset."""
    comments = IdeaComment.objects.filter(
        idea=idea, status=ModerationStatus.PUBLISHED
    ).select_related("author", "idea")
    return COMMENTS_KEYSET.page(comments, params, per_page=per_page)


def member_supports(*, member, idea_id: int) -> bool:
    """Whether the member supports this idea."""
    if member is None or not member.is_authenticated:
        return False
    return IdeaSupport.objects.filter(idea_id=idea_id, member_id=member.pk).exists()


def idea_photo_for_viewer(*, photo_id: int, viewer) -> IdeaPhoto:
    """An idea photo as `viewer` may see it: anyone's while its idea is public, its
    author's and moderators' otherwise; 404 else."""
    photo = IdeaPhoto.objects.filter(pk=photo_id).select_related("idea").first()
    if photo is None:
        raise Http404("No such photo.")
    idea = photo.idea
    allowed = idea.is_public or (
        viewer.is_authenticated
        and (viewer.pk == idea.author_id or user_can_moderate(viewer))
    )
    if not allowed:
        raise Http404("No such photo.")
    return photo


def similar_ideas(*, query: str, limit: int = 8):
    """Public ideas whose words match `query`, best first, from the search index."""
    return full_text_search(public_ideas(), query)[:limit]


def idea_search(*, query: str):
    """The ideas section of the site search: public ideas, best match first."""
    return full_text_search(public_ideas(), query)


# --- /me/ideas/ ------------------------------------------------------------------


def member_ideas(*, member) -> QuerySet[Idea]:
    """The member's own ideas, newest first, whatever their state."""
    return (
        Idea.objects.filter(author_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("merged_into", "product")
        .order_by("-created_at", "-id")
    )


def member_supported_ideas(*, member) -> QuerySet[IdeaSupport]:
    """The member's supports, newest first, with their ideas."""
    return (
        IdeaSupport.objects.filter(member_id=member.pk)
        .select_related("idea")
        .order_by("-created_at", "-id")
    )


def member_invitations(*, member) -> QuerySet[IdeaOriginator]:
    """Co-originator invitations the member has not answered yet."""
    return (
        IdeaOriginator.objects.filter(member_id=member.pk, accepted_at__isnull=True)
        .exclude(idea__author_id=member.pk)
        .exclude(idea__status=ModerationStatus.REMOVED)
        .select_related("idea", "idea__author")
        .order_by("-invited_at", "-id")
    )


def invitation_for_member(*, origination_id: int, member) -> IdeaOriginator:
    """One of the member's unanswered invitations; 404 otherwise."""
    origination = member_invitations(member=member).filter(pk=origination_id).first()
    if origination is None:
        raise Http404("No such invitation.")
    return origination


# --- Product page: "Born from an idea" ------------------------------------------


def idea_of_product(*, product_id: int) -> Idea | None:
    """The launched, public idea a product came from, with its accepted
    originators prefetched; None for other products. Two queries."""
    return (
        Idea.objects.filter(
            product_id=product_id,
            state=IdeaState.LAUNCHED,
            status=ModerationStatus.PUBLISHED,
        )
        .prefetch_related(
            Prefetch(
                "originators",
                queryset=IdeaOriginator.objects.filter(accepted_at__isnull=False)
                .select_related("member")
                .order_by("-share_bp", "id"),
                to_attr="accepted_originators",
            )
        )
        .order_by("pk")
        .first()
    )


def review_for_suggestion(*, review_id, member):
    """A review of ≤ 3 stars by `member`, to prefill an idea from; None otherwise
    (a wrong id is no error: the form simply starts empty)."""
    Review = Idea._meta.get_field("from_review").related_model
    try:
        review_id = int(review_id)
    except (TypeError, ValueError):
        return None
    return (
        Review.objects.filter(pk=review_id, author_id=member.pk, rating__lte=3)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("product")
        .first()
    )
