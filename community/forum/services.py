"""Writes of the forum: topics, replies, edits, likes, watches, bookmarks,
accepted answers, read marks, and moderators' pin, close, move, split, merge.

Every service is one transaction, takes `now` (defaults to the clock), refuses
what the rules refuse with `ForumRefused` (a ValidationError a member can read,
a dict of field errors where a form field is to blame) and never half-writes.
Who may do what is permissions.py's; the services ask it again under the
topic's row lock, so a page that showed a button a moment ago cannot let a
stale click through.

Posting follows moderation's policy (community/moderation/posting.py):
`member_posting_check` first in the transaction, then save, `content_submit`
and `member_posting_record`. The forum adds its own limits by trust level
(ForumSettings): on their first day, new members (level 0) may start
`first_day_topics` topics and `first_day_replies` replies; below level 2 a
member waits `seconds_between_posts` between two posts; links beyond two and
images wait for `links_min_level` and `images_min_level`.

Counts (posts, likes, last activity) are kept here under the topic's lock:
a topic counts its published posts (none while it is not published, or once
merged away); a category adds up its published topics and their posts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from wagtail.search import index as search_index

from community.members.trust import MEMBER, NEW, trust_settings
from community.moderation.models import (
    ModerationAction,
    ModerationDecision,
    ModerationStatus,
    Report,
)
from community.moderation.posting import (
    LINK_PATTERN,
    member_posting_check,
    member_posting_record,
)
from community.moderation.services import (
    REPORT_COUNTS_FROM_LEVEL,
    content_submit,
    report_create,
)
from comptoir.photos import PhotoShelf
from comptoir.uploads import image_uploads_clean
from marketplace.catalog.models import Product
from marketplace.sales.models import SaleEvent
from marketplace.sales.selectors import sale_events_of_customer

from . import live, notify
from .cached_pages import forum_pages_forget
from .models import (
    POST_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Bookmark,
    DigestFrequency,
    DigestPreference,
    ForumCategory,
    ForumSettings,
    Post,
    PostImage,
    PostLike,
    PostMove,
    PostRevision,
    Topic,
    TopicAction,
    TopicRead,
    Watch,
)
from .moderation import POST_POSTING_KIND, TOPIC_POSTING_KIND
from .permissions import (
    ForumRefused,
    can_accept,
    can_moderate,
    can_read_post,
    can_read_topic,
    category_is_visible,
    edit_refusal,
    forum_settings,
    images_allowed,
    is_staff,
    like_refusal,
    likes_per_day,
    max_links,
    reply_refusal,
    start_refusal,
)

__all__ = [
    "ForumRefused",
    "answer_accept",
    "answer_unaccept",
    "bookmark_set",
    "digest_frequency_set",
    "flags_close_check",
    "post_edit",
    "post_images_delete",
    "post_images_place",
    "post_like",
    "post_reply",
    "post_report",
    "post_unlike",
    "posts_split",
    "quote_markdown",
    "topic_close",
    "topic_merge",
    "topic_move",
    "topic_pin",
    "topic_read_mark",
    "topic_start",
    "watch_set",
]

TITLE_MIN = 5
BODY_MIN = 2
MAX_TAGS = 5
TAG_MAX = 30
FIRST_DAY = dt.timedelta(hours=24)
LIKES_DAY = dt.timedelta(hours=24)
# Below links_min_level a post may still point to two pages (a product, a guide).
FEW_LINKS = 2
IMAGE_PATTERN = re.compile(r"!\[[^\]]*\]\s*[(\[]|<\s*img\b", re.IGNORECASE)
# Images uploaded with a post: through comptoir/uploads.py, as review photos.
MAX_IMAGES = 4
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
IMAGE_COLLECTION = "Forum images"


# --- helpers ----------------------------------------------------------------------


def _now(now):
    return now or timezone.now()


def _refuse(message, field: str | None = None):
    raise ForumRefused({field: [message]} if field else message)


def _member_required(member, message: str) -> None:
    if member is None or not member.is_authenticated or not member.is_active:
        _refuse(message)


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


def _policy(call) -> None:
    """Moderation's posting policy, its refusals turned into the forum's."""
    try:
        call()
    except PermissionDenied as refused:
        raise ForumRefused(str(refused) or _("You cannot post now.")) from None
    except ValidationError as refused:
        if isinstance(refused, ForumRefused):
            raise
        raise ForumRefused({"body": refused.messages}) from None


def _title_clean(title) -> str:
    title = " ".join(str(title or "").replace("\x00", "").split())
    if len(title) < TITLE_MIN:
        _refuse(
            _("Give your topic a title of %(min)s characters at least.")
            % {"min": TITLE_MIN},
            "title",
        )
    if len(title) > TITLE_MAX_LENGTH:
        _refuse(
            _("A title may have %(max)s characters at most (it has %(n)s).")
            % {"max": TITLE_MAX_LENGTH, "n": _number(len(title))},
            "title",
        )
    return title


def _body_clean(body) -> str:
    # NUL characters are never text a person typed, and PostgreSQL refuses them.
    body = str(body or "").replace("\x00", "").strip()
    if len(body) < BODY_MIN:
        _refuse(_("Write something first: the post is empty."), "body")
    if len(body) > POST_MAX_LENGTH:
        _refuse(
            _("A post may have %(max)s characters at most (it has %(n)s).")
            % {"max": _number(POST_MAX_LENGTH), "n": _number(len(body))},
            "body",
        )
    return body


def _tags_clean(tags) -> list[str]:
    """Tags lower-cased, trimmed, without repeats; a string is split at commas."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags or ():
        name = " ".join(str(tag).replace("\x00", "").split()).lower()
        if name and name not in cleaned:
            cleaned.append(name)
    for name in cleaned:
        if len(name) > TAG_MAX:
            _refuse(
                _("A tag may have %(max)s characters at most: “%(tag)s…”.")
                % {"max": TAG_MAX, "tag": name[:20]},
                "tags",
            )
    if len(cleaned) > MAX_TAGS:
        _refuse(
            _("A topic may have %(max)s tags at most (you gave %(n)s).")
            % {"max": MAX_TAGS, "n": len(cleaned)},
            "tags",
        )
    return cleaned


