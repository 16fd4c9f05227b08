"""Ideas in members' data rights: what /me/data/ exports and /me/delete/ erases.

Erasure runs through members' `member_data_erase`, every registered section in
one transaction, as the site and `manage.py member_data erase` run it.
"""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from community.ideas.models import (
    BASIS_POINTS,
    Idea,
    IdeaComment,
    IdeaOriginator,
    IdeaPhoto,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.members.member_data import (
    member_data_erase,
    member_data_erase_summary,
    member_data_export,
    member_data_files,
    member_data_sections,
)
from community.moderation.models import ModerationStatus, QueueEntry
from community.moderation.services import content_submit
from tests.community.members.conftest import PASSWORD
from tests.community.members.test_data_rights import rows_carrying
from tests.factories import MemberFactory

from .conftest import aged, make_idea, members, photo_upload

pytestmark = pytest.mark.django_db

EMAIL = "zoe.quillard@example.fr"
DISPLAY_NAME = "Zoé Jardin"


@pytest.fixture
def zoe(db):
    """A trusted member with a confirmed address, who will leave."""
    zoe = aged(
        MemberFactory(
            email=EMAIL,
            display_name=DISPLAY_NAME,
            slug="zoe-jardin",
            first_name="Zoéline",
            last_name="Quillard",
            trust_level=2,
        )
    )
    EmailAddress.objects.create(user=zoe, email=EMAIL, verified=True, primary=True)
    return zoe


def support(idea, member, *, days_ago=0):
    """A support as `idea_support` leaves it: a row, and the counts moved."""
    created = timezone.now() - dt.timedelta(days=days_ago)
    released = None if idea.state in {IdeaState.OPEN, IdeaState.IN_REVIEW} else created
    IdeaSupport.objects.create(
        idea=idea, member=member, created_at=created, released_at=released
    )
    Idea.objects.filter(pk=idea.pk).update(
        supporter_count=IdeaSupport.objects.filter(idea=idea).count(),
        recent_supporter_count=IdeaSupport.objects.filter(
            idea=idea, created_at__gte=timezone.now() - dt.timedelta(days=14)
        ).count(),
    )


def comment(idea, author, body, *, status=ModerationStatus.PUBLISHED):
    made = IdeaComment.objects.create(
        idea=idea, author=author, body=body, status=status
    )
    Idea.objects.filter(pk=idea.pk).update(
        comment_count=IdeaComment.objects.filter(
            idea=idea, status=ModerationStatus.PUBLISHED
        ).count()
    )
    return made


def co_originate(idea, member, share_bp, *, accepted=True):
    """The author gives `share_bp` of their share to `member`."""
    IdeaOriginator.objects.filter(idea=idea, member=idea.author).update(
        share_bp=BASIS_POINTS - share_bp
    )
    return IdeaOriginator.objects.create(
        idea=idea,
        member=member,
        share_bp=share_bp,
        accepted_at=timezone.now() if accepted else None,
    )


def counts_equal_rows():
    """Every idea's supporter and comment counts are its rows."""
    for idea in Idea.objects.all():
        assert idea.supporter_count == idea.supports.count(), idea
        published = idea.comments.filter(status=ModerationStatus.PUBLISHED).count()
        assert idea.comment_count == published, idea


def erase(member, *, delete_public=(), capture):
    with capture(execute=True):
        return member_data_erase(member=member, by=member, delete_public=delete_public)


@pytest.fixture
def world(zoe, author, supporter, newcomer):
    """Zoé in every corner of ideas; Inès (author) and Paul (supporter) stay."""
    now = timezone.now()
    # her own ideas: open with a photo and tags, a draft, one pending moderation,
    # one in review, one accepted, one launched
    mine = make_idea(zoe, title="Bac à compost pliant")
    mine.tags.add("compost", "balcon")
    IdeaPhoto.objects.create(idea=mine, file=photo_upload())
    IdeaStateChange.objects.create(
        idea=mine, from_state=IdeaState.PENDING, to_state=IdeaState.OPEN, by=None
    )
    draft = make_idea(zoe, title="Brouillon", state=IdeaState.DRAFT)
    pending = make_idea(zoe, title="En attente", state=IdeaState.DRAFT)
    zoe.trust_level = 0
    zoe.save(update_fields=["trust_level"])
    with transaction.atomic():
        content_submit(content=pending)
        Idea.objects.filter(pk=pending.pk).update(state=IdeaState.PENDING)
    zoe.trust_level = 2
    zoe.save(update_fields=["trust_level"])
    reviewed = make_idea(zoe, title="Tuteur réglable", state=IdeaState.IN_REVIEW)
    accepted = make_idea(
        zoe, title="Arrosoir à bec fin", state=IdeaState.ACCEPTED, shares_frozen_at=now
    )
    launched = make_idea(
        zoe, title="Griffe à désherber", state=IdeaState.LAUNCHED, shares_frozen_at=now
    )
    for idea in (mine, reviewed):
        support(idea, supporter)
    # others' ideas she supports, comments on and co-originates
    theirs = make_idea(author, title="Coffre à outils ventilé")
    closed = make_idea(author, title="Seau pliant", state=IdeaState.DECLINED)
    theirs_launched = make_idea(
        author, title="Gants doublés", state=IdeaState.LAUNCHED, shares_frozen_at=now
    )
    support(theirs, zoe, days_ago=2)
    support(theirs, supporter, days_ago=20)
    support(closed, zoe)
    co_originate(theirs, zoe, 2_500)
    co_originate(theirs_launched, zoe, 3_000)
    invited = make_idea(author, title="Banc de rempotage")
    co_originate(invited, zoe, 1_000, accepted=False)
    published = comment(theirs, zoe, "Avec des crochets **amovibles**, parfait.")
    comment(theirs, supporter, "D'accord avec la remarque au-dessus.")
    waiting = comment(theirs, zoe, "Et en métal ?", status=ModerationStatus.PENDING)
    comment(mine, supporter, "Je le prendrais pour mon balcon.")
    return {
        "mine": mine,
        "draft": draft,
        "pending": pending,
        "reviewed": reviewed,
        "accepted": accepted,
        "launched": launched,
        "theirs": theirs,
        "closed": closed,
        "theirs_launched": theirs_launched,
        "invited": invited,
        "published": published,
        "waiting": waiting,
    }


def ideas_section():
    [section] = [s for s in member_data_sections() if s.name == "ideas"]
    return section


# --- export ---------------------------------------------------------------------------


def test_the_export_holds_her_ideas_comments_supports_and_originations(zoe, world):
    data = member_data_export(member=zoe)["sections"]["ideas"]

    titles = [idea["title"] for idea in data["ideas"]]
    assert titles == [
        "Bac à compost pliant",
        "Brouillon",
        "En attente",
        "Tuteur réglable",
        "Arrosoir à bec fin",
        "Griffe à désherber",
    ]
    mine = data["ideas"][0]
    assert mine["state"] == "open" and mine["tags"] == ["balcon", "compost"]
    assert mine["history"] == [
        {
            "from": "pending",
            "to": "open",
            "by_you": False,
            "reason": "",
            "at": mine["history"][0]["at"],
        }
    ]
    assert mine["photos"] == [world["mine"].photos.get().file.name]
    assert [c["body"] for c in data["comments"]] == [
        "Avec des crochets **amovibles**, parfait.",
        "Et en métal ?",
    ]
    assert {s["idea_title"] for s in data["supports"]} == {
        "Coffre à outils ventilé",
        "Seau pliant",
    }
    shares = {
        o["idea_title"]: (o["share_bp"], o["author"]) for o in data["originations"]
    }
    assert shares["Coffre à outils ventilé"] == (2_500, False)
    assert shares["Bac à compost pliant"] == (BASIS_POINTS, True)


def test_the_archive_carries_the_photos_the_export_names(zoe, world):
    files = member_data_files(member=zoe, section=ideas_section())

    photo = world["mine"].photos.get().file
    assert [name for name, _file in files] == [f"ideas/{photo.name}"]


def test_the_export_costs_the_same_queries_for_many_ideas(
    zoe, author, django_assert_max_num_queries
):
    def ideas_of_zoe(n):
        for i in range(n):
            idea = make_idea(zoe, title=f"Idée {i}")
            idea.tags.add("jardin")
            IdeaPhoto.objects.create(idea=idea, file=photo_upload())
            theirs = make_idea(author, title=f"Autre {i}")
            support(theirs, zoe)
            comment(theirs, zoe, f"Commentaire {i}")

    ideas_of_zoe(2)
    with django_assert_max_num_queries(8) as few:
        ideas_section().export(zoe)
    ideas_of_zoe(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        ideas_section().export(zoe)


# --- erasure, keeping her public words ------------------------------------------------


def test_erasure_keeps_public_words_and_takes_back_what_only_she_holds(
    zoe, world, author, supporter, django_capture_on_commit_callbacks
):
    photo = world["mine"].photos.get().file
    storage, name = photo.storage, photo.name

    erase(zoe, capture=django_capture_on_commit_callbacks)

    zoe.refresh_from_db()
    assert zoe.display_name == f"Former member #{zoe.pk}"
    # her public ideas stay, with their words, signed by the anonymised account
    mine = Idea.objects.get(pk=world["mine"].pk)
    assert (mine.state, mine.status) == (IdeaState.OPEN, ModerationStatus.PUBLISHED)
    assert mine.title == "Bac à compost pliant" and mine.author_id == zoe.pk
    # but without photos, whose files leave storage
    assert not IdeaPhoto.objects.filter(idea__author=zoe).exists()
    assert not storage.exists(name)
    # her published comment stays; the one waiting for moderation is withdrawn
    published = IdeaComment.objects.get(pk=world["published"].pk)
    assert published.status == ModerationStatus.PUBLISHED and published.body
    waiting = IdeaComment.objects.get(pk=world["waiting"].pk)
    assert (waiting.status, waiting.body) == (ModerationStatus.REMOVED, "")
    # the draft and the pending idea are withdrawn and blanked, out of the queue
    for key in ("draft", "pending"):
        idea = Idea.objects.get(pk=world[key].pk)
        assert idea.state == IdeaState.WITHDRAWN
        assert (idea.title, idea.problem, idea.proposal) == ("", "", "")
        assert idea.status == ModerationStatus.REMOVED
    assert not QueueEntry.objects.filter(closed_at__isnull=True).exists()
    # her support of the open idea is taken back, the counts follow the rows
    theirs = Idea.objects.get(pk=world["theirs"].pk)
    assert list(theirs.supports.values_list("member", flat=True)) == [supporter.pk]
    assert (theirs.supporter_count, theirs.recent_supporter_count) == (1, 0)
    # while her support of a declined idea (back in her budget) stays counted
    assert Idea.objects.get(pk=world["closed"].pk).supports.filter(member=zoe).exists()
    counts_equal_rows()
    # her co-originations of unaccepted ideas go back to their author
    shares = dict(
        IdeaOriginator.objects.filter(idea=theirs).values_list("member", "share_bp")
    )
    assert shares == {author.pk: BASIS_POINTS}
    assert list(
        IdeaOriginator.objects.filter(idea=world["invited"]).values_list(
            "member", "share_bp"
        )
    ) == [(author.pk, BASIS_POINTS)]
    # but her share of a launched product stays, for rewards to pay
    assert (
        IdeaOriginator.objects.get(idea=world["theirs_launched"], member=zoe).share_bp
        == 3_000
    )


def test_delete_my_ideas_and_comments_withdraws_all_but_the_accepted(
    zoe, world, supporter, django_capture_on_commit_callbacks
):
    erase(zoe, delete_public=["ideas"], capture=django_capture_on_commit_callbacks)

    # every comment of hers is removed, blanked, and no longer counted
    assert set(
        IdeaComment.objects.filter(author=zoe).values_list("status", "body")
    ) == {(ModerationStatus.REMOVED, "")}
    theirs = Idea.objects.get(pk=world["theirs"].pk)
    assert theirs.comment_count == 1
    # her ideas not yet accepted are off the site, their words blanked
    for key in ("mine", "draft", "pending", "reviewed"):
        idea = Idea.objects.get(pk=world[key].pk)
        assert idea.status == ModerationStatus.REMOVED, key
        assert (idea.title, idea.problem, idea.proposal) == ("", "", ""), key
        assert not idea.tags.exists()
    mine = Idea.objects.get(pk=world["mine"].pk)
    assert mine.state == IdeaState.WITHDRAWN
    assert mine.history.last().reason == "Withdrawn: its author left the site."
    # and the supporters of those ideas have their supports back
    assert (
        not IdeaSupport.objects.filter(member=supporter, released_at__isnull=True)
        .exclude(idea=theirs)
        .exists()
    )
    # the accepted and launched ideas keep existing, words and all
    for key in ("accepted", "launched"):
        idea = Idea.objects.get(pk=world[key].pk)
        assert idea.status == ModerationStatus.PUBLISHED and idea.title, key
        assert idea.author_id == zoe.pk
    counts_equal_rows()


def test_erasing_twice_changes_nothing_more(
    zoe, world, django_capture_on_commit_callbacks
):
    erase(zoe, delete_public=["ideas"], capture=django_capture_on_commit_callbacks)
    again = erase(
        zoe, delete_public=["ideas"], capture=django_capture_on_commit_callbacks
    )

    assert again["ideas"] == 0
    counts_equal_rows()


def test_a_crowd_of_supports_is_taken_back_exactly(
    zoe, author, django_capture_on_commit_callbacks
):
    # given ideas each supported by Zoé and a few others
    crowd = members(3, prefix="c")
    ideas = [make_idea(author, title=f"Idée {i}") for i in range(5)]
    for idea in ideas:
        for member in [zoe, *crowd]:
            support(idea, member)

    erase(zoe, capture=django_capture_on_commit_callbacks)

    assert [Idea.objects.get(pk=i.pk).supporter_count for i in ideas] == [3] * 5
    assert not IdeaSupport.objects.filter(member=zoe).exists()
    counts_equal_rows()


# --- what /me/delete/ says ------------------------------------------------------------


def test_the_erasure_page_says_what_happens_to_ideas(zoe, world, client):
    client.force_login(zoe)

    html = client.get("/me/delete/").content.decode()

    assert "Your 2 public ideas stay on the site" in html
    assert "Your 2 ideas that the shop accepted or launched stay in any case" in html
    assert "Your 1 comment on ideas stays in its discussion" in html
    assert "Your 1 idea photo is deleted." in html
    assert "still waiting for moderation" in html
    assert "Your supports of 1 idea" not in html
    assert "Your support of 1 idea still gathering support" in html
    assert "You stop being a co-originator of 2 ideas not yet accepted" in html
    assert "Your originator shares of 3 accepted or launched ideas" in html
    assert "Delete my ideas and comments as well" in html


def test_a_member_without_ideas_is_told_nothing_about_them(zoe):
    [part] = [
        part
        for part in member_data_erase_summary(member=zoe)
        if part["name"] == "ideas"
    ]
    assert part["lines"] == []
    assert part["delete_label"] == "Delete my ideas and comments as well"


def test_choosing_to_delete_on_the_page_deletes_them(
    zoe, world, client, django_capture_on_commit_callbacks
):
    client.force_login(zoe)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/me/delete/", {"password": PASSWORD, "delete_ideas": "on"}
        )

    assert response.status_code == 302
    assert Idea.objects.get(pk=world["mine"].pk).state == IdeaState.WITHDRAWN


# --- nothing of her is left -----------------------------------------------------------


def test_no_column_carries_her_after_the_erasure(
    zoe, world, django_capture_on_commit_callbacks
):
    erase(zoe, delete_public=["ideas"], capture=django_capture_on_commit_callbacks)

    assert (
        rows_carrying([EMAIL, DISPLAY_NAME, "Zoéline", "Quillard", "zoe-jardin"]) == []
    )
