"""How useful a review is to shoppers: the score that sorts reviews and splits rewards.

The score is the Wilson lower bound (95 %, z = 1.96) of the share of readers who
found the review helpful, plus three small bounded bonuses:

- photos: +0.05 per photo, at most +0.15;
- length: from +0.00 to +0.10, growing with the text up to 600 characters;
- verified purchase: +0.10.

So a score lies between 0 and 1.35. The Wilson bound rewards evidence, not luck: one
helpful vote out of one gives 0.21, while 14 of 16 gives 0.64; a review nobody voted on
yet starts from its bonuses alone.

The rating is deliberately not an input of any function here: rewards are paid by
quality score, and they must never depend on whether a review is positive. Scores are
stored as integer ten-thousandths (`QUALITY_SCALE`), so splitting money by score
never touches floats in the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import QUALITY_SCALE

Z_95 = 1.96
PHOTO_BONUS = 0.05
PHOTO_BONUS_MAX = 0.15
LENGTH_BONUS_MAX = 0.10
LENGTH_FOR_FULL_BONUS = 600
VERIFIED_BONUS = 0.10
SCORE_MAX = 1.0 + PHOTO_BONUS_MAX + LENGTH_BONUS_MAX + VERIFIED_BONUS


def wilson_lower_bound(helpful: int, not_helpful: int, *, z: float = Z_95) -> float:
    """Lower bound of the helpful share's confidence interval; 0 with no votes."""
    n = helpful + not_helpful
    if n <= 0:
        return 0.0
    p = helpful / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return max(0.0, (centre - margin) / (1 + z2 / n))


def photo_bonus(photos: int) -> float:
    return min(PHOTO_BONUS_MAX, PHOTO_BONUS * max(0, photos))


def length_bonus(body_length: int) -> float:
    return (
        LENGTH_BONUS_MAX
        * min(max(0, body_length), LENGTH_FOR_FULL_BONUS)
        / (LENGTH_FOR_FULL_BONUS)
    )


def verified_bonus(verified_purchase: bool) -> float:
    return VERIFIED_BONUS if verified_purchase else 0.0


def quality_score(
    *, helpful: int, not_helpful: int, photos: int, body_length: int, verified: bool
) -> int:
    """The score in ten-thousandths (8200 = 0.82), from votes and bonuses only."""
    score = (
        wilson_lower_bound(helpful, not_helpful)
        + photo_bonus(photos)
        + length_bonus(body_length)
        + verified_bonus(verified)
    )
    return round(min(score, SCORE_MAX) * QUALITY_SCALE)


@dataclass(frozen=True)
class QualityExplanation:
    score: int
    sentence: str

    @property
    def value(self) -> float:
        return self.score / QUALITY_SCALE


def quality_explain(
    *,
    score: int,
    helpful: int,
    not_helpful: int,
    photos: int,
    body_length: int,
    verified: bool,
) -> QualityExplanation:
    """One sentence telling an author where their score comes from.

    "Quality 0.82: 14 of 16 readers found it helpful, plus photos and verified
    purchase; the rating never counts."
    """
    votes = helpful + not_helpful
    if votes:
        readers = ngettext(
            "%(helpful)s of %(votes)s reader found it helpful",
            "%(helpful)s of %(votes)s readers found it helpful",
            votes,
        ) % {"helpful": helpful, "votes": votes}
    else:
        readers = _("no reader has voted on it yet")
    extras = []
    if photos:
        extras.append(_("photos"))
    if body_length >= LENGTH_FOR_FULL_BONUS // 2:
        extras.append(_("a detailed text"))
    if verified:
        extras.append(_("verified purchase"))
    if len(extras) > 1:
        extra_text = _("%(first)s and %(last)s") % {
            "first": ", ".join(extras[:-1]),
            "last": extras[-1],
        }
    else:
        extra_text = "".join(extras)
    value = f"{score / QUALITY_SCALE:.2f}"
    if extra_text:
        sentence = _(
            "Quality %(value)s: %(readers)s, plus %(extras)s; the rating never counts."
        ) % {"value": value, "readers": readers, "extras": extra_text}
    else:
        sentence = _("Quality %(value)s: %(readers)s; the rating never counts.") % {
            "value": value,
            "readers": readers,
        }
    return QualityExplanation(score=score, sentence=sentence)


# --- The score in a member's words ------------------------------------------------