def _category_clean(category) -> ForumCategory:
    """The category a topic is started in: an instance or an id."""
    if isinstance(category, ForumCategory):
        return category
    try:
        found = ForumCategory.objects.filter(pk=int(category)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        _refuse(_("Choose a category."), "category")
    return found


def _product_clean(product) -> Product | None:
    """The catalog product a question is about: an instance or an id."""
    if product in (None, ""):
        return None
    if isinstance(product, Product):
        return product
    try:
        found = Product.objects.filter(pk=int(product)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        _refuse(_("This product is not in the catalog."), "product")
    return found


def _markup_check(member, text: str, settings: ForumSettings) -> None:
    """Links and images by trust level. The text is stored as written and made
    safe when shown (comptoir/markup.py): this is about what a level may post,
    not about safety."""
    if not images_allowed(member, settings) and IMAGE_PATTERN.search(text):
        _refuse(
            _(
                "Images are allowed from trust level %(level)s. Please remove "
                "the image and post again."
            )
            % {"level": settings.images_min_level},
            "body",
        )
    limit = max_links(member, settings)
    if limit is None:
        return
    if (
        member.trust_level == NEW
        and not trust_settings().new_links_allowed
        and LINK_PATTERN.search(text)
    ):
        _refuse(
            _(
                "Links are allowed from trust level 1. Please remove the links "
                "(web addresses, www., Markdown links) and post again."
            ),
            "body",
        )
    found = len(LINK_PATTERN.findall(text))
    if found > limit:
        _refuse(
            _(
                "At your trust level a post may hold %(max)s links at most (this "
                "one has %(n)s); more are allowed from trust level %(level)s."
            )
            % {"max": limit, "n": found, "level": settings.links_min_level},
            "body",
        )


# --- images of posts ---------------------------------------------------------------


def _images_clean(member, images: Sequence, settings: ForumSettings) -> list:
    """Each upload checked and re-encoded before anything is written; refused
    below `images_min_level` as Markdown images are."""
    images = [image for image in images or () if image]
    if not images:
        return []
    if not images_allowed(member, settings):
        _refuse(
            _(
                "Images are allowed from trust level %(level)s. Please post "
                "without them."
            )
            % {"level": settings.images_min_level},
            "images",
        )
    try:
        return image_uploads_clean(
            images,
            max_count=MAX_IMAGES,
            too_many=_("A post may have %(max)s images at most.") % {"max": MAX_IMAGES},
            field="images",
            max_bytes=IMAGE_MAX_BYTES,
            max_pixels=IMAGE_MAX_PIXELS,
            allowed_formats=IMAGE_FORMATS,
        )
    except ValidationError as refused:
        raise ForumRefused(refused.message_dict) from None


def _images_shown(post: Post, topic: Topic) -> bool:
    """Whether a post's images may have public addresses: it is shown to all."""
    return (
        post.status == ModerationStatus.PUBLISHED
        and topic.status == ModerationStatus.PUBLISHED
    )


def _post_images() -> PhotoShelf:
    from .selectors import IMAGE_LARGE_SPEC, IMAGE_THUMB_SPEC

    return PhotoShelf(
        collection=IMAGE_COLLECTION, specs=(IMAGE_THUMB_SPEC, IMAGE_LARGE_SPEC)
    )


def _image_title(post_id: int, position: int) -> str:
    return f"Forum post #{post_id} · image {position + 1}"


def _images_attach(post: Post, topic: Topic, cleaned: list) -> None:
    """New images after the post's others, public if it is shown, else private."""
    if not cleaned:
        return
    start = PostImage.objects.filter(post=post).count()
    public = _images_shown(post, topic)
    shelf = _post_images()
    for offset, content in enumerate(cleaned):
        position = start + offset
        shelf.attach(
            PostImage(post=post, position=position),
            content,
            public=public,
            title=_image_title(post.pk, position),
        )


def post_images_place(*, post: Post, topic: Topic | None = None) -> int:
    """Move a post's images where its status allows; returns how many moved.

    A post shown to all (published, in a published topic) has Wagtail images
    under MEDIA_URL; a post in any other state (pending, rejected, hidden,
    removed, or its topic so) has private files that only its author and
    moderators open, as review photos. Called in the transaction of every
    change of a post's or its topic's status.
    """
    topic = topic or post.topic
    return _post_images().place(
        PostImage.objects.filter(post=post).select_related("image"),
        public=_images_shown(post, topic),
        title_of=lambda image: _image_title(post.pk, image.position),
    )


def _topic_images_place(topic: Topic) -> int:
    """Every post's images of a topic where the topic's new status allows (only
    the posts that have images are read)."""
    posts = Post.objects.filter(topic=topic, images__isnull=False).distinct()
    return sum(post_images_place(post=post, topic=topic) for post in posts)


def post_images_delete(*, images) -> int:
    """Delete post images with their files, public or private; returns how many.

    The files leave storage once the transaction commits (Wagtail's images with
    their renditions, and the private files).
    """
    return PhotoShelf.delete(PostImage, images)


def _member_lock(member) -> None:
    """One member's posts and likes in line: two sent at once are checked
    against the limits one after the other."""
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=member.pk)
        .values_list("pk", flat=True)
    )


