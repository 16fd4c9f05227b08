"""Who is told what when an idea moves on.

- Its **originators** (the author and the co-originators who accepted) hear of
  every step, in the app and by e-mail ("decisions" category): one
  `notification_send` each, in the lifecycle's transaction.
- Its **supporters** hear when it advances a stage, goes to the review board, is
  decided, launched, expires, is merged or withdrawn: in the app only, from one
  background job per step (`notifications_send_many`), keyed
  `idea-<id>-<state>-<stage>` so that a step replayed notifies once.

Everything here runs inside the lifecycle's transaction: if it rolls back, no
notification, e-mail or job is left behind. Kinds: idea_opened, idea_advanced,
idea_in_review, idea_decided, idea_launched, idea_expired, idea_merged,
idea_withdrawn.
"""

from __future__ import annotations

from django.urls import NoReverseMatch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.notifications.services import (
    notification_send,
    notifications_send_many,
)

from .models import Idea, IdeaOriginator, IdeasSettings, IdeaState, IdeaSupport

EMAIL_CATEGORY = "decisions"


def _url(idea: Idea) -> str:
    try:
        return idea.get_absolute_url()
    except NoReverseMatch:
        # A site without the ideas URLs (a test of the app alone): the
        # notification still says what happened.
        return ""


def _originator_ids(idea: Idea) -> list[int]:
    ids = set(
        IdeaOriginator.objects.filter(idea=idea, accepted_at__isnull=False)
        .order_by()
        .values_list("member_id", flat=True)
    )
    ids.add(idea.author_id)
    return sorted(ids)


def _originators_tell(idea: Idea, *, kind: str, title: str, body: str = "") -> None:
    """The author and accepted co-originators, in the app and by e-mail."""
    from django.contrib.auth import get_user_model

    members = get_user_model().objects.filter(
        pk__in=_originator_ids(idea), is_active=True
    )
    for member in members.order_by("pk"):
        notification_send(
            recipient=member,
            kind=kind,
            title=title,
            body=body,
            url=_url(idea),
            email=True,
            email_category=EMAIL_CATEGORY,
        )


def _supporters_tell(
    idea: Idea,
    *,
    kind: str,
    title: str,
    body: str = "",
    member_ids=None,
    url: str | None = None,
) -> None:
    """Every supporter but the originators (told apart), from one background job."""
    if member_ids is None:
        member_ids = IdeaSupport.objects.filter(idea=idea).values_list(
            "member_id", flat=True
        )
    recipients = set(member_ids) - set(_originator_ids(idea))
    if not recipients:
        return
    notifications_send_many(
        recipient_ids=sorted(recipients),
        kind=kind,
        title=title,
        body=body,
        url=_url(idea) if url is None else url,
        key=f"idea-{idea.pk}-{idea.state}-{idea.stage}",
    )


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def idea_opened_notify(idea: Idea, *, stages: list[tuple[int, int]]) -> None:
    """The author's idea is open for support: the first threshold and its date."""
    body = ""
    if stages and idea.stage_deadline:
        body = _("Gather %(count)s supporters by %(date)s to reach the next stage.") % {
            "count": stages[0][0],
            "date": _day(idea.stage_deadline),
        }
    _originators_tell(
        idea,
        kind="idea_opened",
        title=_("Your idea “%(title)s” is open for support") % {"title": idea.title},
        body=body,
    )


def idea_advanced_notify(idea: Idea, *, reached: int, reason: str) -> None:
    """The idea reached a stage that is not the last."""
    title = _("“%(title)s” reached %(count)s supporters") % {
        "title": idea.title,
        "count": reached,
    }
    _originators_tell(idea, kind="idea_advanced", title=title, body=reason)
    _supporters_tell(idea, kind="idea_advanced", title=title, body=reason)


def _board_sentence() -> str:
    board = IdeasSettings.load().next_review_board
    if board:
        return _("The review board meets next on %(date)s.") % {"date": _day(board)}
    return _("The review board will look at it at its next meeting.")


def idea_in_review_notify(idea: Idea, *, reason: str) -> None:
    """The idea reached its last stage and goes to the review board."""
    title = _("“%(title)s” goes to the review board") % {"title": idea.title}
    body = f"{reason} {_board_sentence()}"
    _originators_tell(idea, kind="idea_in_review", title=title, body=body)
    _supporters_tell(idea, kind="idea_in_review", title=title, body=body)


