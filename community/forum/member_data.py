"""A member's forum data, for the member-data export and erasure
(community/members/member_data.py).

Erasure policy, as for ideas' discussion:
- published topics and posts stay, credited to the anonymised account
  ("Former member #id"): other members replied to them and quote them;
- topics and posts nobody has read yet (waiting for moderation, or rejected)
  are removed and their words blanked, with their edit history;
- likes given are taken back (the posts' and topics' counts recounted), and
  watches, bookmarks, read marks, mentions of them, the digest choice and the
  digests sent are deleted: they only served the member;
- every image of the member's posts is deleted, its file and renditions from
  storage too (once the erasure commits): an image may show the member or their
  home, as review photos.

If the member chooses "Delete my forum posts as well" (`forum_delete_public`),
every post of theirs is removed and blanked with its history; a topic of
theirs that others replied to keeps its title and the replies (only its opening
post is removed), the others are removed whole. Rows stay for the moderation
trail and the numbering of the topics.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.moderation.models import ModerationStatus
from community.moderation.services import content_withdraw

from .models import (
    Bookmark,
    DigestPreference,
    DigestSent,
    Post,
    PostImage,
    PostLike,
    PostMention,
    PostRevision,
    Topic,
    TopicRead,
    Watch,
)

UNSEEN = (ModerationStatus.PENDING, ModerationStatus.REJECTED)


# --- Export ----------------------------------------------------------------------


def forum_export(member) -> dict[str, Any]:
    """Topics and posts the member wrote (any status, with their edit history),
    likes given, watches, bookmarks, read marks and the digest choice."""
    topics = (
        Topic.objects.filter(author=member)
        .select_related("category")
        .prefetch_related("tags")
        .order_by("created_at", "id")
    )
    posts = (
        Post.objects.filter(author=member)
        .prefetch_related(
            "revisions",
            Prefetch(
                "images",
                queryset=PostImage.objects.select_related("image").order_by(
                    "position", "id"
                ),
            ),
        )
        .order_by("created_at", "id")
    )
    digest = DigestPreference.objects.filter(member=member).first()
    return {
        "topics": [
            {
                "id": topic.pk,
                "title": topic.title,
                "category": topic.category.name,
                "product": topic.product_id,
                "tags": sorted(tag.name for tag in topic.tags.all()),
                "status": topic.status,
                "created_at": topic.created_at,
                "published_at": topic.published_at,
            }
            for topic in topics
        ],
        "posts": [
            {
                "id": post.pk,
                "topic": post.topic_id,
                "number": post.number,
                "body": post.body,
                "status": post.status,
                "by_verified_owner": post.by_verified_owner,
                "likes": post.like_count,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "earlier_versions": [
                    {"body": revision.body, "until": revision.edited_at}
                    for revision in post.revisions.all()
                ],
                "images": [image.stored_file.name for image in post.images.all()],
            }
            for post in posts
        ],
        "likes_given": [
            {"post": like.post_id, "at": like.created_at}
            for like in PostLike.objects.filter(member=member).order_by("created_at")
        ],
        "watching": [
            {"topic": watch.topic_id, "category": watch.category_id}
            for watch in Watch.objects.filter(member=member).order_by("created_at")
        ],
        "bookmarks": [
            {"post": bookmark.post_id, "at": bookmark.created_at}
            for bookmark in Bookmark.objects.filter(member=member).order_by(
                "created_at"
            )
        ],
        "read": [
            {"topic": read.topic_id, "up_to_post": read.last_read_number}
            for read in TopicRead.objects.filter(member=member).order_by("topic_id")
        ],
        "mentioned_in": list(
            PostMention.objects.filter(member=member)
            .order_by("created_at")
            .values_list("post_id", flat=True)
        ),
        "digest": digest.frequency if digest else None,
    }


# --- Erasure ---------------------------------------------------------------------


def _blank_posts(posts: list[Post], *, now) -> int:
    """Remove posts and blank their words and history (rows stay: the numbers)."""
    for post in posts:
        content_withdraw(content=post)
        post.body = ""
        post.status = ModerationStatus.REMOVED
        post.status_changed_at = now
        post.save(update_fields=["body", "status", "status_changed_at", "updated_at"])
    PostRevision.objects.filter(post__in=[post.pk for post in posts]).delete()
    return len(posts)


def _blank_topics(topics: list[Topic], *, now) -> int:
    for topic in topics:
        content_withdraw(content=topic)
        topic.title = ""
        topic.status = ModerationStatus.REMOVED
        topic.status_changed_at = now
        topic.save(update_fields=["title", "status", "status_changed_at", "updated_at"])
        topic.tags.clear()
    return len(topics)


def _recount(topic_ids) -> None:
    from .services import topic_counts_refresh

    for topic_id in sorted(set(topic_ids)):
        topic_counts_refresh(topic_id=topic_id)


def _likes_take_back(member) -> int:
    likes = PostLike.objects.filter(member=member)
    post_ids = set(likes.values_list("post_id", flat=True))
    if not post_ids:
        return 0
    deleted, _rows = likes.delete()
    for post in Post.objects.filter(pk__in=post_ids).annotate(n=Count("likes")):
        Post.objects.filter(pk=post.pk).update(like_count=post.n)
    _recount(Post.objects.filter(pk__in=post_ids).values_list("topic_id", flat=True))
    return deleted


def forum_files(member) -> list:
    """The image files of the member's posts, as the export names them."""
    images = (
        PostImage.objects.filter(post__author=member)
        .select_related("image")
        .order_by("post_id", "position", "id")
    )
    return [(f"forum/{image.stored_file.name}", image.stored_file) for image in images]


