"""What the author and members do from an idea's page besides supporting: name
co-originators (who accept on /me/ideas/) and report the idea or a comment."""

import pytest
from django.urls import reverse

from community.ideas.models import IdeaOriginator, IdeaState
from tests.factories import MemberFactory

from .conftest import aged, make_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def friend(db):
    return aged(MemberFactory(display_name="Camille", slug="camille", trust_level=1))


def url(idea):
    return reverse("ideas:originators", args=[idea.pk])


def test_the_author_names_a_co_originator_who_accepts(client, open_idea, friend):
    client.force_login(open_idea.author)
    page = client.get(open_idea.get_absolute_url())
    assert url(open_idea) in page.content.decode()

    response = client.post(
        url(open_idea), {"author_share": "70", "member_1": "Camille", "share_1": "30"}
    )

    assert response.status_code == 302
    shares = dict(
        IdeaOriginator.objects.filter(idea=open_idea).values_list(
            "member__slug", "share_bp"
        )
    )
    assert shares == {"ines": 7000, "camille": 3000}
    invitation = IdeaOriginator.objects.get(idea=open_idea, member=friend)
    assert invitation.accepted_at is None
    # the friend sees the invitation on /me/ideas/ and accepts it
    client.force_login(friend)
    mine = client.get(reverse("ideas:mine")).content.decode()
    assert reverse("ideas:invitation_answer", args=[invitation.pk]) in mine
    client.post(
        reverse("ideas:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"author_share": "70", "member_1": "nobody", "share_1": "30"},
            "No member has this profile name.",
        ),
        (
            {"author_share": "70", "member_1": "camille", "share_1": "20"},
            "add up to 100",
        ),
        (
            {"author_share": "70", "member_1": "camille"},
            "Give this co-originator a share.",
        ),
        ({"author_share": "70", "share_1": "30"}, "Name the member for this share."),
        ({"author_share": "abc"}, "Enter a number."),
        (
            {
                "author_share": "40",
                "member_1": "camille",
                "share_1": "30",
                "member_2": "camille",
                "share_2": "30",
            },
            "This member is named twice.",
        ),
    ],
)
def test_bad_rows_are_answered_in_words_and_keep_what_was_typed(
    client, open_idea, friend, data, message
):
    client.force_login(open_idea.author)

    response = client.post(url(open_idea), data)

    assert response.status_code == 400
    text = response.content.decode().replace("\u202f", " ").replace("&#x27;", "'")
    assert message in text
    assert IdeaOriginator.objects.filter(idea=open_idea).count() == 1  # the author


def test_only_the_author_may_name_originators_and_not_once_frozen(
    client, author, friend
):
    idea = make_idea(author)
    client.force_login(friend)
    assert client.get(url(idea)).status_code == 404

    accepted = make_idea(author, title="Banc pliant", state=IdeaState.ACCEPTED)
    client.force_login(author)
    response = client.get(url(accepted))
    assert response.status_code == 302
    assert response.url == accepted.get_absolute_url()


def test_members_report_an_idea_and_a_comment_from_the_idea_page(
    client, open_idea, supporter
):
    from community.ideas.discussion import comment_post
    from community.moderation.models import Report

    comment = comment_post(
        idea=open_idea, author=open_idea.author, body="Et une version en métal ?"
    )
    client.force_login(supporter)
    page = client.get(open_idea.get_absolute_url()).content.decode()
    actions = [
        action for action in page.split('action="')[1:] if action.startswith("/report/")
    ]
    assert len(actions) == 2  # the idea and its comment
    for action in actions:
        response = client.post(
            action.split('"', 1)[0],
            {"reason": "spam", "next": open_idea.get_absolute_url()},
        )
        assert response.status_code == 302
    assert Report.objects.count() == 2
    assert {report.content for report in Report.objects.all()} == {open_idea, comment}