def _rate_check(member, *, opening: bool, now, settings: ForumSettings) -> None:
    """The forum's limits by trust level (staff and level 2+ have none but
    moderation's)."""
    if is_staff(member) or member.trust_level >= MEMBER:
        return
    _member_lock(member)
    wait = settings.seconds_between_posts
    if wait:
        last = (
            Post.objects.filter(author=member)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and now - last < dt.timedelta(seconds=wait):
            left = wait - int((now - last).total_seconds())
            _refuse(
                _(
                    "Please wait %(wait)s seconds between two posts: you can post "
                    "again in %(left)s seconds."
                )
                % {"wait": wait, "left": max(left, 1)}
            )
    first_day_ends = member.date_joined + FIRST_DAY
    if member.trust_level != NEW or now >= first_day_ends:
        return
    posts = Post.objects.filter(author=member, created_at__gte=member.date_joined)
    if opening:
        limit, posted = settings.first_day_topics, posts.filter(number=1).count()
        sentence = _(
            "On their first day new members may start %(limit)s topics. You can "
            "start another after %(time)s."
        )
    else:
        limit, posted = settings.first_day_replies, posts.exclude(number=1).count()
        sentence = _(
            "On their first day new members may post %(limit)s replies. You can "
            "reply again after %(time)s."
        )
    if posted >= limit:
        _refuse(
            sentence
            % {
                "limit": limit,
                "time": date_format(
                    timezone.localtime(first_day_ends), "DATETIME_FORMAT"
                ),
            }
        )


def _posting_checks(member, *, kind: str, text: str, now, settings) -> None:
    """Moderation's policy first (it locks a new member's row), then the
    forum's limits."""
    _policy(lambda: member_posting_check(member=member, kind=kind, text=text))
    _rate_check(member, opening=kind == TOPIC_POSTING_KIND, now=now, settings=settings)


def _verified_owner(member, product_id) -> bool:
    """Whether the member bought the product: a sale matched to them (their
    account, e-mail address or loyalty card), as reviews' verified purchase."""
    if not product_id:
        return False
    return (
        sale_events_of_customer(member=member)
        .filter(product_id=product_id, kind=SaleEvent.Kind.SALE)
        .exists()
    )


def _topic_locked(topic_id) -> Topic:
    try:
        return (
            Topic.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=topic_id)
        )
    except Topic.DoesNotExist:
        _refuse(_("This topic does not exist any more."))


def _topics_locked(*topic_ids) -> dict[int, Topic]:
    """Several topics locked in id order (no deadlock with another move)."""
    rows = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(pk__in=topic_ids)
        .order_by("pk")
    )
    return {topic.pk: topic for topic in rows}


def _action(topic: Topic, kind: str, *, by, now, **detail) -> TopicAction:
    return TopicAction.objects.create(
        topic=topic, kind=kind, by=by, at=now, detail=detail
    )


def _first_publication(content) -> bool:
    # moderation's _status_set gives published_at the moment of the first
    # publication only; a later approval (after an edit or a hiding) keeps it.
    return (
        content.status == ModerationStatus.PUBLISHED
        and content.published_at is not None
        and content.published_at == content.status_changed_at
    )


def _post1_follow(topic: Topic) -> Post | None:
    """Post 1 takes its topic's moderation status (the topic is the queue item)."""
    post = Post.objects.filter(topic=topic, number=1).first()
    if post is None:
        return None
    post.status = topic.status
    post.status_changed_at = topic.status_changed_at
    post.rejection_reason = topic.rejection_reason
    post.rejection_note = topic.rejection_note
    if topic.status == ModerationStatus.PUBLISHED and post.published_at is None:
        post.published_at = topic.published_at
    post.save(
        update_fields=[
            "status",
            "status_changed_at",
            "rejection_reason",
            "rejection_note",
            "published_at",
        ]
    )
    return post


def _counted(topic: Topic) -> bool:
    return topic.status == ModerationStatus.PUBLISHED and not topic.merged_into_id


def _counts_refresh(topic: Topic) -> None:
    """Recount a topic's published posts, likes and last activity (its row
    locked by the caller) and move its category's counts by the difference."""
    old_posts = topic.post_count
    old_category_id = topic.category_id
    if _counted(topic):
        published = Post.objects.filter(topic=topic, status=ModerationStatus.PUBLISHED)
        totals = published.aggregate(posts=Count("id"), likes=Sum("like_count"))
        last = (
            published.order_by("-number").values_list("created_at", "author_id").first()
        )
        topic.post_count = totals["posts"] or 0
        topic.like_count = totals["likes"] or 0
        if last is not None:
            topic.last_posted_at, topic.last_poster_id = last
    else:
        topic.post_count = 0
    Topic.objects.filter(pk=topic.pk).update(
        post_count=topic.post_count,
        like_count=topic.like_count,
        last_posted_at=topic.last_posted_at,
        last_poster_id=topic.last_poster_id,
    )
    _category_add(
        old_category_id,
        topics=int(topic.post_count > 0) - int(old_posts > 0),
        posts=topic.post_count - old_posts,
        topic=topic,
    )
    # Posted, edited, decided on, split, merged: visitors' cached pages follow.
    forum_pages_forget(topic)


def topic_counts_refresh(*, topic_id) -> Topic:
    """Recount a topic and its category (member data's erasure, repairs)."""
    with transaction.atomic():
        topic = _topic_locked(topic_id)
        _counts_refresh(topic)
    return topic


def _category_add(category_id, *, topics: int, posts: int, topic: Topic) -> None:
    """Move a category's counts; its last activity follows."""
    if topics or posts:
        ForumCategory.objects.filter(pk=category_id).update(
            topic_count=F("topic_count") + topics, post_count=F("post_count") + posts
        )
    category = ForumCategory.objects.filter(pk=category_id).first()
    if category is None:
        return
    if topic.post_count > 0 and topic.category_id == category_id:
        if category.last_posted_at is None or topic.last_posted_at >= (
            category.last_posted_at
        ):
            ForumCategory.objects.filter(pk=category_id).update(
                last_posted_at=topic.last_posted_at, last_topic=topic
            )
        return
    if category.last_topic_id == topic.pk:
        _category_last_recount(category_id)


def _category_last_recount(category_id) -> None:
    latest = (
        Topic.objects.filter(
            category_id=category_id,
            status=ModerationStatus.PUBLISHED,
            merged_into__isnull=True,
            post_count__gt=0,
        )
        .order_by("-last_posted_at", "-id")
        .values_list("pk", "last_posted_at")
        .first()
    )
    ForumCategory.objects.filter(pk=category_id).update(
        last_topic_id=latest[0] if latest else None,
        last_posted_at=latest[1] if latest else None,
    )


