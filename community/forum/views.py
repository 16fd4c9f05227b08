"""The forum's pages: categories, a category's topics, a topic and its posts,
start a topic, reply, quote, edit, like, watch, bookmark, accept an answer, the
moderators' actions, and /me/forum/.

Thin: who may do what is permissions.py's, the writes are services.py's (each
raises ForumRefused, a ValidationError, with words for the member: they go on
the form that sent them, with what was typed kept). Every page works without
JavaScript; every action is a small POST form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from community.moderation.models import ModerationStatus
from comptoir.form_errors import form_errors_add, refusal_words
from comptoir.in_place import in_place_response, wants_in_place
from comptoir.markup import markdown_to_plain_text
from comptoir.uploads import image_thumbnail
from marketplace.catalog.models import Product

from . import permissions, selectors, services
from .forms import (
    DigestForm,
    EditForm,
    MergeForm,
    MoveForm,
    ReplyForm,
    SplitForm,
    TopicForm,
)

TOPICS_PER_PAGE = 30


def _member(request: HttpRequest):
    user = request.user
    return user if user.is_authenticated else None


def _login_url(request: HttpRequest, anchor: str = "") -> str:
    return (
        reverse("account_login")
        + "?"
        + urlencode({"next": request.get_full_path() + anchor})
    )


def _positive_int(value) -> int | None:
    """A page or post number from the query string; None for anything else."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    # Beyond any topic's length: a typo, not a post (and no overflow in SQL).
    return number if 1 <= number <= 10**9 else None


def _readable_topic(request: HttpRequest, pk: int):
    """The topic if the viewer may read it; 404 otherwise, so a hidden or
    staff-only topic's existence stays private."""
    topic = selectors.topic_by_id(topic_id=pk)
    if not permissions.can_read_topic(request.user, topic):
        raise Http404("No such topic.")
    return topic


def _post_url(post) -> str:
    return post.get_absolute_url()


def _back_to_topic(topic, anchor: str = "") -> HttpResponse:
    return redirect(topic.get_absolute_url() + anchor)


# --- The front page and a category ------------------------------------------


@require_safe
def forum_index(request: HttpRequest) -> HttpResponse:
    """/forum/: the categories the viewer may see, with their latest activity."""
    categories = selectors.category_list(
        categories=permissions.visible_categories(request.user)
    )
    return render(request, "forum/forum_index.html", {"categories": categories})


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """/forum/c/<slug>/: pinned topics, then the others by latest activity, with
    the member's unread marks; keyset pages."""
    user = request.user
    category = selectors.category_for_viewer(
        slug=slug, categories=permissions.visible_categories(user)
    )
    listing = selectors.category_topics_page(
        category=category,
        params=request.GET,
        per_page=TOPICS_PER_PAGE,
        member=_member(request),
    )
    member = _member(request)
    return render(
        request,
        "forum/category_detail.html",
        {
            "category": category,
            "listing": listing,
            "page_obj": listing.page,
            "can_start": permissions.can_start_topic(user, category),
            "start_refusal": permissions.start_refusal(user, category)
            if member
            else None,
            "watching": selectors.watches_category(category=category, member=member),
            "login_url": _login_url(request),
        },
    )


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    """Watch a category (every new topic in it), or stop (`action=unwatch`)."""
    category = selectors.category_for_viewer(
        slug=slug, categories=permissions.visible_categories(request.user)
    )
    watching = request.POST.get("action") != "unwatch"
    try:
        services.watch_set(member=request.user, category=category, watching=watching)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("You watch “%(name)s”: its new topics are in your notifications.")
            % {"name": category.name}
            if watching
            else _("You no longer watch “%(name)s”.") % {"name": category.name},
        )
    return redirect(category.get_absolute_url())


# --- One topic -----------------------------------------------------------------


def _redirect_keeping_query(request: HttpRequest, target: str) -> HttpResponse:
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return redirect(target, permanent=True)


