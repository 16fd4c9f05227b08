"""Proposing and editing ideas: the rules, the limits and every refusal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from community.ideas.models import (
    BASIS_POINTS,
    Idea,
    IdeaOriginator,
    IdeaPhoto,
    IdeasSettings,
    IdeaState,
)
from community.ideas.moderation import (
    COMMENT_POSTING_KIND,
    IDEA_POSTING_KIND,
    idea_trust_facts,
)
from community.ideas.services import (
    idea_can_edit,
    idea_create,
    idea_edit,
    idea_submit,
)
from community.members.models import PostingRecord
from community.members.trust import HELPFUL_VOTES
from community.moderation.models import (
    ModerationAction,
    ModerationStatus,
    QueueEntry,
    Suspension,
)
from community.moderation.registry import RejectionReason, moderated_type_for
from community.moderation.services import moderation_decide
from community.reviews.models import Review
from comptoir.uploads import private_media_storage
from tests.comptoir import image_files
from tests.factories import MemberFactory, ProductFactory

from .conftest import PROBLEM, PROPOSAL, aged, make_idea, photo_upload

TITLE = "Coffre à outils ventilé"


def propose(author, **overrides):
    fields = {"title": TITLE, "problem": PROBLEM, "proposal": PROPOSAL}
    fields.update(overrides)
    return idea_create(author=author, **fields)


def queued(content) -> bool:
    return QueueEntry.objects.filter(
        object_id=content.pk,
        content_type__model=content._meta.model_name,
        closed_at=None,
    ).exists()


@pytest.fixture
def suspended(db):
    member = aged(
        MemberFactory(display_name="Suspendu", slug="suspendu", trust_level=2)
    )
    Suspension.objects.create(
        member=member,
        until=timezone.now() + dt.timedelta(days=7),
        reason="Insultes répétées",
    )
    return member


# --- Proposing -------------------------------------------------------------------


def test_trusted_member_idea_opens_at_once(author):
    idea = propose(author, tags=["Jardin", "rangement"])

    assert idea.state == IdeaState.OPEN
    assert idea.status == ModerationStatus.PUBLISHED
    assert idea.is_public
    assert not queued(idea)
    assert sorted(idea.tags.names()) == ["jardin", "rangement"]
    [origin] = IdeaOriginator.objects.filter(idea=idea)
    assert (origin.member, origin.share_bp) == (author, BASIS_POINTS)
    assert origin.accepted_at is not None
    assert PostingRecord.objects.filter(member=author, kind=IDEA_POSTING_KIND).count()


def test_premoderated_newcomer_idea_goes_pending_and_in_the_queue(newcomer):
    idea = propose(newcomer)

    assert idea.state == IdeaState.PENDING
    assert idea.status == ModerationStatus.PENDING
    assert not idea.is_public
    assert queued(idea)
    assert idea.history.filter(to_state=IdeaState.PENDING).exists()


def test_moderators_approval_opens_a_pending_idea(newcomer, moderator):
    idea = propose(newcomer)

    moderation_decide(
        moderator=moderator, entries_or_contents=[idea], action=ModerationAction.APPROVE
    )

    idea.refresh_from_db()
    assert idea.status == ModerationStatus.PUBLISHED
    assert idea.state == IdeaState.OPEN
    assert not queued(idea)


def test_a_draft_waits_until_its_author_sends_it(author):
    draft = propose(author, submit=False)

    assert draft.state == IdeaState.DRAFT
    assert not queued(draft)
    # A draft is not a post yet: the limits count it when it is sent.
    assert not PostingRecord.objects.filter(member=author).exists()

    sent = idea_submit(idea=draft, member=author)

    assert sent.state == IdeaState.OPEN
    assert PostingRecord.objects.filter(member=author, kind=IDEA_POSTING_KIND).exists()
    with pytest.raises(ValidationError, match="already been sent"):
        idea_submit(idea=sent, member=author)


def test_only_the_author_sends_a_draft(author, supporter):
    draft = propose(author, submit=False)

    with pytest.raises(PermissionDenied):
        idea_submit(idea=draft, member=supporter)


def test_empty_title_is_answered_in_words_and_nothing_is_written(author):
    with pytest.raises(ValidationError) as error:
        propose(author, title="   ")

    assert "title" in error.value.message_dict
    assert "at least 3 characters" in error.value.message_dict["title"][0]
    assert not Idea.objects.exists()


def test_a_hundred_thousand_characters_are_refused_with_the_count(author):
    with pytest.raises(ValidationError) as error:
        propose(author, proposal="a" * 100_000)

    [message] = error.value.message_dict["proposal"]
    assert "10,000" in message and "100,000" in message
    assert not Idea.objects.exists()


def test_every_field_mistake_is_reported_at_once(author):
    with pytest.raises(ValidationError) as error:
        propose(
            author,
            title="x" * 121,
            problem="court",
            proposal="",
            tags=["t" * 51],
        )

    assert set(error.value.message_dict) == {"title", "problem", "proposal", "tags"}


def test_nul_characters_are_stripped(author):
    idea = propose(author, title="Coffre\x00 ventilé", proposal=PROPOSAL + "\x00")

    assert idea.title == "Coffre ventilé"
    assert "\x00" not in idea.proposal


def test_tags_are_lower_cased_without_repeats_and_at_most_ten(author):
    idea = propose(author, tags="Jardin, JARDIN, , outils ")
    assert sorted(idea.tags.names()) == ["jardin", "outils"]

    with pytest.raises(ValidationError, match="10 tags at most"):
        propose(author, title="Une autre idée", tags=[f"tag{n}" for n in range(11)])


def test_photos_are_re_encoded_private_files(author):
    idea = propose(author, photos=[photo_upload(), photo_upload("PNG")])

    photos = list(IdeaPhoto.objects.filter(idea=idea))
    assert [photo.position for photo in photos] == [0, 1]
    storage = private_media_storage()
    for photo in photos:
        assert storage.exists(photo.file.name)
        # A random name of ours, not the member's file name.
        assert "photo" not in photo.file.name.rsplit("/", 1)[-1]


def test_seven_photos_are_refused(author):
    with pytest.raises(ValidationError, match="6 photos at most"):
        propose(author, photos=[photo_upload() for _ in range(7)])
    assert not Idea.objects.exists()


def test_a_gif_is_refused_by_name(author):
    gif = SimpleUploadedFile("anim.gif", image_files.gif(), content_type="image/gif")

    with pytest.raises(ValidationError) as error:
        propose(author, photos=[gif])

    assert "anim.gif" in error.value.message_dict["photos"][0]
    assert not Idea.objects.exists()


def test_suspended_member_cannot_propose(suspended):
    with pytest.raises(PermissionDenied, match="suspended"):
        propose(suspended)
    assert not Idea.objects.exists()


def test_newcomer_links_are_refused(newcomer):
    with pytest.raises(ValidationError, match="Links"):
        propose(newcomer, proposal=PROPOSAL + " https://exemple.fr")
    assert not Idea.objects.exists()


def test_anonymous_visitor_cannot_propose(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        propose(AnonymousUser())


# --- Ideas per day ---------------------------------------------------------------


def _posted(member, *, hours_ago, kind=IDEA_POSTING_KIND, n=1):
    for _ in range(n):
        record = PostingRecord.objects.create(member=member, kind=kind)
        record.created_at = timezone.now() - dt.timedelta(hours=hours_ago)
        record.save(update_fields=["created_at"])


def test_ideas_per_day_counts_a_rolling_24_hours(author):
    settings = IdeasSettings.load()
    settings.ideas_per_day = 2
    settings.save()
    _posted(author, hours_ago=30)  # outside the window
    _posted(author, hours_ago=5, n=2)

    with pytest.raises(PermissionDenied, match="at most 2 ideas in 24 hours"):
        propose(author)
    assert not Idea.objects.exists()

    # Comments are counted apart.
    PostingRecord.objects.filter(kind=IDEA_POSTING_KIND).update(
        kind=COMMENT_POSTING_KIND
    )
    assert propose(author).pk


def test_staff_are_not_held_to_ideas_per_day(staff):
    _posted(staff, hours_ago=1, n=5)

    assert propose(staff).state == IdeaState.OPEN


# --- From a review -----------------------------------------------------------------


def _review(author, rating):
    return Review.objects.create(
        product=ProductFactory(),
        author=author,
        rating=rating,
        title="Déçu",
        body="Le couvercle ferme mal et l'humidité rentre quand même.",
        status=ModerationStatus.PUBLISHED,
    )


def test_a_disappointed_review_suggests_an_improvement(author):
    review = _review(author, 2)

    idea = propose(author, from_review=review)

    assert idea.from_review == review


def test_only_the_reviews_author_and_only_three_stars_or_fewer(author, supporter):
    with pytest.raises(PermissionDenied):
        propose(supporter, from_review=_review(author, 2))
    with pytest.raises(ValidationError, match="3 stars or fewer"):
        propose(author, from_review=_review(author, 4))
    assert not Idea.objects.exists()


# --- Editing -----------------------------------------------------------------------


def test_author_edits_an_open_idea_and_its_photos(author):
    idea = propose(author, photos=[photo_upload(), photo_upload()])
    first, second = IdeaPhoto.objects.filter(idea=idea)

    edited = idea_edit(
        idea=idea,
        member=author,
        title="Coffre ventilé, version 2",
        problem=PROBLEM,
        proposal=PROPOSAL,
        tags=["Remise"],
        photos=[photo_upload("WEBP")],
        remove_photo_ids=[first.pk, "nonsense"],
    )

    assert edited.title == "Coffre ventilé, version 2"
    assert edited.state == IdeaState.OPEN
    assert list(edited.tags.names()) == ["remise"]
    photos = list(IdeaPhoto.objects.filter(idea=idea))
    assert [(photo.pk == second.pk, photo.position) for photo in photos] == [
        (True, 0),
        (False, 1),
    ]


def test_edits_count_the_photos_kept(author):
    idea = propose(author, photos=[photo_upload() for _ in range(5)])

    with pytest.raises(ValidationError, match="6 photos at most"):
        idea_edit(
            idea=idea,
            member=author,
            title=TITLE,
            problem=PROBLEM,
            proposal=PROPOSAL,
            photos=[photo_upload(), photo_upload()],
        )
    assert IdeaPhoto.objects.filter(idea=idea).count() == 5


def test_premoderated_authors_edit_waits_but_the_idea_stays_open(supporter):
    idea = make_idea(supporter)

    edited = idea_edit(
        idea=idea,
        member=supporter,
        title="Coffre ventilé et fermé",
        problem=PROBLEM,
        proposal=PROPOSAL,
    )

    assert edited.status == ModerationStatus.PENDING
    assert edited.state == IdeaState.OPEN
    assert queued(edited)


def test_only_the_author_edits(author, supporter):
    idea = make_idea(author)

    with pytest.raises(PermissionDenied):
        idea_edit(
            idea=idea, member=supporter, title=TITLE, problem=PROBLEM, proposal=PROPOSAL
        )


@pytest.mark.parametrize(
    "state", [IdeaState.IN_REVIEW, IdeaState.ACCEPTED, IdeaState.EXPIRED]
)
def test_an_idea_past_open_cannot_be_edited(author, state):
    idea = make_idea(author, state=state)

    assert not idea_can_edit(idea)
    with pytest.raises(ValidationError, match="can no longer be edited"):
        idea_edit(
            idea=idea, member=author, title=TITLE, problem=PROBLEM, proposal=PROPOSAL
        )


def test_hidden_or_unfixably_rejected_ideas_cannot_be_edited(author):
    hidden = make_idea(author)
    Idea.objects.filter(pk=hidden.pk).update(status=ModerationStatus.HIDDEN)
    hidden.refresh_from_db()
    rejected = make_idea(author, title="Pub", state=IdeaState.PENDING)
    Idea.objects.filter(pk=rejected.pk).update(
        status=ModerationStatus.REJECTED, rejection_reason=RejectionReason.SPAM
    )
    rejected.refresh_from_db()

    for idea, message in ((hidden, "hidden"), (rejected, "refused")):
        with pytest.raises(ValidationError, match=message):
            idea_edit(
                idea=idea,
                member=author,
                title=TITLE,
                problem=PROBLEM,
                proposal=PROPOSAL,
            )


def test_a_fixably_rejected_pending_idea_is_resubmitted(supporter, moderator):
    idea = propose(supporter)
    moderation_decide(
        moderator=moderator,
        entries_or_contents=[idea],
        action=ModerationAction.REJECT,
        reason=RejectionReason.PERSONAL_DATA,
    )
    idea.refresh_from_db()
    assert idea_can_edit(idea)

    edited = idea_edit(
        idea=idea,
        member=supporter,
        title=TITLE,
        problem=PROBLEM,
        proposal=PROPOSAL + " Sans mon numéro.",
    )

    assert edited.status == ModerationStatus.PENDING
    assert queued(edited)


# --- Moderated type and trust facts ------------------------------------------------


def test_ideas_and_comments_are_registered_moderated_types():
    from community.ideas.models import IdeaComment, IdeaRejectionReason

    idea_type = moderated_type_for(Idea)
    comment_type = moderated_type_for(IdeaComment)

    assert (idea_type.posting_kind, comment_type.posting_kind) == (
        "idea",
        "idea_comment",
    )
    assert idea_type.name(2) == "product ideas"
    assert IdeaRejectionReason.NOT_A_PRODUCT in dict(idea_type.rejection_choices())
    assert idea_type.can_fix(IdeaRejectionReason.NOT_A_PRODUCT)
    assert not idea_type.can_fix(IdeaRejectionReason.UNSAFE)
    assert "copied" in dict(idea_type.report_choices())


def test_queue_previews_render(author, supporter):
    idea = propose(author, tags=["jardin"], photos=[photo_upload()])
    html = render_to_string("ideas/moderation_preview.html", {"content": idea})
    assert TITLE in html and "jardin" in html

    from community.ideas.models import IdeaComment

    comment = IdeaComment(idea=idea, author=supporter, body="**Bravo** <script>")
    html = render_to_string(
        "ideas/comment_moderation_preview.html", {"content": comment}
    )
    assert "<strong>Bravo</strong>" in html and "<script>" not in html


def test_supporters_gathered_count_as_helpful_votes(author):
    make_idea(author, supporter_count=7)
    make_idea(author, title="En attente", state=IdeaState.PENDING, supporter_count=3)

    assert idea_trust_facts(author) == {HELPFUL_VOTES: 7}


def test_a_trusted_authors_fixed_idea_opens_once_edited(author):
    idea = make_idea(author, state=IdeaState.PENDING)
    Idea.objects.filter(pk=idea.pk).update(
        status=ModerationStatus.REJECTED,
        rejection_reason=RejectionReason.PERSONAL_DATA,
    )
    idea.refresh_from_db()

    edited = idea_edit(
        idea=idea, member=author, title=TITLE, problem=PROBLEM, proposal=PROPOSAL
    )

    assert (edited.status, edited.state) == (ModerationStatus.PUBLISHED, IdeaState.OPEN)
    assert edited.stage_deadline is not None