def _watch(member, topic: Topic) -> None:
    Watch.objects.get_or_create(member=member, topic=topic)


def _locked_post(post_id) -> Post:
    try:
        return (
            Post.objects.select_for_update(of=("self",))
            .select_related("topic", "topic__category", "author")
            .get(pk=post_id)
        )
    except Post.DoesNotExist:
        _refuse(_("This post does not exist any more."))


# --- starting, replying, editing --------------------------------------------------


def topic_start(
    *, author, category, title, body, tags=(), product=None, images=(), now=None
) -> Topic:
    """A member starts a topic: its post 1 is created with it.

    Premoderated authors (levels 0–1, moderation's `content_submit`) wait for a
    moderator; the others publish at once. The author watches the topic. Once
    published, the category's counts move, the members mentioned and the
    category's watchers are told. A topic about a catalog product is a product
    question; its author's post carries the verified-owner mark when they
    bought it. Up to MAX_IMAGES `images` (uploads) go with post 1, from
    `images_min_level`; each is checked before anything is written.
    """
    now = _now(now)
    _member_required(author, _("Log in to start a topic."))
    category = _category_clean(category)
    refusal = start_refusal(author, category)
    if refusal:
        _refuse(refusal, "category")
    title = _title_clean(title)
    body = _body_clean(body)
    tags = _tags_clean(tags)
    product = _product_clean(product)
    settings = forum_settings()
    _markup_check(author, body, settings)
    cleaned_images = _images_clean(author, images, settings)
    with transaction.atomic():
        _posting_checks(
            author,
            kind=TOPIC_POSTING_KIND,
            text=f"{title}\n{body}",
            now=now,
            settings=settings,
        )
        topic = Topic.objects.create(
            category=category,
            author=author,
            title=title,
            product=product,
            status=ModerationStatus.PENDING,
            created_at=now,
            last_posted_at=now,
            last_poster=author,
            last_number=1,
        )
        if tags:
            topic.tags.set(tags)
        Post.objects.create(
            topic=topic,
            number=1,
            author=author,
            body=body,
            status=ModerationStatus.PENDING,
            created_at=now,
            by_verified_owner=_verified_owner(author, topic.product_id),
        )
        _policy(lambda: content_submit(content=topic))
        member_posting_record(member=author, kind=TOPIC_POSTING_KIND)
        _watch(author, topic)
        topic = _topic_locked(topic.pk)
        topic_read_mark(member=author, topic=topic, number=1, now=now)
        post = _post1_follow(topic)
        _images_attach(post, topic, cleaned_images)
        if topic.is_published:
            _counts_refresh(topic)
            notify.post_published_notify(post)
    return topic


def _reply_to_check(author, topic: Topic, reply_to) -> Post | None:
    if reply_to is None:
        return None
    if not isinstance(reply_to, Post):
        reply_to = Post.objects.filter(pk=reply_to).first()
    if reply_to is None or reply_to.topic_id != topic.pk:
        _refuse(_("The post you reply to is not in this topic."), "reply_to")
    if reply_to.status != ModerationStatus.PUBLISHED:
        _refuse(_("The post you reply to or quote is not shown any more."), "reply_to")
    return reply_to


def post_reply(*, author, topic, body, reply_to=None, images=(), now=None) -> Post:
    """A member replies to a topic, maybe to (or quoting) one of its posts.

    Refused on a closed topic (but for moderators), a topic that is not
    published, a merged one, to a suspended member, past the limits of the
    member's trust level, and in reply to (or quoting) a post that is not
    shown. Premoderated members' replies wait for a moderator. Once published,
    the topic's and category's counts move and the mentioned, the author
    replied to and the watchers are told. Up to MAX_IMAGES `images` (uploads)
    go with it, from `images_min_level`, each checked before anything is written.
    """
    now = _now(now)
    _member_required(author, _("Log in to reply."))
    body = _body_clean(body)
    settings = forum_settings()
    _markup_check(author, body, settings)
    cleaned_images = _images_clean(author, images, settings)
    with transaction.atomic():
        _posting_checks(
            author, kind=POST_POSTING_KIND, text=body, now=now, settings=settings
        )
        topic = _topic_locked(topic.pk)
        refusal = reply_refusal(author, topic)
        if refusal:
            _refuse(refusal)
        reply_to = _reply_to_check(author, topic, reply_to)
        number = topic.last_number + 1
        Topic.objects.filter(pk=topic.pk).update(last_number=number)
        topic.last_number = number
        post = Post.objects.create(
            topic=topic,
            number=number,
            author=author,
            body=body,
            reply_to=reply_to,
            status=ModerationStatus.PENDING,
            created_at=now,
            by_verified_owner=_verified_owner(author, topic.product_id),
        )
        _policy(lambda: content_submit(content=post))
        _images_attach(post, topic, cleaned_images)
        member_posting_record(member=author, kind=POST_POSTING_KIND)
        # One's own reply is read: the topic must not open on it as "unread".
        topic_read_mark(member=author, topic=topic, number=number, now=now)
        if post.is_published:
            _counts_refresh(topic)
            post.topic = topic
            notify.post_published_notify(post)
            live.post_broadcast_on_commit(post)
    return post


def quote_markdown(*, post: Post, user, excerpt: str = "") -> str:
    """The Markdown quote of (part of) a post, to start a reply with.

    Refused for a post the user may not see (hidden, pending, rejected) and for
    an excerpt that is not in the post. The reply is then sent with
    `reply_to=post`, which `post_reply` checks again.
    """
    if not (can_read_topic(user, post.topic) and can_read_post(user, post)):
        _refuse(_("This post is not shown: it cannot be quoted."))
    if post.status != ModerationStatus.PUBLISHED:
        _refuse(_("This post is not shown: it cannot be quoted."))
    text = (excerpt or "").replace("\x00", "").strip() or post.body
    if excerpt and " ".join(text.split()) not in " ".join(post.body.split()):
        _refuse(_("The quoted words are not in that post."))
    heading = _("%(name)s wrote (post %(number)s):") % {
        "name": post.author.public_name,
        "number": post.number,
    }
    lines = [f"> {line}" if line.strip() else ">" for line in text.splitlines()]
    return "\n".join([f"> **{heading}**", ">", *lines, "", ""])


