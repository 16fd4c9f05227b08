"""Every public page of ideas for anonymous visitors and members: what each may see
and do, and that no odd input answers a 500."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community.ideas.models import (
    Idea,
    IdeaOriginator,
    IdeaPhoto,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.moderation.models import ModerationStatus
from community.reviews.models import Review
from tests.community.ideas.conftest import PROBLEM, PROPOSAL, make_idea
from tests.factories import MemberFactory

from .conftest import aged, photo_upload

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "title": "Arrosoir à long bec",
        "problem": PROBLEM,
        "proposal": PROPOSAL,
        "tags": "Jardin, arrosage",
        "submit": "1",
    }
    data.update(changes)
    return data


def text(response) -> str:
    return response.content.decode()


# --- Anonymous visitors ------------------------------------------------------------


def test_anonymous_sees_the_public_pages(client, open_idea):
    for url in (
        reverse("ideas:list"),
        reverse("ideas:how_it_works"),
        reverse("ideas:similar") + "?q=coffre",
        open_idea.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_log_in_for_member_pages(client, open_idea):
    for url in (reverse("ideas:create"), reverse("ideas:mine")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    support = client.post(reverse("ideas:support", args=[open_idea.pk]))
    assert support.status_code == 302
    assert support["Location"].startswith(reverse("account_login"))


def test_anonymous_idea_page_offers_to_log_in_and_carries_no_csrf_token(
    client, open_idea
):
    response = client.get(open_idea.get_absolute_url())

    html = text(response)
    assert "Log in to support this idea" in html
    assert "csrfmiddlewaretoken" not in html  # so the page cache may keep it
    assert open_idea.title in html


def test_wrong_slug_and_short_link_redirect_permanently(client, open_idea):
    wrong = client.get(f"/ideas/{open_idea.pk}-autre-chose/")
    short = client.get(f"/ideas/{open_idea.pk}/")

    assert wrong.status_code == 301
    assert wrong["Location"] == open_idea.get_absolute_url()
    assert short.status_code == 301
    assert short["Location"] == open_idea.get_absolute_url()


def test_merged_idea_redirects_to_its_original(client, author, supporter):
    original = make_idea(author, title="Coffre à outils")
    duplicate = make_idea(
        supporter, title="Boîte à outils", state=IdeaState.MERGED, merged_into=original
    )

    response = client.get(duplicate.get_absolute_url())

    assert response.status_code == 301
    assert response["Location"] == original.get_absolute_url()


@pytest.mark.parametrize("state", [IdeaState.DRAFT, IdeaState.PENDING])
def test_private_idea_is_404_except_for_its_author_and_moderators(
    client, author, supporter, moderator, state
):
    idea = make_idea(author, state=state)
    url = idea.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(supporter)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.force_login(author)
    response = client.get(url)
    assert response.status_code == 200
    assert "Only you can see this idea" in text(response)
    assert "private" in response["Cache-Control"]


def test_rejected_idea_is_404_for_others(client, author, supporter):
    idea = make_idea(author)
    idea.status = ModerationStatus.REJECTED
    idea.save(update_fields=["status"])

    assert client.get(idea.get_absolute_url()).status_code == 404
    client.force_login(author)
    assert client.get(idea.get_absolute_url()).status_code == 200


def test_unknown_idea_is_404(client, db):
    assert client.get("/ideas/999999-rien/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?after=%%%",
        "?before=bm9uc2Vuc2U",
        "?page=-3",
        "?page=abc",
        "?page=last",
        "?sort=nope",
        "?state=nope&tag=" + "x" * 5000,
        "?sort=closing_soon&after=WyJpYyIsImJhZCIsMV0",
        "?q=" + "z" * 100_000,
    ],
)
def test_odd_query_strings_never_break_a_page(client, open_idea, query):
    for url in (
        reverse("ideas:list"),
        reverse("ideas:similar"),
        open_idea.get_absolute_url(),
        reverse("ideas:how_it_works"),
    ):
        assert client.get(url + query).status_code == 200, url + query


def test_how_it_works_reads_the_live_settings(client, db):
    rules = IdeasSettings.load()
    rules.stage1_supporters, rules.stage1_days = 42, 21
    rules.support_budget = 7
    rules.next_review_board = dt.date(2027, 2, 3)
    rules.accepted_text = "Nous fabriquons le produit avec vous."
    rules.ownership_text = "Vous gardez le crédit de votre idée."
    rules.save()

    html = text(client.get(reverse("ideas:how_it_works")))

    assert "42 supporters within 21 days" in html
    assert "support 7 ideas at a time" in html
    assert "Nous fabriquons le produit avec vous." in html
    assert "Vous gardez le crédit de votre idée." in html
    assert "2027" in html
    # The programme's default originator rate, 100 bp.
    assert "share 1 % of the product" in html


def test_how_it_works_in_french(client, db):
    response = client.get(reverse("ideas:how_it_works"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200


# --- Proposing ---------------------------------------------------------------------


def test_member_proposes_an_idea_that_opens_at_once(client, author):
    client.force_login(author)
    assert client.get(reverse("ideas:create")).status_code == 200

    response = client.post(reverse("ideas:create"), form_data())

    idea = Idea.objects.get(title="Arrosoir à long bec")
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.state == IdeaState.OPEN
    assert sorted(idea.tags.names()) == ["arrosage", "jardin"]
    page = client.get(response["Location"])
    assert "Thank you! Your idea is public" in text(page)


def test_newcomer_idea_waits_for_moderation(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("ideas:create"), form_data())

    idea = Idea.objects.get(author=newcomer)
    assert response.status_code == 302
    assert idea.state == IdeaState.PENDING
    assert "once a moderator has read it" in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 100_000}, "at most 120 characters"),
        ({"problem": "court"}, ""),
        ({"proposal": "p" * 100_000}, "at most 10000 characters"),
        ({"tags": ",".join(f"t{i}" for i in range(12))}, "At most 10 tags"),
    ],
)
def test_bad_input_is_answered_by_field_and_keeps_what_was_typed(
    client, author, changes, field_error
):
    client.force_login(author)

    response = client.post(reverse("ideas:create"), form_data(**changes))

    html = text(response)
    assert response.status_code == 400
    assert "errorlist" in html
    assert field_error in html
    assert not Idea.objects.exists()
    # What the member typed is still in the form.
    kept = "Arrosoir à long bec" if "title" not in changes else PROBLEM
    assert kept in html


def test_too_many_photos_is_refused_in_words(client, author):
    client.force_login(author)
    photos = [photo_upload(name=f"p{i}.jpg") for i in range(7)]

    response = client.post(reverse("ideas:create"), {**form_data(), "photos": photos})

    assert response.status_code == 400
    assert "at most 6 photos" in text(response)
    assert not Idea.objects.exists()


def test_draft_then_submit_then_withdraw(client, author):
    client.force_login(author)
    draft = {**form_data(), "draft": "1"}
    del draft["submit"]

    client.post(reverse("ideas:create"), draft)
    idea = Idea.objects.get()
    assert idea.state == IdeaState.DRAFT
    page = text(client.get(idea.get_absolute_url()))
    assert "Submit my idea" in page
    assert client.get(reverse("ideas:edit", args=[idea.pk])).status_code == 200

    client.post(reverse("ideas:submit", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.state == IdeaState.OPEN

    confirm = client.get(reverse("ideas:withdraw", args=[idea.pk]))
    assert confirm.status_code == 200
    assert "Withdraw my idea" in text(confirm)
    response = client.post(
        reverse("ideas:withdraw", args=[idea.pk]), {"reason": "Déjà en rayon"}
    )
    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.state == IdeaState.WITHDRAWN


def test_author_edits_an_idea(client, author):
    idea = make_idea(author)
    client.force_login(author)

    response = client.post(
        reverse("ideas:edit", args=[idea.pk]),
        {**form_data(title="Coffre ventilé en pin"), "save": "1"},
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.title == "Coffre ventilé en pin"


def test_others_cannot_edit_submit_or_withdraw(client, author, supporter):
    idea = make_idea(author, state=IdeaState.DRAFT)
    client.force_login(supporter)

    assert client.get(reverse("ideas:edit", args=[idea.pk])).status_code == 404
    assert client.post(reverse("ideas:submit", args=[idea.pk])).status_code == 404
    assert client.get(reverse("ideas:withdraw", args=[idea.pk])).status_code == 404


def test_idea_in_review_cannot_be_edited(client, author):
    idea = make_idea(author, state=IdeaState.IN_REVIEW)
    client.force_login(author)

    response = client.get(reverse("ideas:edit", args=[idea.pk]))

    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()


# --- Photos ------------------------------------------------------------------------


def test_photos_are_streamed_to_whoever_may_see_the_idea(client, author, supporter):
    client.force_login(author)
    client.post(
        reverse("ideas:create"),
        {**form_data(), "draft": "1", "submit": "", "photos": [photo_upload()]},
    )
    idea = Idea.objects.get()
    photo = IdeaPhoto.objects.get(idea=idea)
    full = reverse("ideas:photo", args=[photo.pk])
    thumb = reverse("ideas:photo_thumbnail", args=[photo.pk])

    # A draft: its author only.
    assert client.get(full).status_code == 200
    thumbnail = client.get(thumb)
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    client.force_login(supporter)
    assert client.get(full).status_code == 404
    client.logout()
    assert client.get(thumb).status_code == 404

    # Public: anyone.
    Idea.objects.filter(pk=idea.pk).update(
        state=IdeaState.OPEN, status=ModerationStatus.PUBLISHED
    )
    assert client.get(full).status_code == 200
    assert client.get(thumb).status_code == 200
    assert client.get(reverse("ideas:photo", args=[999999])).status_code == 404


# --- Supporting --------------------------------------------------------------------


def test_support_then_withdraw_from_the_idea_page(client, open_idea, supporter):
    client.force_login(supporter)
    url = reverse("ideas:support", args=[open_idea.pk])

    first = client.post(url)
    again = client.post(url)  # a double click

    assert first.status_code == again.status_code == 302
    assert first["Location"] == open_idea.get_absolute_url() + "#support"
    open_idea.refresh_from_db()
    assert open_idea.supporter_count == 1
    page = text(client.get(open_idea.get_absolute_url()))
    assert "You support this idea." in page
    assert "You have 9 supports left." in page

    client.post(url, {"action": "withdraw"})
    open_idea.refresh_from_db()
    assert open_idea.supporter_count == 0
    assert not IdeaSupport.objects.exists()


def test_supporting_ones_own_idea_is_refused_in_words(client, open_idea, author):
    client.force_login(author)

    response = client.post(reverse("ideas:support", args=[open_idea.pk]), follow=True)

    assert response.status_code == 200
    assert "message-error" in text(response)
    assert not IdeaSupport.objects.exists()


def test_support_beyond_the_budget_is_refused_in_words(client, author, supporter):
    rules = IdeasSettings.load()
    rules.support_budget = 1
    rules.save()
    first, second = make_idea(author, title="Un"), make_idea(author, title="Deux")
    client.force_login(supporter)

    client.post(reverse("ideas:support", args=[first.pk]))
    response = client.post(reverse("ideas:support", args=[second.pk]), follow=True)

    assert "message-error" in text(response)
    assert IdeaSupport.objects.filter(member=supporter).count() == 1


def test_supporting_a_private_idea_is_404(client, author, supporter):
    idea = make_idea(author, state=IdeaState.PENDING)
    client.force_login(supporter)

    assert client.post(reverse("ideas:support", args=[idea.pk])).status_code == 404


def test_support_and_comment_are_post_only(client, open_idea, supporter):
    client.force_login(supporter)

    assert client.get(reverse("ideas:support", args=[open_idea.pk])).status_code == 405
    assert client.get(reverse("ideas:comment", args=[open_idea.pk])).status_code == 405


# --- Discussion --------------------------------------------------------------------


def test_member_comments_and_sees_the_comment(client, open_idea, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("ideas:comment", args=[open_idea.pk]),
        {"body": "Avec des roulettes, ce serait parfait."},
        follow=True,
    )

    assert response.status_code == 200
    comment = open_idea.comments.get()
    if comment.status == ModerationStatus.PUBLISHED:
        assert "Avec des roulettes" in text(response)
        assert f'id="comment-{comment.pk}"' in text(response)


def test_empty_comment_is_refused_in_words(client, open_idea, supporter):
    client.force_login(supporter)

    response = client.post(
        reverse("ideas:comment", args=[open_idea.pk]), {"body": ""}, follow=True
    )

    assert response.status_code == 200
    assert "message-error" in text(response)
    assert not open_idea.comments.exists()


def test_comments_page_by_keyset(client, open_idea, supporter):
    from community.ideas.models import IdeaComment
    from community.ideas.views import COMMENTS_PER_PAGE

    now = timezone.now()
    IdeaComment.objects.bulk_create(
        IdeaComment(
            idea=open_idea,
            author=supporter,
            body=f"Commentaire numéro {i}",
            status=ModerationStatus.PUBLISHED,
            published_at=now,
            created_at=now + dt.timedelta(seconds=i),
        )
        for i in range(COMMENTS_PER_PAGE + 5)
    )

    first = text(client.get(open_idea.get_absolute_url()))
    last = text(client.get(open_idea.get_absolute_url() + "?page=last"))

    assert "Commentaire numéro 0<" in first
    assert f"Commentaire numéro {COMMENTS_PER_PAGE + 4}<" not in first
    assert f"Commentaire numéro {COMMENTS_PER_PAGE + 4}<" in last
    assert 'rel="next"' in first


# --- History, originators, launch --------------------------------------------------


def test_history_shows_public_reasons_and_originators(client, author, supporter):
    idea = make_idea(author, state=IdeaState.DECLINED)
    IdeaStateChange.objects.create(
        idea=idea,
        from_state=IdeaState.IN_REVIEW,
        to_state=IdeaState.DECLINED,
        reason="Trop cher à fabriquer pour le prix visé.",
    )
    IdeaOriginator.objects.filter(idea=idea).update(share_bp=7_000)
    IdeaOriginator.objects.create(
        idea=idea, member=supporter, share_bp=3_000, accepted_at=timezone.now()
    )

    html = text(client.get(idea.get_absolute_url()))

    assert "Trop cher à fabriquer pour le prix visé." in html
    assert "Inès" in html and "Paul" in html
    assert "70 % of the royalties" in html


def test_in_review_idea_shows_the_next_review_board(client, author):
    rules = IdeasSettings.load()
    rules.next_review_board = dt.date(2027, 3, 15)
    rules.save()
    idea = make_idea(author, state=IdeaState.IN_REVIEW)

    html = text(client.get(idea.get_absolute_url()))

    assert "Next review board" in html
    assert "2027" in html


def test_launched_idea_shows_its_product_and_royalties(client, author, product):
    from rewards.ledger import member_account_ids, system_account_id, transactions_write
    from rewards.models import Account, LedgerTransaction

    idea = make_idea(author, state=IdeaState.LAUNCHED, product=product)
    pending = member_account_ids({author.pk}, Account.Kind.PENDING)[author.pk]
    expense = system_account_id(Account.Kind.EXPENSE)
    transactions_write(
        [
            (
                LedgerTransaction(
                    idempotency_key="test:originator:1",
                    kind=LedgerTransaction.Kind.ORIGINATOR,
                    product=product,
                ),
                [(pending, 1234, 10_000), (expense, -1234, None)],
            )
        ]
    )

    html = text(client.get(idea.get_absolute_url()))

    assert product.get_absolute_url() in html
    assert "Royalties paid to its originators so far" in html
    assert "12.34" in html or "12,34" in html


# --- My ideas ----------------------------------------------------------------------


def test_my_ideas_lists_mine_my_supports_and_invitations(client, author, supporter):
    mine = make_idea(supporter, title="Mon idée à moi", state=IdeaState.DRAFT)
    supported = make_idea(author, title="Idée soutenue")
    IdeaSupport.objects.create(idea=supported, member=supporter)
    Idea.objects.filter(pk=supported.pk).update(supporter_count=1)
    invited = make_idea(author, title="Idée à plusieurs")
    IdeaOriginator.objects.filter(idea=invited).update(share_bp=8_000)
    invitation = IdeaOriginator.objects.create(
        idea=invited, member=supporter, share_bp=2_000
    )
    client.force_login(supporter)

    html = text(client.get(reverse("ideas:mine")))

    assert mine.title in html
    assert supported.title in html
    assert "You have 9 supports left out of 10." in html
    assert invited.title in html and "20 % of its royalties" in html

    response = client.post(
        reverse("ideas:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )
    invitation.refresh_from_db()
    assert response.status_code == 302
    assert invitation.accepted_at is not None


def test_answering_someone_elses_invitation_is_404(client, author, supporter):
    idea = make_idea(author)
    other = aged(MemberFactory(display_name="Autre", slug="autre"))
    invitation = IdeaOriginator.objects.create(idea=idea, member=other, share_bp=1_000)
    client.force_login(supporter)

    response = client.post(
        reverse("ideas:invitation_answer", args=[invitation.pk]), {"answer": "accept"}
    )

    assert response.status_code == 404


# --- From a review -----------------------------------------------------------------


def _review(author, product, rating):
    return Review.objects.create(
        product=product,
        author=author,
        rating=rating,
        title="Déçu",
        body="Le coffre prend l'humidité et les charnières rouillent vite.",
        status=ModerationStatus.PUBLISHED,
        published_at=timezone.now(),
    )


def test_a_disappointed_review_offers_to_suggest_an_improvement(
    client, author, product
):
    low = _review(author, product, 2)
    client.force_login(author)

    my_reviews = text(client.get(reverse("reviews:mine")))
    url = reverse("ideas:create") + f"?from_review={low.pk}"
    assert url.replace("?", "?") in my_reviews
    assert "Suggest an improvement" in my_reviews

    form = text(client.get(url))
    assert "Improve: Coffre Ventilé" in form
    assert "charnières rouillent" in form

    client.post(url, form_data(from_review=low.pk))
    assert Idea.objects.get().from_review_id == low.pk


def test_a_good_review_offers_no_improvement(client, author, product):
    _review(author, product, 5)
    client.force_login(author)

    assert "Suggest an improvement" not in text(client.get(reverse("reviews:mine")))


def test_someone_elses_review_does_not_prefill(client, author, supporter, product):
    review = _review(author, product, 1)
    client.force_login(supporter)

    response = client.get(reverse("ideas:create") + f"?from_review={review.pk}")

    assert response.status_code == 200
    assert "charnières" not in text(response)
    bad = client.get(reverse("ideas:create") + "?from_review=abc")
    assert bad.status_code == 200


# --- Page cache --------------------------------------------------------------------


def test_anonymous_pages_come_from_the_page_cache_until_a_support(
    client, settings, open_idea, supporter, django_capture_on_commit_callbacks
):
    from django.test import Client

    from comptoir.page_cache import STATUS_HEADER

    settings.PAGE_CACHE_ENABLED = True
    urls = [
        reverse("ideas:list"),
        reverse("ideas:list") + "?sort=newest",
        open_idea.get_absolute_url(),
        reverse("ideas:how_it_works"),
    ]
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "miss", url
        assert client.get(url)[STATUS_HEADER] == "hit", url

    member = Client()
    member.force_login(supporter)
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("ideas:support", args=[open_idea.pk]))

    page = client.get(open_idea.get_absolute_url())
    assert page[STATUS_HEADER] == "miss"
    assert "1 supporter" in text(page)
    assert client.get(reverse("ideas:list"))[STATUS_HEADER] == "miss"


def test_rules_saved_in_the_settings_show_on_cached_pages_at_once(
    client, settings, open_idea, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from community.ideas.models import IdeasSettings
    from comptoir.page_cache import STATUS_HEADER

    settings.PAGE_CACHE_ENABLED = True
    urls = [
        reverse("ideas:list"),
        open_idea.get_absolute_url(),
        reverse("ideas:how_it_works"),
    ]
    for url in urls:
        client.get(url)
        assert client.get(url)[STATUS_HEADER] == "hit", url

    # as Settings › Product ideas saves them: a lower first stage
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rules = IdeasSettings.load()
        rules.stage1_supporters = 7
        rules.save()

    for url in urls:
        page = client.get(url)
        assert page[STATUS_HEADER] == "miss", url
    assert "7 supporters within" in text(client.get(reverse("ideas:how_it_works")))


def test_idea_page_costs_the_same_for_a_small_and_a_big_discussion(
    client, open_idea, supporter, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community.ideas.models import IdeaComment
    from tests.community.ideas.conftest import members

    def grow(n, start):
        crowd = members(n, prefix=f"g{start}-")
        IdeaComment.objects.bulk_create(
            IdeaComment(
                idea=open_idea,
                author=member,
                body=f"Bonne idée {start + i}",
                status=ModerationStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for i, member in enumerate(crowd)
        )
        IdeaSupport.objects.bulk_create(
            IdeaSupport(idea=open_idea, member=member) for member in crowd
        )

    grow(2, 0)
    client.force_login(supporter)
    client.get(open_idea.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(open_idea.get_absolute_url())
    grow(40, 100)

    with django_assert_num_queries(len(small)):
        response = client.get(open_idea.get_absolute_url() + "?page=last")

    assert response.status_code == 200
