"""Reads of the forum's pages: the categories, a category's topics, a topic's
posts page by page, what a member keeps (/me/forum/).

Every list comes with its joins, prefetches and the member's marks applied, so a
page costs the same number of queries whatever the number of topics or posts on
it. Who may see what is permissions.py's; these functions take its answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404
from wagtail.images import get_image_model

from community.moderation.models import ModerationStatus
from comptoir.keyset import Keyset, KeysetPage

from .models import (
    Bookmark,
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

# Below the pinned topics, a category lists the others by latest activity; the
# Topic index "forum_topic_listed" serves both (is_pinned is in it).
TOPICS_KEYSET = Keyset(("-last_posted_at", "-id"), tag="ft")
# Pinned topics are few by nature (a welcome, the rules, a seasonal question);
# more than this is a category to tidy, not a page to grow.
PINNED_LIMIT = 10
MY_LIST_LIMIT = 50
# The sizes of a post's images: thumbnails under the post, and the large view.
IMAGE_THUMB_SPEC = "fill-160x160"
IMAGE_LARGE_SPEC = "max-1200x1200"


def forum_settings(request=None) -> ForumSettings:
    """The live rules (one query, cached on the request by Wagtail)."""
    return ForumSettings.load(request_or_site=request)


def _member(user):
    return user if user is not None and user.is_authenticated else None


# --- The front page and a category -------------------------------------------


def category_list(*, categories: QuerySet[ForumCategory]) -> list[ForumCategory]:
    """The categories `categories` allows (permissions.visible_categories), each
    with its latest topic and that topic's last poster: one query.

    The latest activity is kept on the category by the services; a latest topic
    that moderation has since taken down is not shown (the template reads
    `latest_topic`, None then)."""
    rows = list(
        categories.select_related("last_topic", "last_topic__last_poster").order_by(
            "position", "name", "id"
        )
    )
    for category in rows:
        topic = category.last_topic
        category.latest_topic = (
            topic
            if topic is not None
            and topic.status == ModerationStatus.PUBLISHED
            and topic.merged_into_id is None
            else None
        )
    return rows


def category_for_viewer(
    *, slug: str, categories: QuerySet[ForumCategory]
) -> ForumCategory:
    """A category the viewer may see (`categories` from visible_categories); 404
    otherwise, so a staff room's existence stays private."""
    category = categories.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    return category


def listed_topics() -> QuerySet[Topic]:
    """Topics shown in lists: published and not merged into another one."""
    return Topic.objects.filter(
        status=ModerationStatus.PUBLISHED, merged_into__isnull=True
    )


def _with_reads(topics: QuerySet[Topic], member) -> QuerySet[Topic]:
    """Topics annotated with how far `member` read each (`last_read`, None when
    never opened), in the same query as the rows."""
    if member is None:
        return topics
    reads = TopicRead.objects.filter(topic=OuterRef("pk"), member_id=member.pk)
    return topics.annotate(last_read=Subquery(reads.values("last_read_number")[:1]))


def _unread_marks(topics, member) -> None:
    """`new_posts` on each topic: posts after the member's read mark (0 when read
    up to the end, None when never opened or for visitors)."""
    for topic in topics:
        last_read = getattr(topic, "last_read", None)
        if member is None or last_read is None:
            topic.new_posts = None
            topic.never_read = member is not None
        else:
            topic.new_posts = max(topic.last_number - last_read, 0)
            topic.never_read = False


def _pinned(flag: bool) -> Q:
    """Pinned (or not) as an equality the database can find in an index.

    `is_pinned=False` compiles to `NOT is_pinned` (Django's shortcut for
    booleans), which SQLite cannot match against forum_topic_listed's column: it
    then walked forum_topic_latest through every published topic of every
    category (370 ms for a page at 100,000 topics, bench/forum.py). Compared
    with a value, it is an equality on (category, status, is_pinned) and the
    index gives the order: 0.2 ms.
    """
    return Q(is_pinned=Value(flag))