PHOTOS_THAT_COUNT = round(PHOTO_BONUS_MAX / PHOTO_BONUS)
# Where each step of the five-step scale starts, in ten-thousandths. The bonuses
# add up to 0.35 at most, so photos, a detailed text and a verified purchase reach
# "fair" and every step above takes readers' votes.
QUALITY_STEPS = (
    (0, gettext_lazy("Quality: just starting")),
    (2000, gettext_lazy("Quality: fair")),
    (4000, gettext_lazy("Quality: good")),
    (6000, gettext_lazy("Quality: very good")),
    (8000, gettext_lazy("Quality: excellent")),
)


@dataclass(frozen=True)
class QualityWords:
    """A review's quality as its author reads it: a step on a scale of five, what
    readers said, what adds to it and what would raise it. `details` is the
    figure behind it, for the curious (`quality_explain`)."""

    step: int
    steps: int
    label: str
    readers: str
    adds: str
    raise_tips: tuple[str, ...]
    details: str


def _quality_step(score: int) -> tuple[int, str]:
    step, label = 1, QUALITY_STEPS[0][1]
    for number, (start, name) in enumerate(QUALITY_STEPS, start=1):
        if score >= start:
            step, label = number, name
    return step, str(label)


def _readers_words(helpful: int, not_helpful: int) -> str:
    votes = helpful + not_helpful
    if not votes:
        return _("No reader has voted on it yet.")
    return ngettext(
        "Helpful to %(helpful)s reader out of %(votes)s.",
        "Helpful to %(helpful)s readers out of %(votes)s.",
        helpful,
    ) % {"helpful": helpful, "votes": votes}


def _raise_tips(*, photos: int, body_length: int, verified: bool) -> list[str]:
    tips = []
    if photos <= 0:
        tips.append(
            _("Add a photo: each one counts, up to %(max)s.")
            % {"max": PHOTOS_THAT_COUNT}
        )
    elif photos < PHOTOS_THAT_COUNT:
        more = PHOTOS_THAT_COUNT - photos
        tips.append(
            ngettext(
                "Add %(count)s more photo: up to %(max)s count.",
                "Add up to %(count)s more photos: up to %(max)s count.",
                more,
            )
            % {"count": more, "max": PHOTOS_THAT_COUNT}
        )
    if body_length < LENGTH_FOR_FULL_BONUS:
        tips.append(
            _(
                "Say more about how you use it: the text counts more up to "
                "%(full)s characters (yours has %(length)s)."
            )
            % {"full": LENGTH_FOR_FULL_BONUS, "length": max(0, body_length)}
        )
    if not verified:
        tips.append(
            _(
                "Bought it with your loyalty card or e-mail address? The purchase "
                "is checked again, and counts, each time you save the review."
            )
        )
    tips.append(
        _(
            "Readers' votes count most: say what you would have wanted to know "
            "before buying."
        )
    )
    return tips


def quality_words(
    *,
    score: int,
    helpful: int,
    not_helpful: int,
    photos: int,
    body_length: int,
    verified: bool,
) -> QualityWords:
    """The score as words and a scale an author can act on.

    "Quality: good (3 of 5). Helpful to 3 readers out of 4. What adds to it:
    photos." then what would raise it, from the bonuses `quality_score` counts.
    """
    step, label = _quality_step(score)
    extras = []
    if photos > 0:
        extras.append(_("photos"))
    if body_length >= LENGTH_FOR_FULL_BONUS // 2:
        extras.append(_("a detailed text"))
    if verified:
        extras.append(_("the verified purchase"))
    adds = ""
    if extras:
        listed = extras[0]
        if len(extras) > 1:
            listed = _("%(first)s and %(last)s") % {
                "first": ", ".join(extras[:-1]),
                "last": extras[-1],
            }
        adds = _("What adds to it: %(extras)s.") % {"extras": listed}
    return QualityWords(
        step=step,
        steps=len(QUALITY_STEPS),
        label=label,
        readers=_readers_words(helpful, not_helpful),
        adds=adds,
        raise_tips=tuple(
            _raise_tips(photos=photos, body_length=body_length, verified=verified)
        ),
        details=quality_explain(
            score=score,
            helpful=helpful,
            not_helpful=not_helpful,
            photos=photos,
            body_length=body_length,
            verified=verified,
        ).sentence,
    )