def _post_flags(posts, *, user, topic, settings, now) -> None:
    """What the viewer may do with each post, without a query per post.

    The edit window is permissions.edit_window's, read once for the page (asking
    permissions.can_edit per post would load the settings for each); the edit
    service checks again when the member saves.
    """
    member = user if user.is_authenticated else None
    window = permissions.edit_window(user, settings) if member else None
    can_accept = permissions.can_accept(user, topic)
    for post in posts:
        own = member is not None and post.author_id == member.pk
        post.is_own = own
        post.edit_until = post.created_at + window if own and window else None
        post.can_edit = (
            own
            and post.status != ModerationStatus.REMOVED
            and (post.edit_until is None or now < post.edit_until)
        )
        post.can_like = (
            member is not None
            and not own
            and post.status == ModerationStatus.PUBLISHED
            and not topic.merged_into_id
        )
        post.is_accepted = post.pk == topic.accepted_post_id
        post.can_accept = (
            can_accept and post.number > 1 and post.status == ModerationStatus.PUBLISHED
        )


@require_safe
def topic_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """/forum/t/<id>-<slug>/: one page of the topic's posts, by post number.

    `?post=N` opens the page holding post N (arithmetic on numbers); a member
    opening the topic plainly lands at their first unread post. Showing a page
    marks it read for the member, one write at most (services.topic_read_mark).
    """
    user = request.user
    member = _member(request)
    topic = _readable_topic(request, pk)
    number = _positive_int(request.GET.get("post"))
    if topic.merged_into_id and permissions.can_read_topic(user, topic.merged_into):
        moved = (
            selectors.post_moved_from(topic_id=topic.pk, number=number)
            if number
            else None
        )
        return redirect(
            _post_url(moved) if moved else topic.merged_into.get_absolute_url(),
            permanent=True,
        )
    if slug != topic.slug:
        return _redirect_keeping_query(request, topic.get_absolute_url())

    settings = selectors.forum_settings(request)
    per_page = settings.posts_per_page or 20
    page_param = request.GET.get("page", "")
    read_before = (
        selectors.topic_read_number(topic=topic, member=member) if member else 0
    )
    if number is None and not page_param and member is not None:
        target = selectors.first_unread_number(
            topic=topic, member=member, read=read_before
        )
        if target and target > 1:
            return redirect(f"{topic.get_absolute_url()}?post={target}#post-{target}")
    if number is not None:
        page = selectors.page_of_number(number=number, per_page=per_page)
    elif page_param == "last":
        page = selectors.page_count(topic=topic, per_page=per_page)
    else:
        page = _positive_int(page_param) or 1
    moderator = permissions.is_staff(user)
    posts_page = selectors.topic_posts_page(
        topic=topic, viewer=user, page=page, per_page=per_page, moderator=moderator
    )
    if number is not None and number not in {p.number for p in posts_page.posts}:
        # A link to a post split or merged away follows it to its new place.
        moved = selectors.post_moved_from(topic_id=topic.pk, number=number)
        if moved is not None and permissions.can_read_topic(user, moved.topic):
            return redirect(_post_url(moved))

    now = timezone.now()
    _post_flags(posts_page.posts, user=user, topic=topic, settings=settings, now=now)
    if member is not None and posts_page.posts:
        if posts_page.last_number_shown > read_before:
            services.topic_read_mark(
                member=member,
                topic=topic,
                number=posts_page.last_number_shown,
                now=now,
            )
    services.topic_view_count(topic=topic, request_key=services.topic_view_key(request))
    can_moderate = permissions.can_moderate(user)
    context = {
        "topic": topic,
        "category": topic.category,
        "description": markdown_to_plain_text(
            posts_page.posts[0].body if posts_page.posts else ""
        ),
        "posts_page": posts_page,
        "tags": selectors.topic_tags(topic=topic),
        "actions": selectors.topic_actions(topic=topic),
        # The first post the member had not read: marked "unread from here".
        "first_unread": read_before + 1 if read_before else None,
        "can_reply": permissions.can_reply(user, topic),
        "reply_refusal": permissions.reply_refusal(user, topic) if member else None,
        "reply_form": ReplyForm(),
        "can_moderate": can_moderate,
        "watching": selectors.watches_topic(topic=topic, member=member),
        "login_url": _login_url(request, "#reply"),
        "is_pending": topic.status == ModerationStatus.PENDING,
    }
    return render(request, "forum/topic_detail.html", context)