def _topic_rows(topics: QuerySet[Topic], member) -> QuerySet[Topic]:
    return _with_reads(
        topics.select_related("author", "last_poster", "category").prefetch_related(
            "tags"
        ),
        member,
    )


@dataclass
class CategoryPage:
    """A category's page: its pinned topics (first page only) and a keyset page
    of the others, latest activity first."""

    pinned: list[Topic]
    page: KeysetPage

    @property
    def empty(self) -> bool:
        return not self.pinned and not self.page.object_list


def category_topics_page(
    *, category: ForumCategory, params, per_page: int, member=None
) -> CategoryPage:
    """One page of a category: pinned topics first (on the first page), then the
    others by latest activity, by keyset, each with the member's unread mark.

    Five queries at any depth and any number of topics: the pinned rows, their
    tags, the pinned count, the rows, their tags; the read marks come in the
    rows. The others' count is the category's own `topic_count`, kept by the
    services: counting 100,000 topics took 300 ms a page (bench/forum.py).
    """
    member = _member(member)
    topics = listed_topics().filter(category=category)
    first_page = not (params.get("after") or params.get("before") or params.get("page"))
    pinned = []
    if first_page:
        pinned = list(
            _topic_rows(topics.filter(_pinned(True)), member).order_by(
                "-last_posted_at", "-id"
            )[:PINNED_LIMIT]
        )
    pinned_count = topics.filter(_pinned(True)).count()
    page = TOPICS_KEYSET.page(
        _topic_rows(topics.filter(_pinned(False)), member),
        params,
        per_page=per_page,
        count=category.topic_count - pinned_count,
    )
    if page.fell_back and not pinned:
        # A cursor that could not be read gave the first page: its pinned too.
        pinned = list(
            _topic_rows(topics.filter(_pinned(True)), member).order_by(
                "-last_posted_at", "-id"
            )[:PINNED_LIMIT]
        )
    _unread_marks(pinned, member)
    _unread_marks(page.object_list, member)
    return CategoryPage(pinned=pinned, page=page)


# --- One topic ---------------------------------------------------------------


def topic_by_id(*, topic_id: int) -> Topic:
    """A topic with what its page shows around the posts (category, author,
    product, accepted answer and its author); 404 when there is none. Whether the
    viewer may read it is permissions.can_read_topic's."""
    topic = (
        Topic.objects.filter(pk=topic_id)
        .select_related(
            "category",
            "author",
            "product",
            "merged_into",
            "accepted_post",
            "accepted_post__author",
        )
        .first()
    )
    if topic is None:
        raise Http404("No such topic.")
    return topic