def _images_delete(member) -> int:
    from .services import post_images_delete

    # Public or private, their files leave storage once the erasure commits.
    return post_images_delete(
        images=PostImage.objects.filter(post__author=member).select_related("image")
    )


def forum_erase(member) -> int:
    """Remove what nobody has read yet, take likes back, delete the images of
    the member's posts and what only served the member; returns how many rows
    changed. Runs in the erasure's transaction."""
    now = timezone.now()
    changed_images = _images_delete(member)
    topics = list(Topic.objects.filter(author=member, status__in=UNSEEN))
    changed = _blank_topics(topics, now=now)
    # Post 1 of those topics shares their status: it is among these.
    posts = list(Post.objects.filter(author=member, status__in=UNSEEN))
    changed += _blank_posts(posts, now=now)
    changed += _likes_take_back(member)
    for model in (Watch, Bookmark, TopicRead, PostMention, DigestPreference):
        changed += model.objects.filter(member=member).delete()[0]
    changed += DigestSent.objects.filter(member=member).delete()[0]
    changed += changed_images
    _recount([post.topic_id for post in posts] + [topic.pk for topic in topics])
    return changed


def forum_delete_public(member) -> int:
    """Remove every post of the member, and every topic of theirs nobody else
    replied to; returns how many. Runs before `forum_erase`."""
    now = timezone.now()
    topics = Topic.objects.filter(author=member).exclude(
        status=ModerationStatus.REMOVED, title=""
    )
    answered = set(
        Post.objects.filter(topic__in=topics, number__gt=1)
        .exclude(author=member)
        .values_list("topic_id", flat=True)
    )
    alone = [topic for topic in topics if topic.pk not in answered]
    removed = _blank_topics(alone, now=now)
    posts = list(
        Post.objects.filter(author=member).exclude(
            status=ModerationStatus.REMOVED, body=""
        )
    )
    removed += _blank_posts(posts, now=now)
    _recount([post.topic_id for post in posts])
    return removed


def forum_erase_summary(member) -> list[str]:
    """What erasure does to the member's forum posts, before they confirm."""
    published = Post.objects.filter(author=member, status=ModerationStatus.PUBLISHED)
    count = published.count()
    lines = []
    if count:
        lines.append(
            ngettext(
                "Your %(count)s forum post stays, signed “former member”, unless "
                "you choose to delete it below.",
                "Your %(count)s forum posts stay, signed “former member”, unless "
                "you choose to delete them below.",
                count,
            )
            % {"count": count}
        )
    images = PostImage.objects.filter(post__author=member).count()
    if images:
        lines.append(
            ngettext(
                "The %(count)s image of your forum posts is deleted.",
                "The %(count)s images of your forum posts are deleted.",
                images,
            )
            % {"count": images}
        )
    lines.append(
        _(
            "Posts waiting for moderation, your likes, watches, bookmarks and "
            "digest are deleted."
        )
    )
    return lines