def _decision_title(idea: Idea) -> str:
    titles = {
        IdeaState.ACCEPTED: _("The review board accepted “%(title)s”"),
        IdeaState.DECLINED: _("The review board declined “%(title)s”"),
        IdeaState.ON_HOLD: _("The review board put “%(title)s” on hold"),
    }
    return titles[idea.state] % {"title": idea.title}


def idea_decided_notify(idea: Idea, *, reason: str) -> None:
    """The board decided (accepted, declined, on hold), with its public reason."""
    title = _decision_title(idea)
    body = _("The board's reason: %(reason)s") % {"reason": reason}
    supporters_body = body
    if idea.state == IdeaState.DECLINED:
        supporters_body = "\n".join(
            [body, _("Your support is back in your budget: support another idea.")]
        )
    _originators_tell(idea, kind="idea_decided", title=title, body=body)
    _supporters_tell(idea, kind="idea_decided", title=title, body=supporters_body)


def idea_development_notify(idea: Idea, *, reason: str) -> None:
    """An accepted idea went into development: its originators are told."""
    _originators_tell(
        idea,
        kind="idea_decided",
        title=_("“%(title)s” is in development") % {"title": idea.title},
        body=reason,
    )


def idea_launched_notify(idea: Idea, *, product, reason: str) -> None:
    """The idea is a product on sale; its originators earn on every sale."""
    title = _("“%(title)s” is on sale: %(product)s") % {
        "title": idea.title,
        "product": product.name,
    }
    _originators_tell(
        idea,
        kind="idea_launched",
        title=title,
        body="\n".join(
            [
                reason,
                _(
                    "From now on you earn your share of the royalty on every sale; "
                    "your wallet shows it after each monthly close."
                ),
            ]
        ),
    )
    _supporters_tell(
        idea,
        kind="idea_launched",
        title=title,
        body=_("Thank you for your support: it is back in your budget."),
    )


def idea_expired_notify(idea: Idea, *, reason: str) -> None:
    """The idea missed its stage's deadline."""
    title = _("“%(title)s” did not gather enough support in time") % {
        "title": idea.title
    }
    _originators_tell(idea, kind="idea_expired", title=title, body=reason)
    _supporters_tell(
        idea,
        kind="idea_expired",
        title=title,
        body="\n".join(
            [reason, _("Your support is back in your budget: support another idea.")]
        ),
    )


def idea_withdrawn_notify(idea: Idea) -> None:
    """Its author withdrew an open idea: its supporters get their support back."""
    _supporters_tell(
        idea,
        kind="idea_withdrawn",
        title=_("“%(title)s” was withdrawn by its author") % {"title": idea.title},
        body=_("Your support is back in your budget: support another idea."),
        url="",
    )


def idea_merged_notify(
    duplicate: Idea,
    *,
    original: Idea,
    supporter_ids: list[int],
    invited: IdeaOriginator | None,
) -> None:
    """Both authors, and the duplicate's supporters: their support now counts for
    the original (or, if they supported both, is back in their budget)."""
    names = {"duplicate": duplicate.title, "original": original.title}
    title = _("“%(duplicate)s” was merged into “%(original)s”") % names
    duplicate_body = (
        _(
            "A moderator found that your idea says the same as “%(original)s”: its "
            "supporters now count for it."
        )
        % names
    )
    if invited is not None:
        duplicate_body += " " + _(
            "You are invited to be one of its co-originators: accept it on the "
            "idea's page."
        )
    else:
        duplicate_body += " " + _("Its author may name you as a co-originator.")
    _originators_tell(duplicate, kind="idea_merged", title=title, body=duplicate_body)
    original_body = _(
        "Its supporters now count for your idea. Its author, %(name)s, had the "
        "same idea: you may name them as a co-originator."
    ) % {"name": duplicate.author.public_name}
    if invited is not None:
        original_body = _(
            "Its supporters now count for your idea, and its author, %(name)s, is "
            "invited as a co-originator with 10 %% taken from your share."
        ) % {"name": duplicate.author.public_name}
    _originators_tell(original, kind="idea_merged", title=title, body=original_body)
    _supporters_tell(
        duplicate,
        kind="idea_merged",
        title=title,
        body=_(
            "Your support now counts for “%(original)s” (if you supported both, "
            "one is back in your budget)."
        )
        % names,
        member_ids=supporter_ids,
        url=_url(original),
    )
