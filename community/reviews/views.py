"""Review pages: write, edit, delete, vote, answer; my reviews; how reviews work.

Who may do what: anyone reads published reviews; a signed-in member writes one
review per product and votes on others' reviews; only the author sees, edits or
deletes a review that is not published (anyone else gets 404: its existence is
private); only staff answer.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from community.moderation.models import ModerationStatus
from community.moderation.registry import moderated_type_for
from comptoir.form_errors import form_errors_add
from comptoir.in_place import in_place_response, wants_in_place
from comptoir.redirects import next_url
from comptoir.uploads import image_thumbnail
from marketplace.catalog import selectors as catalog_selectors

from . import selectors, services
from .author_actions import actions_for, review_author_actions
from .forms import ResponseForm, ReviewForm
from .models import Review
from .quality import (
    LENGTH_BONUS_MAX,
    LENGTH_FOR_FULL_BONUS,
    PHOTO_BONUS,
    PHOTO_BONUS_MAX,
    SCORE_MAX,
    VERIFIED_BONUS,
    QualityWords,
    quality_words,
)

REVIEWS_PER_PAGE = 10
# The size of `selectors.PHOTO_THUMB_SPEC`, for private photos that have no rendition.
PHOTO_THUMB_SIZE = (160, 160)
MY_REVIEWS_PER_PAGE = 20


def review_quality_words(review) -> QualityWords:
    """The quality an author reads on their review: a step of the scale, what
    readers said and what would raise it (reviews/includes/review_quality.html)."""
    return quality_words(
        score=review.quality_score,
        helpful=review.helpful_count,
        not_helpful=review.not_helpful_count,
        photos=len(review.photos.all()),
        body_length=len(review.body),
        verified=review.verified_purchase,
    )


def _published_message(review) -> str:
    if review.status == ModerationStatus.PUBLISHED:
        return _("Thank you! Your review is published.")
    return _(
        "Thank you! Your review will be published once a moderator has read it; "
        "you can follow it on “My reviews”."
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a review of a product (one per member and product)."""
    product = catalog_selectors.product_get(slug=slug)
    existing = selectors.member_review_of(member=request.user, product_id=product.pk)
    if existing is not None and existing.status != ModerationStatus.REMOVED:
        messages.info(request, _("You have already reviewed this product."))
        return redirect("reviews:edit", pk=existing.pk)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_submit(
                    author=request.user,
                    product=product,
                    rating=data["rating"],
                    title=data["title"],
                    body=data["body"],
                    photos=data["photos"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
                status = 403
            else:
                messages.success(request, _published_message(review))
                return redirect(services.review_url(review))
    else:
        form = ReviewForm()
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "product": product, "review": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits their review; anyone else gets 404."""
    review = selectors.review_for_author(review_id=pk, member=request.user)
    if not services.review_can_edit(review):
        messages.error(
            request,
            _("This review is hidden while a moderator looks at it.")
            if review.status == ModerationStatus.HIDDEN
            else _("This review was rejected for a reason that cannot be fixed."),
        )
        return redirect("reviews:mine")
    photos = list(review.photos.all())
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, request.FILES, photos=photos)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_edit(
                    review=review,
                    editor=request.user,
                    rating=data["rating"],
                    title=data["title"],
                    body=data["body"],
                    photos=data["photos"],
                    remove_photo_ids=data.get("remove_photos") or [],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
                status = 403
            else:
                messages.success(
                    request,
                    _("Your review is saved.")
                    if review.status == ModerationStatus.PUBLISHED
                    else _(
                        "Your review is saved and will be published again once a "
                        "moderator has read it."
                    ),
                )
                # Back to the review just edited, which takes the focus.
                return redirect(reverse("reviews:mine") + f"#review-{review.pk}")
    else:
        form = ReviewForm(
            initial={
                "rating": review.rating,
                "title": review.title,
                "body": review.body,
            },
            photos=photos,
        )
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "product": review.product, "review": review, "photos": photos},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete the author's review; anyone else gets 404."""
    review = selectors.review_for_author(review_id=pk, member=request.user)
    if request.method == "POST":
        services.review_delete(review=review, member=request.user)
        messages.success(request, _("Your review is deleted."))
        return redirect("reviews:mine")
    return render(request, "reviews/review_confirm_delete.html", {"review": review})


def _vote_fragments(request: HttpRequest, review_id: int) -> dict[str, str]:
    """The parts of the product page a vote changes: the review's buttons (with
    the voter's choice pressed) and its "found this helpful" line."""
    review = selectors.review_published(review_id=review_id)
    review.viewer_vote = selectors.member_votes_on(
        member=request.user, review_ids=[review.pk]
    ).get(review.pk)
    return {
        f"review-{review.pk}-vote-buttons": render_to_string(
            "reviews/includes/review_vote_buttons.html", {"review": review}, request
        ),
        f"review-{review.pk}-helpful": render_to_string(
            "reviews/includes/review_helpful_count.html", {"review": review}, request
        ),
    }


@login_required
@require_POST
def review_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Helpful / not helpful on a published review.

    A plain POST redirects back to the review on the page it came from. From
    in-place.js (it asks for JSON) the answer is the sentence to show by the
    buttons and their new HTML; a refusal is a sentence there too.
    """
    in_place = wants_in_place(request)
    try:
        review = selectors.review_published(review_id=pk)
    except Http404:
        if not in_place:
            raise
        return in_place_response(
            message=_("This review is no longer shown: reload the page."), status=404
        )
    helpful = request.POST.get("helpful")
    refusal, status = None, 400
    if helpful not in ("yes", "no"):
        refusal = _("Choose helpful or not helpful.")
    else:
        try:
            services.review_vote(
                review=review, voter=request.user, helpful=helpful == "yes"
            )
        except ValidationError as error:
            refusal = " ".join(error.messages)
        except PermissionDenied as error:
            if not in_place:
                raise
            refusal, status = str(error) or _("You may not vote on this review."), 403
    if in_place:
        if refusal:
            return in_place_response(message=refusal, status=status)
        return in_place_response(
            message=_("Thank you, your vote is counted."),
            fragments=_vote_fragments(request, review.pk),
        )
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("Thank you, your vote is counted."))
    fallback = services.review_url(review)
    return redirect(next_url(request, default=fallback))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff answer a published review publicly."""
    review = selectors.review_published(review_id=pk)
    if not request.user.is_staff:
        raise PermissionDenied(_("Only the retailer's staff may answer reviews."))
    existing = getattr(review, "response", None)
    if request.method == "POST":
        form = ResponseForm(request.POST)
        if form.is_valid():
            try:
                services.review_respond(
                    review=review,
                    staff_member=request.user,
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Your answer is published."))
                return redirect(services.review_url(review))
    else:
        form = ResponseForm(initial={"body": existing.body if existing else ""})
    return render(
        request, "reviews/review_respond.html", {"form": form, "review": review}
    )


@login_required
@require_safe
def my_reviews(request: HttpRequest) -> HttpResponse:
    """/me/reviews/: the member's reviews, their status and any rejection reason."""
    page = Paginator(
        selectors.member_reviews(member=request.user), MY_REVIEWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    # What other apps offer the author (ideas: "Suggest an improvement").
    actions = review_author_actions()
    for review in page.object_list:
        review.can_edit = services.review_can_edit(review)
        review.quality_words = review_quality_words(review)
        review.author_actions = actions_for(review, actions)
    return render(request, "reviews/my_reviews.html", {"page_obj": page})


@require_safe
def review_photo(request: HttpRequest, pk: int, thumbnail: bool = False):
    """A review photo, full size or as a thumbnail.

    Public photos redirect to their address under MEDIA_URL. A private one (its
    review is not published) is streamed to its author and moderators only, and
    kept out of shared caches.
    """
    photo = selectors.review_photo_for_viewer(photo_id=pk, viewer=request.user)
    if photo.is_public:
        spec = selectors.PHOTO_THUMB_SPEC if thumbnail else selectors.PHOTO_LARGE_SPEC
        return redirect(photo.image.get_rendition(spec).url)
    if thumbnail:
        with photo.private_file.open("rb") as private:
            response = HttpResponse(
                image_thumbnail(private, size=PHOTO_THUMB_SIZE),
                content_type="image/jpeg",
            )
    else:
        response = FileResponse(photo.private_file.open("rb"))
    patch_cache_control(response, private=True, max_age=600)
    return response


@require_safe
def how_it_works(request: HttpRequest) -> HttpResponse:
    """/reviews/how-it-works/: the rules, from the live configuration, and figures."""
    from community.members.trust import trust_settings

    from . import rewards_info

    moderated_type = moderated_type_for(Review)
    reasons = [
        {"label": label, "fixable": moderated_type.can_fix(code)}
        for code, label in moderated_type.rejection_choices()
    ]
    context = {
        "figures": selectors.review_figures(days=30),
        "reasons": reasons,
        "trust": trust_settings(request),
        "max_photos": services.MAX_PHOTOS,
        "reviews_per_page": REVIEWS_PER_PAGE,
        "quality": {
            "photo_bonus": PHOTO_BONUS,
            "photo_bonus_max": PHOTO_BONUS_MAX,
            "length_bonus_max": LENGTH_BONUS_MAX,
            "length_full": LENGTH_FOR_FULL_BONUS,
            "verified_bonus": VERIFIED_BONUS,
            "max": SCORE_MAX,
        },
        "rewards": rewards_info.rewards_summary(),
        "my_reviews_url": reverse("reviews:mine"),
    }
    return render(request, "reviews/how_it_works.html", context)
