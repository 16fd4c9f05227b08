"""The community forum: categories, topics, their numbered posts, and what each
member keeps of them (read marks, likes, watches, bookmarks).

A topic's first post is its body: `Post.number` 1. Posts are numbered in their
topic from 1 without gaps at creation, so a link to post 1,234 is a page number
by division and an index lookup, never a count. Moving posts (split, merge)
renumbers them in the topic they go to and keeps a `PostMove` row, so a link to
the old place can be followed.

Moderation is `ModeratedContent`'s (community/moderation): a topic and each post
are moderated items; a topic's first post shares its topic's fate (the topic is
the queue item, its post 1 follows). Counts on categories and topics are kept by
the services that write, under the topic's row lock, never counted on a page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index

from community.moderation.models import ModeratedContent
from comptoir.slugs import url_slug
from comptoir.uploads import private_media_storage

# Long enough for a detailed answer with a quote; a pasted manual is not a post.
POST_MAX_LENGTH = 20_000
TITLE_MAX_LENGTH = 140


class WhoMayStart(models.TextChoices):
    """Who may start a topic in a category (everyone may read and reply)."""

    MEMBERS = "members", _("Every member")
    TRUSTED = "trusted", _("Members of trust level 2 and above")
    STAFF = "staff", _("Staff only (the shop's news)")


@register_setting(icon="comment")
class ForumSettings(BaseGenericSetting):
    """The forum's rules by trust level; Discourse's defaults as the anchor."""

    first_day_topics = models.PositiveIntegerField(
        _("topics on a new member's first day"), default=3
    )
    first_day_replies = models.PositiveIntegerField(
        _("replies on a new member's first day"), default=10
    )
    seconds_between_posts = models.PositiveIntegerField(
        _("seconds between two posts of a member"), default=30
    )
    edit_window_hours_new = models.PositiveIntegerField(
        _("edit window at trust levels 0–1 (hours)"), default=24
    )
    edit_window_days_member = models.PositiveIntegerField(
        _("edit window at trust levels 2–3 (days)"), default=30
    )
    likes_per_day_new = models.PositiveIntegerField(
        _("likes per day at trust levels 0–1"), default=30
    )
    likes_per_day_member = models.PositiveIntegerField(
        _("likes per day at trust level 2 and above"), default=100
    )
    links_min_level = models.PositiveSmallIntegerField(
        _("trust level to post more than two links"), default=1
    )
    images_min_level = models.PositiveSmallIntegerField(
        _("trust level to post images"), default=1
    )
    flags_to_close_topic = models.PositiveIntegerField(
        _("flags that close a topic until a moderator looks"), default=5
    )
    posts_per_page = models.PositiveIntegerField(_("posts per page"), default=20)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("first_day_topics"),
                FieldPanel("first_day_replies"),
                FieldPanel("seconds_between_posts"),
            ],
            heading=_("New members"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("edit_window_hours_new"),
                FieldPanel("edit_window_days_member"),
            ],
            heading=_("Editing (always allowed at trust level 4)"),
        ),
        MultiFieldPanel(
            [FieldPanel("likes_per_day_new"), FieldPanel("likes_per_day_member")],
            heading=_("Likes"),
        ),
        FieldPanel("links_min_level"),
        FieldPanel("images_min_level"),
        FieldPanel("flags_to_close_topic"),
        FieldPanel("posts_per_page"),
    ]

    class Meta:
        verbose_name = _("forum")


class ForumCategory(models.Model):
    """A section of the forum, managed by editors in the admin."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=500, blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f6b3a",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #1f6b3a."))
        ],
        help_text=_("The mark next to the category's name, as #rrggbb."),
    )
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Lower comes first.")
    )
    who_may_start = models.CharField(
        _("who may start topics"),
        max_length=16,
        choices=WhoMayStart.choices,
        default=WhoMayStart.MEMBERS,
    )
    staff_only = models.BooleanField(
        _("staff only"),
        default=False,
        help_text=_("Hidden from members and visitors: the staff's own room."),
    )
    # Kept by the services, so the forum's front page reads one row per category.
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_topic = models.ForeignKey(
        "Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("colour"),
        FieldPanel("position"),
        FieldPanel("who_may_start"),
        FieldPanel("staff_only"),
    ]

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forum:category", kwargs={"slug": self.slug})