def post_edit(*, post, editor, body, now=None) -> Post:
    """The author edits their post within the window of their trust level.

    The text before the edit is kept as a `PostRevision` (the visible history).
    The edit goes through moderation again (`content_submit`: premoderated
    members' edits wait for a moderator; a hidden post stays hidden); editing
    post 1 resubmits its topic. Members newly mentioned are told.
    """
    now = _now(now)
    _member_required(editor, _("Log in to edit your posts."))
    body = _body_clean(body)
    settings = forum_settings()
    with transaction.atomic():
        post = _locked_post(post.pk)
        refusal = edit_refusal(editor, post, now)
        if refusal:
            _refuse(refusal)
        if post.body == body:
            return post
        _markup_check(editor, body, settings)
        PostRevision.objects.create(
            post=post, body=post.body, edited_at=now, edited_by=editor
        )
        post.body = body
        post.edited_at = now
        post.edit_count = F("edit_count") + 1
        post.save(update_fields=["body", "edited_at", "edit_count", "updated_at"])
        post.refresh_from_db(fields=["edit_count"])
        topic = _topic_locked(post.topic_id)
        if post.number == 1:
            _policy(lambda: content_submit(content=topic))
            post = _post1_follow(topic)
            _topic_images_place(topic)
        else:
            _policy(lambda: content_submit(content=post))
            post_images_place(post=post, topic=topic)
        _counts_refresh(topic)
        post.topic = topic
        if post.is_published and topic.is_published:
            notify.mentions_notify(post)
            live.edit_broadcast_on_commit(post)
    return post


# --- likes, watches, bookmarks, answers, reading ----------------------------------


def post_like(*, post, member, now=None) -> Post:
    """A member likes someone else's post: not their own, a published post in
    a topic they may read, at most `likes_per_day` (by trust level) in 24
    hours. Liking again changes nothing."""
    now = _now(now)
    _member_required(member, _("Log in to like posts."))
    settings = forum_settings()
    with transaction.atomic():
        _member_lock(member)
        post = _locked_post(post.pk)
        if not can_read_topic(member, post.topic):
            _refuse(_("This topic does not exist."))
        refusal = like_refusal(member, post)
        if refusal:
            _refuse(refusal)
        if PostLike.objects.filter(post=post, member=member).exists():
            return post
        limit = likes_per_day(member, settings)
        given = PostLike.objects.filter(
            member=member, created_at__gt=now - LIKES_DAY
        ).count()
        if given >= limit:
            _refuse(
                _(
                    "You have given your %(limit)s likes of the last 24 hours; you "
                    "can like more posts tomorrow."
                )
                % {"limit": limit}
            )
        try:
            with transaction.atomic():
                PostLike.objects.create(post=post, member=member, created_at=now)
        except IntegrityError:
            return post
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        Topic.objects.filter(pk=post.topic_id).update(like_count=F("like_count") + 1)
        post.refresh_from_db(fields=["like_count"])
        forum_pages_forget(post.topic, lists=False)
        live.likes_broadcast_on_commit(post)
    return post


