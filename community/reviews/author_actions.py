"""What other apps offer a review's author on "My reviews" (docs/architecture.md,
point 8).

Reviews know no other kind of content. An app that lets the author do something
from one of their reviews (ideas: "Suggest an improvement" from a disappointed
review) registers a `ReviewAuthorAction` in its `wagtail_hooks.py`:

    @hooks.register(REVIEW_AUTHOR_ACTION_HOOK)
    def suggest_improvement():
        return SuggestImprovementAction()

The actions show on /me/reviews/ only, the author's own page, never on the
public review card (which is cached and the same for everyone).
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

REVIEW_AUTHOR_ACTION_HOOK = "register_review_author_action"


class ReviewAuthorAction:
    """A link offered to a review's author next to one of their reviews.

    `label` is the link's text; `url(review)` where it goes; `applies(review)`
    whether it is offered for this review (default: always). Both run once per
    review of the page: they must not query the database.
    """

    name: str = ""
    label: str = ""
    order: int = 100

    def url(self, review) -> str:
        raise NotImplementedError

    def applies(self, review) -> bool:
        return True


@dataclass(frozen=True)
class ShownAction:
    label: str
    url: str


def review_author_actions() -> list[ReviewAuthorAction]:
    """The registered actions, in `order` (then by name)."""
    actions = [register() for register in hooks.get_hooks(REVIEW_AUTHOR_ACTION_HOOK)]
    return sorted(actions, key=lambda action: (action.order, action.name))


def actions_for(review, actions: list[ReviewAuthorAction]) -> list[ShownAction]:
    """The actions that apply to one review, as label and URL."""
    return [
        ShownAction(label=str(action.label), url=action.url(review))
        for action in actions
        if action.applies(review)
    ]