def page_count(*, topic: Topic, per_page: int) -> int:
    """Pages of a topic by post number: page p holds numbers (p-1)·n+1 … p·n."""
    return max(1, -(-topic.last_number // per_page))


def page_of_number(*, number: int, per_page: int) -> int:
    """The page that holds post `number`: arithmetic, never a count."""
    return max(1, -(-number // per_page))


def _visible_posts(topic: Topic, viewer, *, moderator: bool) -> QuerySet[Post]:
    posts = Post.objects.filter(topic=topic)
    if moderator:
        return posts.exclude(status=ModerationStatus.REMOVED)
    member = _member(viewer)
    shown = Q(status=ModerationStatus.PUBLISHED)
    if member is not None:
        # One's own post waiting for a moderator shows, marked, to its author.
        shown |= Q(author_id=member.pk, status=ModerationStatus.PENDING)
    return posts.filter(shown)


@dataclass
class TopicPage:
    """One page of a topic's posts and what the viewer keeps of them."""

    posts: list[Post]
    number: int
    num_pages: int
    per_page: int
    liked: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def last_number_shown(self) -> int:
        return max((post.number for post in self.posts), default=0)

    def page_numbers(self) -> list[int | None]:
        """The page links to show: first, last, and two either side (None: a gap)."""
        shown = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        numbers, previous = [], 0
        for number in sorted(n for n in shown if 1 <= n <= self.num_pages):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers


def post_images_prefetch() -> Prefetch:
    """A post's images in order, with the renditions the page shows: one query
    for the images and one or two for their Wagtail images and renditions,
    whatever the number of posts."""
    images = get_image_model().objects.prefetch_renditions(
        IMAGE_THUMB_SPEC, IMAGE_LARGE_SPEC
    )
    return Prefetch(
        "images",
        queryset=PostImage.objects.order_by("position", "id").prefetch_related(
            Prefetch("image", queryset=images)
        ),
    )


def post_image_for_viewer(*, image_id: int, viewer, can_see) -> PostImage:
    """A post's image as `viewer` may see it: `can_see(viewer, post)` says
    whether they may read its post (permissions' rules); 404 otherwise, so a
    private image's existence stays private too."""
    image = (
        PostImage.objects.filter(pk=image_id)
        .select_related("image", "post", "post__topic", "post__topic__category")
        .first()
    )
    if image is None or not can_see(viewer, image.post):
        raise Http404("No such image.")
    return image


def topic_posts_page(
    *, topic: Topic, viewer, page: int, per_page: int, moderator: bool = False
) -> TopicPage:
    """Page `page` of a topic: the posts numbered on it that the viewer may see,
    with their authors, the post each answers, their revisions, and the viewer's
    likes and bookmarks among them.

    Page p is the range of numbers (p-1)·n+1 … p·n, read on the (topic, number)
    unique index: the first and the last page of a topic of 10,000 posts cost what
    a 20-post topic's do. Five queries (posts, revisions, images, likes,
    bookmarks), three for a visitor; two more when the page shows images (their
    Wagtail images and renditions).
    """
    num_pages = page_count(topic=topic, per_page=per_page)
    page = min(max(1, page), num_pages)
    low, high = (page - 1) * per_page + 1, page * per_page
    posts = list(
        _visible_posts(topic, viewer, moderator=moderator)
        .filter(number__gte=low, number__lte=high)
        .select_related("author", "reply_to", "reply_to__author")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=PostRevision.objects.select_related("edited_by").order_by(
                    "-edited_at", "-id"
                ),
            ),
            post_images_prefetch(),
        )
        .order_by("number")
    )
    result = TopicPage(posts=posts, number=page, num_pages=num_pages, per_page=per_page)
    member = _member(viewer)
    if member is not None and posts:
        ids = [post.pk for post in posts]
        result.liked = set(
            PostLike.objects.filter(member_id=member.pk, post_id__in=ids).values_list(
                "post_id", flat=True
            )
        )
        result.bookmarked = set(
            Bookmark.objects.filter(member_id=member.pk, post_id__in=ids).values_list(
                "post_id", flat=True
            )
        )
    for post in posts:
        post.liked = post.pk in result.liked
        post.bookmarked = post.pk in result.bookmarked
    return result


def topic_tags(*, topic: Topic) -> list:
    return list(topic.tags.all())


def topic_actions(*, topic: Topic) -> list[TopicAction]:
    """What moderators did to the topic, oldest first, with who did it."""
    return list(TopicAction.objects.filter(topic=topic).select_related("by"))


def post_moved_from(*, topic_id: int, number: int) -> Post | None:
    """Where post `number` of a topic went in a split or merge (its latest move);
    None when it never left."""
    move = (
        PostMove.objects.filter(from_topic_id=topic_id, from_number=number)
        .select_related("post", "post__topic")
        .order_by("-moved_at", "-id")
        .first()
    )
    return move.post if move is not None else None


def post_of_topic(*, topic: Topic, number: int, viewer, moderator: bool = False):
    """Post `number` of a topic if the viewer may see it; None otherwise (quoting,
    replying to a given post)."""
    return (
        _visible_posts(topic, viewer, moderator=moderator)
        .filter(number=number)
        .select_related("author")
        .first()
    )


def post_by_id(*, post_id: int) -> Post:
    """A post with its topic and author; 404 when there is none."""
    post = (
        Post.objects.filter(pk=post_id)
        .select_related("topic", "topic__category", "author")
        .prefetch_related("revisions")
        .first()
    )
    if post is None:
        raise Http404("No such post.")
    return post


def topic_read_number(*, topic: Topic, member) -> int:
    """How far the member read the topic (0: never opened)."""
    member = _member(member)
    if member is None:
        return 0
    read = (
        TopicRead.objects.filter(topic=topic, member_id=member.pk)
        .values_list("last_read_number", flat=True)
        .first()
    )
    return read or 0


def first_unread_number(*, topic: Topic, member, read: int | None = None) -> int | None:
    """The number of the member's first unread post, where opening the topic
    lands: the one after their read mark, or their last read post when they
    have read it all; None for visitors and for a topic never opened (it opens
    at its beginning). `read`: the mark when the caller has it already."""
    if read is None:
        read = topic_read_number(topic=topic, member=member)
    if not read or not topic.last_number:
        return None
    return min(read + 1, topic.last_number)


def watches_topic(*, topic: Topic, member) -> bool:
    member = _member(member)
    return (
        member is not None
        and Watch.objects.filter(topic=topic, member_id=member.pk).exists()
    )


def watches_category(*, category: ForumCategory, member) -> bool:
    member = _member(member)
    return (
        member is not None
        and Watch.objects.filter(category=category, member_id=member.pk).exists()
    )


def merge_targets(*, topic: Topic, limit: int = 30) -> list[Topic]:
    """Topics a moderator may merge `topic` into, latest first, from its
    category: the likely duplicates."""
    return list(
        listed_topics()
        .filter(category_id=topic.category_id)
        .exclude(pk=topic.pk)
        .order_by("-last_posted_at", "-id")[:limit]
    )


# --- /me/forum/ --------------------------------------------------------------


def member_topics(*, member, limit: int = MY_LIST_LIMIT) -> list[Topic]:
    """The member's topics, newest first, pending ones too (marked), with their
    unread marks."""
    topics = (
        Topic.objects.filter(author_id=member.pk)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("category", "last_poster")
        .order_by("-created_at", "-id")
    )
    rows = list(_with_reads(topics, member)[:limit])
    _unread_marks(rows, member)
    return rows


def member_replies(*, member, limit: int = MY_LIST_LIMIT) -> list[Post]:
    """The member's replies (not the opening posts of their topics), newest first."""
    return list(
        Post.objects.filter(author_id=member.pk, number__gt=1)
        .exclude(status=ModerationStatus.REMOVED)
        .select_related("topic")
        .order_by("-created_at", "-id")[:limit]
    )


def member_bookmarks(*, member, limit: int = MY_LIST_LIMIT) -> list[Bookmark]:
    """The posts the member keeps, latest kept first, in topics still shown."""
    return list(
        Bookmark.objects.filter(
            member_id=member.pk, post__status=ModerationStatus.PUBLISHED
        )
        .select_related("post", "post__topic", "post__author")
        .order_by("-created_at", "-id")[:limit]
    )


def member_watched_topics(*, member, limit: int = MY_LIST_LIMIT) -> list[Topic]:
    """Topics the member watches, latest activity first, with unread marks."""
    topics = (
        listed_topics()
        .filter(watches__member_id=member.pk)
        .select_related("category", "last_poster")
        .prefetch_related("tags")
        .order_by("-last_posted_at", "-id")
    )
    rows = list(_with_reads(topics, member)[:limit])
    _unread_marks(rows, member)
    return rows


def member_watched_categories(*, member) -> list[ForumCategory]:
    return list(
        ForumCategory.objects.filter(watches__member_id=member.pk).order_by(
            "position", "name", "id"
        )
    )


def member_digest_frequency(*, member) -> str:
    """The member's digest choice; the model's default until they choose."""
    frequency = (
        DigestPreference.objects.filter(member_id=member.pk)
        .values_list("frequency", flat=True)
        .first()
    )
    return frequency or DigestPreference._meta.get_field("frequency").default