def post_unlike(*, post, member) -> Post:
    """A member takes their like back (nothing happens if there was none)."""
    _member_required(member, _("Log in to like posts."))
    with transaction.atomic():
        post = _locked_post(post.pk)
        deleted, _rows = PostLike.objects.filter(post=post, member=member).delete()
        if deleted:
            Post.objects.filter(pk=post.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
            Topic.objects.filter(pk=post.topic_id, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
            post.refresh_from_db(fields=["like_count"])
            forum_pages_forget(post.topic, lists=False)
            live.likes_broadcast_on_commit(post)
    return post


def watch_set(*, member, topic=None, category=None, watching: bool) -> None:
    """A member starts or stops watching a topic or a whole category."""
    _member_required(member, _("Log in to watch topics."))
    if (topic is None) == (category is None):
        _refuse(_("Choose a topic or a category to watch."))
    with transaction.atomic():
        if topic is not None:
            if not can_read_topic(member, topic):
                _refuse(_("This topic does not exist."))
            watches = Watch.objects.filter(member=member, topic=topic)
        else:
            if not category_is_visible(member, category):
                _refuse(_("This category does not exist."))
            watches = Watch.objects.filter(member=member, category=category)
        if not watching:
            watches.delete()
            return
        if not watches.exists():
            try:
                with transaction.atomic():
                    Watch.objects.create(member=member, topic=topic, category=category)
            except IntegrityError:
                pass  # watched a moment ago by the same member's other click


def bookmark_set(*, member, post, kept: bool) -> None:
    """A member keeps a post to come back to, or lets it go."""
    _member_required(member, _("Log in to bookmark posts."))
    with transaction.atomic():
        bookmarks = Bookmark.objects.filter(member=member, post=post)
        if not kept:
            bookmarks.delete()
            return
        if not (can_read_topic(member, post.topic) and can_read_post(member, post)):
            _refuse(_("This post is not shown: it cannot be bookmarked."))
        if not bookmarks.exists():
            try:
                with transaction.atomic():
                    Bookmark.objects.create(member=member, post=post)
            except IntegrityError:
                pass


def answer_accept(*, topic, post, by, now=None) -> Topic:
    """The topic's author (or staff) marks a published reply as the accepted
    answer; it replaces an earlier one. Its author is told."""
    now = _now(now)
    _member_required(by, _("Log in to accept an answer."))
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        if not can_accept(by, topic):
            _refuse(_("Only the topic's author or the staff can accept an answer."))
        post = Post.objects.select_related("author").filter(pk=post.pk).first()
        if post is None or post.topic_id != topic.pk:
            _refuse(_("The answer must be a reply in this topic."))
        if post.number == 1:
            _refuse(_("The question itself cannot be its answer: choose a reply."))
        if post.status != ModerationStatus.PUBLISHED:
            _refuse(_("This reply is not shown: it cannot be the accepted answer."))
        if topic.accepted_post_id == post.pk:
            return topic
        topic.accepted_post = post
        Topic.objects.filter(pk=topic.pk).update(accepted_post=post)
        _action(
            topic,
            TopicAction.Kind.ACCEPTED,
            by=by,
            now=now,
            post=post.pk,
            number=post.number,
        )
        notify.answer_accepted_notify(topic, post, by=by)
        forum_pages_forget(topic)
    return topic


def answer_unaccept(*, topic, by) -> Topic:
    """The topic's author (or staff) takes the accepted answer back."""
    _member_required(by, _("Log in to accept an answer."))
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        if not can_accept(by, topic):
            _refuse(_("Only the topic's author or the staff can accept an answer."))
        if topic.accepted_post_id is not None:
            Topic.objects.filter(pk=topic.pk).update(accepted_post=None)
            topic.accepted_post = None
            forum_pages_forget(topic)
    return topic


def topic_read_mark(*, member, topic, number, now=None) -> None:
    """Remember how far a member read a topic: one statement, at most one row
    written, and only forward (reading an older page never moves it back)."""
    if member is None or not member.is_authenticated:
        return
    try:
        number = int(number)
    except (TypeError, ValueError):
        return
    number = min(number, topic.last_number)
    if number < 1:
        return
    now = _now(now)
    table = connection.ops.quote_name(TopicRead._meta.db_table)
    # An upsert that only ever raises the mark: the same statement on
    # PostgreSQL and SQLite, so two tabs racing never lower it either.
    sql = (
        f"INSERT INTO {table} (topic_id, member_id, last_read_number, updated_at) "
        "VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (member_id, topic_id) DO UPDATE SET "
        "last_read_number = excluded.last_read_number, "
        "updated_at = excluded.updated_at "
        f"WHERE {table}.last_read_number < excluded.last_read_number"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        value = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [topic.pk, member.pk, number, value])


def digest_frequency_set(*, member, frequency) -> None:
    """How often a member gets the e-mail digest of what they watch."""
    _member_required(member, _("Log in to choose your digest."))
    if frequency not in DigestFrequency.values:
        _refuse(_("Choose never, daily or weekly."), "frequency")
    with transaction.atomic():
        DigestPreference.objects.update_or_create(
            member=member, defaults={"frequency": frequency}
        )


# --- flags ------------------------------------------------------------------------


def post_report(*, reporter, post, reason, note="", now=None) -> Report:
    """A member flags a post (its topic when it is post 1), through moderation's
    `report_create`, which hides it at its thresholds. When the flags on a
    topic and its posts since a moderator last looked reach
    `ForumSettings.flags_to_close_topic`, the topic is closed until a moderator
    decides on it or one of its posts, or reopens it."""
    now = _now(now)
    _member_required(reporter, _("Log in to flag posts."))
    with transaction.atomic():
        post = _locked_post(post.pk)
        if not (can_read_topic(reporter, post.topic) and can_read_post(reporter, post)):
            _refuse(_("This post does not exist."))
        content = post.topic if post.number == 1 else post
        try:
            # A reply hidden by it leaves the counts (post_after_decision).
            report = report_create(
                reporter=reporter, content=content, reason=reason, note=note
            )
        except ValidationError as refused:
            raise ForumRefused(refused.messages) from None
        except PermissionDenied as refused:
            raise ForumRefused(str(refused)) from None
        # The topic's flags are counted by signals.forum_report_made.
    return report


def flags_close_check(*, topic_id, now=None) -> Topic:
    """Close a topic whose flags (on it and its posts, since a moderator last
    looked) reach `ForumSettings.flags_to_close_topic`; called for every new
    report on forum content, in the reporting transaction."""
    with transaction.atomic():
        topic = _topic_locked(topic_id)
        _flags_close_check(topic, now=_now(now))
    return topic


def _flags_since(topic: Topic, post_ids):
    """When a moderator last looked at the topic: closed or reopened it, or
    decided on it or one of its posts. Older flags were weighed already."""
    action_at = (
        TopicAction.objects.filter(
            topic=topic,
            kind__in=[TopicAction.Kind.CLOSED, TopicAction.Kind.REOPENED],
        )
        .filter(Q(by__isnull=False) | Q(detail__after="moderation"))
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    decided_at = (
        ModerationDecision.objects.filter(
            Q(content_type=_content_type(Topic), object_id=topic.pk)
            | Q(content_type=_content_type(Post), object_id__in=post_ids),
            moderator__isnull=False,
        )
        .order_by("-decided_at", "-id")
        .values_list("decided_at", flat=True)
        .first()
    )
    moments = [moment for moment in (action_at, decided_at) if moment is not None]
    return max(moments) if moments else None


def _content_type(model):
    return ContentType.objects.get_for_model(model)


def _flags_close_check(topic: Topic, *, now) -> None:
    if topic.is_closed:
        return
    limit = forum_settings().flags_to_close_topic
    if not limit:
        return
    post_ids = Post.objects.filter(topic=topic).values("pk")
    flags = Report.objects.filter(
        Q(content_type=_content_type(Topic), object_id=topic.pk)
        | Q(content_type=_content_type(Post), object_id__in=post_ids),
        reporter__trust_level__gte=REPORT_COUNTS_FROM_LEVEL,
    )
    since = _flags_since(topic, post_ids)
    if since is not None:
        flags = flags.filter(created_at__gt=since)
    count = flags.count()
    if count < limit:
        return
    Topic.objects.filter(pk=topic.pk).update(is_closed=True, closed_by_flags=True)
    topic.is_closed = topic.closed_by_flags = True
    _action(topic, TopicAction.Kind.CLOSED, by=None, now=now, flags=count)
    forum_pages_forget(topic)


def _flags_reopen(topic: Topic) -> None:
    """A moderator decided on the topic or one of its posts: a topic closed by
    flags opens again."""
    if not topic.closed_by_flags:
        return
    Topic.objects.filter(pk=topic.pk).update(is_closed=False, closed_by_flags=False)
    topic.is_closed = topic.closed_by_flags = False
    _action(
        topic,
        TopicAction.Kind.REOPENED,
        by=None,
        now=timezone.now(),
        after="moderation",
    )


# --- after moderation's decisions (moderation.py) ---------------------------------


def topic_after_decision(*, topic: Topic, action) -> None:
    """Post 1 follows its topic, counts are kept, a flag-closed topic reopens
    after a moderator's decision, and the first publication is announced."""
    locked = _topic_locked(topic.pk)
    post = _post1_follow(locked)
    # Every post's images follow the topic: none is public in a hidden topic.
    _topic_images_place(locked)
    _counts_refresh(locked)
    if action in (ModerationAction.APPROVE, ModerationAction.REJECT):
        _flags_reopen(locked)
    if action == ModerationAction.APPROVE and post is not None:
        post.topic = locked
        notify.post_published_notify(post, first=_first_publication(locked))


def post_after_decision(*, post: Post, action) -> None:
    """The topic's counts follow a decision on a reply; a flag-closed topic
    reopens after a moderator's decision; the first publication is announced."""
    topic = _topic_locked(post.topic_id)
    post_images_place(post=post, topic=topic)
    _counts_refresh(topic)
    if action in (ModerationAction.APPROVE, ModerationAction.REJECT):
        _flags_reopen(topic)
    if action == ModerationAction.APPROVE and topic.is_published:
        post.topic = topic
        first = _first_publication(post)
        notify.post_published_notify(post, first=first)
        # First shown: a new reply on open pages; approved again (an edit that
        # waited, a hidden post restored): its new text where it is shown.
        if first:
            live.post_broadcast_on_commit(post)
        else:
            live.edit_broadcast_on_commit(post)


# --- moderators: pin, close, move, split, merge -----------------------------------


def _moderator_check(by, topic: Topic | None = None) -> None:
    _member_required(by, _("Log in first."))
    if not can_moderate(by):
        _refuse(_("Only moderators can do this."))
    if topic is not None and not can_read_topic(by, topic):
        _refuse(_("This topic does not exist."))


def topic_pin(*, topic, by, pinned: bool, now=None) -> Topic:
    """Pin a topic to the top of its category, or unpin it."""
    now = _now(now)
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        _moderator_check(by, topic)
        if topic.is_pinned != bool(pinned):
            topic.is_pinned = bool(pinned)
            Topic.objects.filter(pk=topic.pk).update(is_pinned=topic.is_pinned)
            kind = TopicAction.Kind.PINNED if pinned else TopicAction.Kind.UNPINNED
            _action(topic, kind, by=by, now=now)
            forum_pages_forget(topic)
    return topic


def topic_close(*, topic, by, closed: bool, now=None) -> Topic:
    """Close a topic to new replies, or reopen it (a topic closed by flags too:
    the moderator has looked)."""
    now = _now(now)
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        _moderator_check(by, topic)
        closed = bool(closed)
        if topic.is_closed != closed or topic.closed_by_flags:
            topic.is_closed, topic.closed_by_flags = closed, False
            Topic.objects.filter(pk=topic.pk).update(
                is_closed=closed, closed_by_flags=False
            )
            kind = TopicAction.Kind.CLOSED if closed else TopicAction.Kind.REOPENED
            _action(topic, kind, by=by, now=now)
            forum_pages_forget(topic)
    return topic


def _category_for(by, category) -> ForumCategory:
    if category is None or not category_is_visible(by, category):
        _refuse(_("Choose a category."), "category")
    return category


def topic_move(*, topic, category, by, now=None) -> Topic:
    """Move a topic (with all its posts) to another category."""
    now = _now(now)
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        _moderator_check(by, topic)
        category = _category_for(by, category)
        if category.pk == topic.category_id:
            return topic
        old_category_id = topic.category_id
        posts = topic.post_count
        Topic.objects.filter(pk=topic.pk).update(category=category)
        topic.category = category
        counted = int(posts > 0)
        _category_add(old_category_id, topics=-counted, posts=-posts, topic=topic)
        _category_add(category.pk, topics=counted, posts=posts, topic=topic)
        _action(
            topic,
            TopicAction.Kind.MOVED,
            by=by,
            now=now,
            from_category=old_category_id,
            to_category=category.pk,
        )
        forum_pages_forget(topic, category_ids=[old_category_id])
    return topic


def _numbers_clean(numbers) -> list[int]:
    try:
        cleaned = sorted({int(n) for n in numbers or ()})
    except (TypeError, ValueError):
        _refuse(_("Choose the replies to split off by their numbers."), "numbers")
    if not cleaned:
        _refuse(_("Choose at least one reply to split off."), "numbers")
    if cleaned[0] < 2:
        _refuse(
            _("The opening post stays with its topic: choose replies only."),
            "numbers",
        )
    return cleaned


def _posts_move(posts: Iterable[Post], *, to: Topic, start: int, by, now) -> int:
    """Renumber posts into `to` from `start`, keeping a PostMove row for each
    (old links still lead to them); returns the last number given."""
    moves, moved = [], []
    number = start - 1
    for post in posts:
        number += 1
        moves.append(
            PostMove(
                post=post,
                from_topic_id=post.topic_id,
                from_number=post.number,
                moved_at=now,
                moved_by=by,
            )
        )
        post.topic = to
        post.number = number
        moved.append(post)
    PostMove.objects.bulk_create(moves)
    Post.objects.bulk_update(moved, ["topic", "number"])
    # bulk_update sends no save signal: the search index learns the new topics.
    for post in moved:
        search_index.insert_or_update_object(post)
    return number


def posts_split(
    *, topic, numbers: list[int], title, by, category=None, now=None
) -> Topic:
    """Split replies off into a new topic (in `category`, the same by default).

    The first reply chosen opens the new topic (it must be published) and its
    author is the new topic's; the posts keep their text, likes, bookmarks and
    history, are numbered from 1 in their new topic, and each keeps a
    `PostMove` row of where it was. Numbers left in the old topic are not given
    again.
    """
    now = _now(now)
    title = _title_clean(title)
    numbers = _numbers_clean(numbers)
    with transaction.atomic():
        topic = _topic_locked(topic.pk)
        _moderator_check(by, topic)
        category = _category_for(by, category or topic.category)
        posts = list(
            Post.objects.select_for_update(of=("self",))
            .filter(topic=topic, number__in=numbers)
            .order_by("number")
        )
        missing = sorted(set(numbers) - {post.number for post in posts})
        if missing:
            _refuse(
                _("This topic has no post number %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)},
                "numbers",
            )
        if posts[0].status != ModerationStatus.PUBLISHED:
            _refuse(
                _("The first reply split off opens the new topic: it must be shown."),
                "numbers",
            )
        first = posts[0]
        new = Topic.objects.create(
            category=category,
            author_id=first.author_id,
            title=title,
            product=topic.product,
            status=ModerationStatus.PUBLISHED,
            status_changed_at=now,
            published_at=now,
            created_at=first.created_at,
            last_posted_at=first.created_at,
            last_poster_id=first.author_id,
        )
        last = _posts_move(posts, to=new, start=1, by=by, now=now)
        Topic.objects.filter(pk=new.pk).update(last_number=last)
        new.last_number = last
        if topic.accepted_post_id in {post.pk for post in posts}:
            Topic.objects.filter(pk=topic.pk).update(accepted_post=None)
            topic.accepted_post = None
        Watch.objects.get_or_create(member_id=first.author_id, topic=new)
        _counts_refresh(topic)
        _counts_refresh(new)
        _action(
            topic,
            TopicAction.Kind.SPLIT,
            by=by,
            now=now,
            new_topic=new.pk,
            numbers=numbers,
        )
        _action(
            new,
            TopicAction.Kind.SPLIT,
            by=by,
            now=now,
            from_topic=topic.pk,
            numbers=numbers,
        )
    return new


def topic_merge(*, source, target, by, now=None) -> Topic:
    """Merge a topic into another: the source's posts are appended to the
    target in their order (numbered after its last post, each with a
    `PostMove` row), its watchers watch the target, and the source stays as a
    closed pointer (`merged_into`) so its links lead on."""
    now = _now(now)
    if source.pk == target.pk:
        _refuse(_("A topic cannot be merged into itself."), "target")
    with transaction.atomic():
        topics = _topics_locked(source.pk, target.pk)
        source, target = topics.get(source.pk), topics.get(target.pk)
        if source is None or target is None:
            _refuse(_("This topic does not exist any more."))
        _moderator_check(by, source)
        _moderator_check(by, target)
        for topic in (source, target):
            if topic.merged_into_id:
                _refuse(_("“%(title)s” was already merged.") % {"title": topic.title})
            if topic.status != ModerationStatus.PUBLISHED:
                _refuse(
                    _("Only published topics can be merged: “%(title)s” is not.")
                    % {"title": topic.title}
                )
        posts = list(
            Post.objects.select_for_update(of=("self",))
            .filter(topic=source)
            .order_by("number")
        )
        last = _posts_move(
            posts, to=target, start=target.last_number + 1, by=by, now=now
        )
        Topic.objects.filter(pk=target.pk).update(last_number=last)
        target.last_number = last
        Topic.objects.filter(pk=source.pk).update(
            merged_into=target, is_closed=True, accepted_post=None
        )
        source.merged_into, source.is_closed = target, True
        watching = set(
            Watch.objects.filter(topic=target).values_list("member_id", flat=True)
        )
        Watch.objects.filter(topic=source).exclude(member_id__in=watching).update(
            topic=target
        )
        Watch.objects.filter(topic=source).delete()
        _counts_refresh(source)
        _counts_refresh(target)
        _action(source, TopicAction.Kind.MERGED, by=by, now=now, into=target.pk)
        _action(
            target,
            TopicAction.Kind.MERGED,
            by=by,
            now=now,
            from_topic=source.pk,
            title=source.title,
        )
    return target


# --- views counted (forum-digest) -------------------------------------------------

# One visit counts once an hour, however many pages of the topic it reads.
VIEW_AGAIN_AFTER_SECONDS = 3600
# Robots and link previews announce themselves; an empty user agent is a script.
ROBOT_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"curl|wget|python-|httpclient|http-client|headless|monitor|lighthouse",
    re.IGNORECASE,
)


def topic_view_key(request) -> str | None:
    """Who is reading, for `topic_view_count`: the session, else the member,
    else the visitor's address and browser; None for a robot (not counted).

    Visitors are not given a session for this: their pages stay cacheable.
    """
    import hashlib

    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent.strip() or ROBOT_AGENTS.search(agent):
        return None
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if session_key:
        return f"s:{session_key}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"m:{user.pk}"
    visitor = f"{request.META.get('REMOTE_ADDR', '')}|{agent}"
    # Hashed: the cache never holds an address, and the key has no spaces.
    return "v:" + hashlib.sha256(visitor.encode()).hexdigest()[:32]


def topic_view_count(*, topic, request_key: str | None) -> bool:
    """Count one view of a topic; returns whether it was counted.

    One visitor (`request_key`, from `topic_view_key`) counts once per hour per
    topic, remembered in the cache (`cache.add` is atomic, so two tabs opened
    at once count once); a robot (no key) never counts. The count is one
    `UPDATE … SET view_count = view_count + 1`: no read, no row lock, nothing
    lost between two visits at once.
    """
    from django.core.cache import cache

    if not request_key:
        return False
    seen = f"forum:viewed:{topic.pk}:{request_key}"
    # The hour is measured on Django's clock, stored in the value: the cache's own
    # expiry (Redis keeps real time) only clears old keys away.
    now = timezone.now().timestamp()
    if not cache.add(seen, now, timeout=VIEW_AGAIN_AFTER_SECONDS * 2):
        last = cache.get(seen)
        if last is not None and now - last < VIEW_AGAIN_AFTER_SECONDS:
            return False
        cache.set(seen, now, timeout=VIEW_AGAIN_AFTER_SECONDS * 2)
    Topic.objects.filter(pk=topic.pk).update(view_count=F("view_count") + 1)
    return True