# --- Start a topic ---------------------------------------------------------------


def _startable_categories(user):
    """Categories the member may start a topic in, as a queryset for the form."""
    visible = permissions.visible_categories(user)
    allowed = [c.pk for c in visible if permissions.can_start_topic(user, c)]
    return visible.filter(pk__in=allowed)


def _published_message(content) -> str:
    if content.status == ModerationStatus.PUBLISHED:
        return ""
    return _(
        "Thank you! A moderator reads the first messages of new members: yours "
        "will be public once they have. You can follow it on “My forum”."
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    """/forum/new/: start a topic — category, title, Markdown, tags, and maybe the
    catalog product it is about (by SKU, or `?product=<sku>` from a product page)."""
    categories = _startable_categories(request.user)
    products = Product.objects.filter(active=True)
    status = 200
    if request.method == "POST":
        form = TopicForm(
            request.POST, request.FILES, categories=categories, products=products
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = services.topic_start(
                    author=request.user,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    product=data["product"],
                    images=data["images"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                said = _published_message(topic)
                messages.success(request, said or _("Your topic is published."))
                return redirect(topic.get_absolute_url())
        if status == 200:
            status = 400
    else:
        initial = {}
        wanted = request.GET.get("category", "")
        if wanted:
            chosen = categories.filter(slug=wanted).first()
            if chosen is not None:
                initial["category"] = chosen.pk
        sku = request.GET.get("product", "").strip()[:64]
        if sku and products.filter(sku__iexact=sku).exists():
            initial["product"] = sku
        form = TopicForm(initial=initial, categories=categories, products=products)
    product = None
    if form.is_bound and form.is_valid():
        product = form.cleaned_data.get("product")
    elif form.initial.get("product"):
        product = products.filter(sku__iexact=form.initial["product"]).first()
    return render(
        request,
        "forum/topic_form.html",
        {
            "form": form,
            "no_category": not categories.exists(),
            "product": product,
        },
        status=status,
    )


# --- Reply, quote, edit --------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """/forum/t/<id>/reply/: reply to a topic, maybe to one post (`?to=N`) or
    quoting it (`?quote=N`: the reply starts with its lines after `> `)."""
    user = request.user
    topic = _readable_topic(request, pk)
    moderator = permissions.is_staff(user)
    refusal = permissions.reply_refusal(user, topic)
    quoted = None
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            reply_to = None
            if form.cleaned_data.get("reply_to"):
                reply_to = selectors.post_of_topic(
                    topic=topic,
                    number=form.cleaned_data["reply_to"],
                    viewer=user,
                    moderator=moderator,
                )
            try:
                post = services.post_reply(
                    author=user,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    reply_to=reply_to,
                    images=form.cleaned_data["images"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                said = _published_message(post)
                if said:
                    messages.success(request, said)
                    return _back_to_topic(topic)
                messages.success(request, _("Your reply is published."))
                return redirect(_post_url(post))
        if status == 200:
            status = 400
        number = form.data.get("reply_to")
        number = _positive_int(number)
        if number:
            quoted = selectors.post_of_topic(
                topic=topic, number=number, viewer=user, moderator=moderator
            )
    else:
        initial = {}
        quote = _positive_int(request.GET.get("quote"))
        to = _positive_int(request.GET.get("to"))
        wanted = quote or to
        if request.GET.get("quote") and quote is None:
            messages.error(request, _("There is no such post to quote."))
        if wanted:
            quoted = selectors.post_of_topic(
                topic=topic, number=wanted, viewer=user, moderator=moderator
            )
            if quoted is None:
                messages.error(
                    request,
                    _(
                        "Post %(number)s is not shown in this topic (hidden, waiting "
                        "for a moderator or moved): it cannot be quoted."
                    )
                    % {"number": wanted},
                )
            else:
                try:
                    if quote:
                        quoted.topic = topic
                        initial["body"] = services.quote_markdown(
                            post=quoted, user=user
                        )
                    initial["reply_to"] = quoted.number
                except ValidationError as error:
                    messages.error(request, refusal_words(error))
                    quoted = None
        form = ReplyForm(initial=initial)
        if refusal:
            status = 403
    return render(
        request,
        "forum/post_reply.html",
        {
            "topic": topic,
            "form": form,
            "quoted": quoted,
            # After a POST the service's refusal is on the form, the text kept.
            "refusal": None if form.is_bound else refusal,
        },
        status=status,
    )


def _own_post(request: HttpRequest, pk: int):
    """A post the viewer may read, in a topic they may read; 404 otherwise."""
    post = selectors.post_by_id(post_id=pk)
    user = request.user
    if not permissions.can_read_topic(
        user, post.topic
    ) or not permissions.can_read_post(user, post):
        raise Http404("No such post.")
    return post


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """/forum/p/<id>/edit/: the author edits their post within their trust
    level's window; the text before each edit is kept and shown."""
    post = _own_post(request, pk)
    user = request.user
    now = timezone.now()
    refusal = permissions.edit_refusal(user, post, now)
    status = 200
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                post = services.post_edit(
                    post=post, editor=user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_words(error))
                status = 403
            else:
                messages.success(request, _("Your post is saved."))
                return redirect(_post_url(post))
        if status == 200:
            status = 400
    else:
        form = EditForm(initial={"body": post.body})
        if refusal:
            status = 403
    return render(
        request,
        "forum/post_edit.html",
        {
            "post": post,
            "topic": post.topic,
            "form": form,
            "refusal": None if form.is_bound else refusal,
            "edit_until": permissions.edit_window_end(user, post),
            "revisions": sorted(
                post.revisions.all(), key=lambda r: (r.edited_at, r.pk), reverse=True
            ),
        },
        status=status,
    )


# --- Images of posts ---------------------------------------------------------------

# The size of `selectors.IMAGE_THUMB_SPEC`, for private images that have no rendition.
IMAGE_THUMB_SIZE = (160, 160)


def _may_see_post(user, post) -> bool:
    return permissions.can_read_topic(user, post.topic) and permissions.can_read_post(
        user, post
    )


@require_safe
def post_image(request: HttpRequest, pk: int, thumbnail: bool = False):
    """A post's image, large or as a thumbnail, for those who may read the post.

    A shown post's images redirect to their address under MEDIA_URL. A private
    one (its post waits for a moderator, or is hidden) is streamed to its author
    and moderators only, and kept out of shared caches.
    """
    image = selectors.post_image_for_viewer(
        image_id=pk, viewer=request.user, can_see=_may_see_post
    )
    if image.is_public:
        spec = selectors.IMAGE_THUMB_SPEC if thumbnail else selectors.IMAGE_LARGE_SPEC
        return redirect(image.image.get_rendition(spec).url)
    if thumbnail:
        with image.private_file.open("rb") as private:
            response = HttpResponse(
                image_thumbnail(private, size=IMAGE_THUMB_SIZE),
                content_type="image/jpeg",
            )
    else:
        response = FileResponse(image.private_file.open("rb"))
    patch_cache_control(response, private=True, max_age=600)
    return response


# --- Likes, bookmarks, watching, accepted answers ----------------------------------


@login_required
@require_POST
def post_like(request: HttpRequest, pk: int) -> HttpResponse:
    """Like someone else's post, or take the like back (`action=unlike`).

    A plain POST redirects to the post; from in-place.js (it asks for JSON) the
    answer is the sentence to show by the button and the post's new likes part.
    """
    post = _own_post(request, pk)
    unlike = request.POST.get("action") == "unlike"
    try:
        if unlike:
            post = services.post_unlike(post=post, member=request.user)
            said = _("Your like is taken back.")
        else:
            post = services.post_like(post=post, member=request.user)
            said = _("You like this post.")
    except (ValidationError, PermissionDenied) as error:
        if wants_in_place(request):
            status = 403 if isinstance(error, PermissionDenied) else 400
            return in_place_response(message=refusal_words(error), status=status)
        messages.error(request, refusal_words(error))
        return redirect(_post_url(post))
    if wants_in_place(request):
        post.liked, post.can_like = not unlike, True
        fragment = render_to_string(
            "forum/includes/post_likes.html", {"post": post}, request=request
        )
        return in_place_response(
            message=said, fragments={f"post-{post.number}-likes": fragment}
        )
    messages.success(request, said)
    return redirect(_post_url(post))


@login_required
@require_POST
def post_bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a post in /me/forum/, or let it go (`action=remove`)."""
    post = _own_post(request, pk)
    kept = request.POST.get("action") != "remove"
    try:
        services.bookmark_set(member=request.user, post=post, kept=kept)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("Bookmarked: find it again on “My forum”.")
            if kept
            else _("Bookmark removed."),
        )
    return redirect(_post_url(post))


@login_required
@require_POST
def topic_watch(request: HttpRequest, pk: int) -> HttpResponse:
    """Watch a topic (its new replies in notifications and the digest), or stop."""
    topic = _readable_topic(request, pk)
    watching = request.POST.get("action") != "unwatch"
    try:
        services.watch_set(member=request.user, topic=topic, watching=watching)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("You watch this topic: its new replies are in your notifications.")
            if watching
            else _("You no longer watch this topic."),
        )
    return _back_to_topic(topic, "#topic-tools")


@login_required
@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The topic's author (or staff) marks a reply as the accepted answer, or
    takes the mark back (`action=unaccept`)."""
    user = request.user
    topic = _readable_topic(request, pk)
    try:
        if request.POST.get("action") == "unaccept":
            services.answer_unaccept(topic=topic, by=user)
            messages.success(request, _("The answer is no longer marked accepted."))
        else:
            number = _positive_int(request.POST.get("post"))
            post = (
                selectors.post_of_topic(
                    topic=topic,
                    number=number,
                    viewer=user,
                    moderator=permissions.is_staff(user),
                )
                if number
                else None
            )
            if post is None:
                messages.error(request, _("There is no such reply in this topic."))
                return _back_to_topic(topic)
            services.answer_accept(topic=topic, post=post, by=user)
            messages.success(request, _("This reply is marked as the answer."))
            return redirect(_post_url(post))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    return _back_to_topic(topic)


# --- Moderators: pin, close, move, split, merge -----------------------------------


def _moderated_topic(request: HttpRequest, pk: int):
    topic = _readable_topic(request, pk)
    if not permissions.can_moderate(request.user):
        raise PermissionDenied(_("Only moderators can do this."))
    return topic


@login_required
@require_POST
def topic_pin(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    pinned = request.POST.get("action") != "unpin"
    try:
        services.topic_pin(topic=topic, by=request.user, pinned=pinned)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("The topic is pinned at the top of its category.")
            if pinned
            else _("The topic is no longer pinned."),
        )
    return _back_to_topic(topic, "#topic-moderation")


@login_required
@require_POST
def topic_close(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _moderated_topic(request, pk)
    closed = request.POST.get("action") != "reopen"
    try:
        services.topic_close(topic=topic, by=request.user, closed=closed)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_words(error))
    else:
        messages.success(
            request,
            _("The topic is closed: it takes no new replies.")
            if closed
            else _("The topic is open again."),
        )
    return _back_to_topic(topic, "#topic-moderation")


def _moderation_page(request, topic, form, *, action: str, status: int = 200):
    return render(
        request,
        "forum/topic_moderate.html",
        {
            "topic": topic,
            "form": form,
            "action": action,
            "targets": selectors.merge_targets(topic=topic)
            if action == "merge"
            else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a topic to another category."""
    topic = _moderated_topic(request, pk)
    categories = permissions.visible_categories(request.user).exclude(
        pk=topic.category_id
    )
    form = MoveForm(request.POST or None, categories=categories)
    if request.method == "POST":
        if form.is_valid():
            try:
                topic = services.topic_move(
                    topic=topic, category=form.cleaned_data["category"], by=request.user
                )
            except (ValidationError, PermissionDenied) as error:
                _refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("The topic is moved to “%(name)s”.")
                    % {"name": form.cleaned_data["category"].name},
                )
                return _back_to_topic(topic)
        return _moderation_page(request, topic, form, action="move", status=400)
    return _moderation_page(request, topic, form, action="move")


def _refusal_on_form(form, error) -> None:
    if isinstance(error, ValidationError):
        form_errors_add(form, error)
    else:
        form.add_error(None, refusal_words(error))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def posts_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split replies off into a new topic (they keep their history; links to
    their old numbers follow them)."""
    topic = _moderated_topic(request, pk)
    categories = permissions.visible_categories(request.user)
    initial = {}
    if request.method != "POST" and request.GET.get("from"):
        start = _positive_int(request.GET.get("from"))
        if start and start > 1:
            initial["numbers"] = f"{start}-{max(start, topic.last_number)}"
    form = SplitForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                new_topic = services.posts_split(
                    topic=topic,
                    numbers=data["numbers"],
                    title=data["title"],
                    by=request.user,
                    category=data["category"],
                )
            except (ValidationError, PermissionDenied) as error:
                _refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("The posts are split off into this new topic."),
                )
                return redirect(new_topic.get_absolute_url())
        return _moderation_page(request, topic, form, action="split", status=400)
    return _moderation_page(request, topic, form, action="split")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this topic into another: its posts go after the other's."""
    topic = _moderated_topic(request, pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                target = selectors.topic_by_id(topic_id=form.cleaned_data["target"])
            except Http404:
                target = None
            if target is None or not permissions.can_read_topic(request.user, target):
                form.add_error("target", _("There is no such topic."))
            elif target.pk == topic.pk:
                form.add_error("target", _("A topic cannot be merged into itself."))
            else:
                try:
                    target = services.topic_merge(
                        source=topic, target=target, by=request.user
                    )
                except (ValidationError, PermissionDenied) as error:
                    _refusal_on_form(form, error)
                else:
                    messages.success(
                        request,
                        _("“%(title)s” is merged into this topic.")
                        % {"title": topic.title},
                    )
                    return redirect(target.get_absolute_url() + "?page=last")
        return _moderation_page(request, topic, form, action="merge", status=400)
    return _moderation_page(request, topic, form, action="merge")


# --- /me/forum/ ----------------------------------------------------------------


def _my_forum_context(member, digest_form) -> dict:
    return {
        "topics": selectors.member_topics(member=member),
        "replies": selectors.member_replies(member=member),
        "bookmarks": selectors.member_bookmarks(member=member),
        "watched": selectors.member_watched_topics(member=member),
        "watched_categories": selectors.member_watched_categories(member=member),
        "digest_form": digest_form,
        "list_limit": selectors.MY_LIST_LIMIT,
    }


@login_required
@require_safe
def my_forum(request: HttpRequest) -> HttpResponse:
    """/me/forum/: my topics, my replies, my bookmarks, what I watch, my digest."""
    member = request.user
    form = DigestForm(
        initial={"frequency": selectors.member_digest_frequency(member=member)}
    )
    return render(request, "forum/my_forum.html", _my_forum_context(member, form))


@login_required
@require_POST
def digest_set(request: HttpRequest) -> HttpResponse:
    """Choose how often the e-mail digest of watched topics comes."""
    member = request.user
    form = DigestForm(request.POST)
    if form.is_valid():
        try:
            services.digest_frequency_set(
                member=member, frequency=form.cleaned_data["frequency"]
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal_on_form(form, error)
        else:
            messages.success(request, _("Your digest choice is saved."))
            return redirect(reverse("forum:mine") + "#digest")
    return render(
        request, "forum/my_forum.html", _my_forum_context(member, form), status=400
    )
