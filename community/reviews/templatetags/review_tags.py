from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

# Built without the template engine: the product page shows them on every
# review a member sees, and an include each cost most of a millisecond.
_VOTE_BUTTONS = (
    '<span class="review-vote-buttons" id="review-{pk}-vote-buttons">\n'
    '  <button type="submit" name="helpful" value="yes"'
    ' class="button-secondary{yes_class}" aria-pressed="{yes_pressed}">'
    "{helpful} ({helpful_count})</button>\n"
    '  <button type="submit" name="helpful" value="no"'
    ' class="button-secondary{no_class}" aria-pressed="{no_pressed}">'
    "{not_helpful} ({not_helpful_count})</button>\n"
    "</span>"
)
_VOTE_FORM = (
    '<form method="post" action="{action}" class="review-vote" data-in-place'
    ' data-in-place-status="review-{pk}-vote-status" data-in-place-error="{error}">'
    "{csrf}\n"
    '              <input type="hidden" name="next" value="{next}#review-{pk}">\n'
    "              {buttons}\n\n"
    '              <span class="in-place-status" id="review-{pk}-vote-status"'
    ' role="status" aria-live="polite"></span>\n'
    "            </form>"
)


@register.filter
def stars(rating) -> str:
    """{{ review.rating|stars }} → "★★★★☆" (give the number in words next to it)."""
    try:
        value = max(0, min(5, round(float(rating))))
    except (TypeError, ValueError):
        return ""
    return "★" * value + "☆" * (5 - value)


@register.simple_tag
def review_vote_buttons(review) -> SafeString:
    """The "Helpful" / "Not helpful" buttons of a review with their counts, the
    viewer's vote (`review.viewer_vote`: True, False or None) pressed."""
    vote = getattr(review, "viewer_vote", None)
    return format_html(
        _VOTE_BUTTONS,
        pk=review.pk,
        yes_class=" is-chosen" if vote is True else "",
        yes_pressed="true" if vote is True else "false",
        helpful=gettext("Helpful"),
        helpful_count=localize(review.helpful_count),
        no_class=" is-chosen" if vote is False else "",
        no_pressed="true" if vote is False else "false",
        not_helpful=gettext("Not helpful"),
        not_helpful_count=localize(review.not_helpful_count),
    )


@register.simple_tag(takes_context=True)
def review_vote_form(context, review, next_url: str) -> SafeString:
    """The form a member votes on a review with: posted in place by
    in-place.js (the count changes, the focus stays on the button), a plain
    POST back to `next_url` at the review without it."""
    return format_html(
        _VOTE_FORM,
        action=reverse("reviews:vote", args=[review.pk]),
        pk=review.pk,
        error=gettext(
            "Your vote could not be sent. Check your connection and try again."
        ),
        csrf=CsrfTokenNode().render(context),
        next=next_url,
        buttons=review_vote_buttons(review),
    )