class TaggedTopic(TaggedItemBase):
    content_object = ParentalKey(
        "forum.Topic", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Topic(index.Indexed, ClusterableModel, ModeratedContent):
    """A discussion: a title, its posts (post 1 is the opening one), maybe about a
    catalog product — then it is a product question, shown on the product page."""

    category = models.ForeignKey(
        ForumCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="forum_topics",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=False)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    tags = TaggableManager(through=TaggedTopic, blank=True, verbose_name=_("tags"))
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    closed_by_flags = models.BooleanField(
        _("closed by flags"),
        default=False,
        help_text=_("Closed because members flagged it; a moderator reopens it."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_topics",
    )
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept by the services under this row's lock.
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_number = models.PositiveIntegerField(
        default=0, editable=False, help_text="The highest post number given."
    )
    like_count = models.PositiveIntegerField(default=0, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    last_posted_at = models.DateTimeField(default=timezone.now, editable=False)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("category_id"),
    ]

    class Meta:
        verbose_name = _("forum topic")
        verbose_name_plural = _("forum topics")
        indexes = [
            # A category's list: pinned first, then latest activity (keyset).
            models.Index(
                fields=["category", "status", "-is_pinned", "-last_posted_at", "-id"],
                name="forum_topic_listed",
            ),
            # The forum's "latest" across categories.
            models.Index(
                fields=["status", "-last_posted_at", "-id"], name="forum_topic_latest"
            ),
            # A product page's questions.
            models.Index(
                fields=["product", "status", "-created_at"],
                name="forum_topic_product",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = url_slug(self.title, max_length=80, default="topic")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forum:topic", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    # Moderation's callbacks: the forum's rules live in community/forum/moderation.py.
    def on_moderation_decision(self, *, action) -> None:
        from .moderation import topic_moderated

        topic_moderated(topic=self, action=action)

    @classmethod
    def moderation_lock_related(cls, contents: list) -> None:
        from .moderation import topics_lock

        topics_lock([content.pk for content in contents])


class Post(index.Indexed, ModeratedContent):
    """One post of a topic, in Markdown; number 1 opens the topic."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    number = models.PositiveIntegerField(_("number in the topic"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="forum_posts",
    )
    body = models.TextField(_("text"), max_length=POST_MAX_LENGTH)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    # Set when posted, from the member's matched purchases of the topic's
    # product: a badge read with the post, no purchase query per post shown.
    by_verified_owner = models.BooleanField(_("by a verified owner"), default=False)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0, editable=False)

    # The site search (search.py) finds published posts of public topics by their
    # words; status and topic are filtered in the database as well.
    search_fields = [
        index.SearchField("body"),
        index.FilterField("status"),
        index.FilterField("topic"),
    ]

    class Meta:
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="forum_post_number_once"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="forum_post_number_positive"
            ),
        ]
        indexes = [
            # A member's own posts, newest first (/me/forum/, rate limits).
            models.Index(fields=["author", "-created_at"], name="forum_post_author"),
        ]

    def __str__(self) -> str:
        return f"post {self.number} of topic #{self.topic_id}"

    @property
    def page_anchor(self) -> str:
        """The id of this post on its topic's page (a report returns there)."""
        return f"post-{self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}?post={self.number}#post-{self.number}"

    def on_moderation_decision(self, *, action) -> None:
        from .moderation import post_moderated

        post_moderated(post=self, action=action)

    @classmethod
    def moderation_lock_related(cls, contents: list) -> None:
        from .moderation import topics_lock

        topics_lock([content.topic_id for content in contents])


class PostMention(models.Model):
    """A member named with @name in a post: written when they are notified, so
    an edit or a later approval never notifies them of the same post twice."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_mentions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"], name="forum_mention_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} mentioned in post #{self.post_id}"


class PostRevision(models.Model):
    """A post's text before an edit: the visible edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["post", "edited_at", "id"]

    def __str__(self) -> str:
        return f"revision of post #{self.post_id}"


class PostMove(models.Model):
    """Where a post was before a split or merge, so old links still lead to it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="moves")
    from_topic = models.ForeignKey(
        Topic, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_number = models.PositiveIntegerField()
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["from_topic", "from_number"], name="forum_post_moved")
        ]

    def __str__(self) -> str:
        return f"post #{self.post_id} moved from #{self.from_topic_id}"


class TopicAction(models.Model):
    """What moderators did to a topic (pin, close, move, split, merge), shown in it."""

    class Kind(models.TextChoices):
        PINNED = "pinned", _("pinned")
        UNPINNED = "unpinned", _("unpinned")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        MOVED = "moved", _("moved to another category")
        SPLIT = "split", _("replies split off into a new topic")
        MERGED = "merged", _("merged into another topic")
        ACCEPTED = "accepted", _("answer accepted")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["topic", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on topic #{self.topic_id}"


class PostLike(models.Model):
    """A member's like of someone else's post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="forum_like_once")
        ]
        indexes = [
            # The daily limit: a member's likes since a moment.
            models.Index(fields=["member", "created_at"], name="forum_like_member_day")
        ]

    def __str__(self) -> str:
        return f"like of post #{self.post_id}"


class TopicRead(models.Model):
    """How far a member read a topic: one row per member and topic, written at
    most once per visit."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reads"
    )
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="forum_read_once")
        ]

    def __str__(self) -> str:
        return f"topic #{self.topic_id} read to {self.last_read_number}"


class DigestFrequency(models.TextChoices):
    NEVER = "never", _("Never")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Watch(models.Model):
    """A member watching a topic or a whole category: notified in the app of what
    is new there, and in their e-mail digest."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_watches"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    category = models.ForeignKey(
        ForumCategory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watches",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(topic__isnull=False) & Q(category__isnull=True))
                | (Q(topic__isnull=True) & Q(category__isnull=False)),
                name="forum_watch_one_thing",
            ),
            models.UniqueConstraint(
                fields=["member", "topic"],
                condition=Q(topic__isnull=False),
                name="forum_watch_topic_once",
            ),
            models.UniqueConstraint(
                fields=["member", "category"],
                condition=Q(category__isnull=False),
                name="forum_watch_category_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} watches {self.topic_id or self.category_id}"


class DigestPreference(models.Model):
    """How often a member gets the e-mail digest of what they watch."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_digest",
    )
    frequency = models.CharField(
        _("e-mail digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )

    def __str__(self) -> str:
        return f"{self.member_id}: {self.frequency}"


class DigestSent(models.Model):
    """One digest sent for one period: running `forum_digest` again sends none."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=16, help_text="2026-12-03 or 2026-W49")
    sent_at = models.DateTimeField(default=timezone.now)
    topic_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period"], name="forum_digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"digest {self.period} to {self.member_id}"


class Bookmark(models.Model):
    """A post a member keeps to come back to (/me/forum/)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_bookmarks",
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "post"], name="forum_bookmark_once"
            )
        ]

    def __str__(self) -> str:
        return f"bookmark of post #{self.post_id}"


class PostImage(models.Model):
    """An image attached to a post, re-encoded, kept where its post's status allows.

    While the post is shown (published, in a published topic) the image is a
    Wagtail image under MEDIA_URL, with its renditions; otherwise (pending,
    rejected, hidden, removed) it is a private file that only its author and
    moderators can open. `services.post_images_place` moves it at every change
    of status, as review photos are moved.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Set while the post is shown."),
    )
    private_file = models.ImageField(
        upload_to="forum_images/",
        storage=private_media_storage,
        blank=True,
        help_text=_("Set while the post is not shown."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("forum post image")
        verbose_name_plural = _("forum post images")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(image__isnull=False, private_file="")
                    | (models.Q(image__isnull=True) & ~models.Q(private_file=""))
                ),
                name="forum_post_image_public_or_private",
            )
        ]

    def __str__(self) -> str:
        return f"Image {self.position + 1} of post #{self.post_id}"

    @property
    def is_public(self) -> bool:
        return self.image_id is not None

    @property
    def stored_file(self):
        """The image's file, wherever it is kept."""
        return self.image.file if self.is_public else self.private_file
