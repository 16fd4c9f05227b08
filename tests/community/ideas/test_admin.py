"""The review board and moderators' tools in the Wagtail admin: who may do what,
every form's good and bad input, and that decisions land in the idea's history."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from community.ideas.models import (
    BASIS_POINTS,
    IdeaComment,
    IdeaOriginator,
    IdeasSettings,
    IdeaState,
    IdeaStateChange,
    IdeaSupport,
)
from community.moderation.models import ModerationStatus
from rewards.models import ProductOriginator
from rewards.services import product_originators_set
from tests.factories import MemberFactory, ProductFactory

from .conftest import PROBLEM, make_idea, members

pytestmark = pytest.mark.django_db

REASON = "Le jury aime l'idée : nous la fabriquerons avec un atelier local."


def grant(user, *perms):
    """Give `user` these "app_label.codename" permissions."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label=app_label)
        )
    # Django caches permissions on the instance.
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


@pytest.fixture
def board_member(db):
    """In the "Review board" group that migrations create, no moderator."""
    from django.contrib.auth.models import Group

    user = MemberFactory(display_name="Jury", email="jury@example.com")
    user.groups.add(Group.objects.get(name="Review board"))
    return user


@pytest.fixture
def admin_moderator(moderator):
    """A moderator who can open the Wagtail admin, not on the board."""
    return grant(moderator, "wagtailadmin.access_admin")


@pytest.fixture
def staff_only(db):
    """Opens the Wagtail admin, neither board nor moderator."""
    user = MemberFactory(display_name="Éditrice", email="editrice@example.com")
    return grant(user, "wagtailadmin.access_admin")


def supported(idea, supporters, *, now=None):
    """Supports written as rows, the count kept equal to them."""
    now = now or timezone.now()
    IdeaSupport.objects.bulk_create(
        [IdeaSupport(idea=idea, member=m, created_at=now) for m in supporters]
    )
    idea.supporter_count = IdeaSupport.objects.filter(idea=idea).count()
    idea.save(update_fields=["supporter_count"])
    return idea


@pytest.fixture
def in_review(author):
    idea = make_idea(author, title="Coffre à outils ventilé", state=IdeaState.IN_REVIEW)
    return supported(idea, members(3, prefix="soutien"))


@pytest.fixture
def accepted(author):
    return make_idea(
        author,
        title="Arrosoir pliable",
        state=IdeaState.ACCEPTED,
        shares_frozen_at=timezone.now(),
    )


def url(name, *args):
    return reverse(f"ideas_admin:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def told(response) -> str:
    """The messages a refusal left for the next page, as one text."""
    from django.contrib.messages import get_messages

    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def assert_sent_home(response, reason: str = "Only ") -> None:
    """Refused as Wagtail's own views refuse: back to the admin's home, told why."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "you do not have permission" in told(response)
    assert reason in told(response)


# --- who may do what -----------------------------------------------------------


def every_url(idea):
    return [
        ("get", url("board")),
        ("get", url("development")),
        ("get", url("all")),
        ("get", url("schedule")),
        ("post", url("schedule")),
        ("get", url("idea", idea.pk)),
        ("post", url("decide", idea.pk)),
        ("post", url("development_start", idea.pk)),
        ("post", url("launch", idea.pk)),
        ("get", url("merge", idea.pk)),
        ("post", url("merge", idea.pk)),
    ]


DECIDE_DATA = {"decision": "accepted", "reason": REASON, "confirmed": "1"}


def test_anonymous_visitors_are_sent_to_the_admin_login(client, in_review):
    for method, address in every_url(in_review):
        response = getattr(client, method)(address, DECIDE_DATA)

        assert response.status_code == 302, address
        assert response.url.startswith(reverse("wagtailadmin_login"))
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_a_member_cannot_reach_the_admin(client, in_review, supporter):
    client.force_login(supporter)

    for method, address in every_url(in_review):
        response = getattr(client, method)(address, DECIDE_DATA)

        # Wagtail answers "no admin access" with its login page.
        assert response.status_code == 302, address
        assert response.url.startswith(reverse("wagtailadmin_login"))
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_staff_neither_board_nor_moderator_are_sent_back_home_told_why(
    client, in_review, staff_only
):
    client.force_login(staff_only)

    for method, address in every_url(in_review):
        response = getattr(client, method)(address, DECIDE_DATA)

        assert_sent_home(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW
    assert not IdeaStateChange.objects.filter(idea=in_review).exists()


def test_a_moderator_reads_the_board_but_cannot_decide(
    client, in_review, admin_moderator
):
    client.force_login(admin_moderator)

    assert client.get(url("board")).status_code == 200
    detail = client.get(url("idea", in_review.pk))
    response = client.post(url("decide", in_review.pk), DECIDE_DATA)

    assert detail.status_code == 200
    assert url("merge", in_review.pk) in page(detail)
    assert url("decide", in_review.pk) not in page(detail)
    assert_sent_home(response, "Only members of the review board")
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_a_board_member_cannot_merge(client, in_review, board_member, author):
    original = make_idea(author, title="Coffre de jardin")
    client.force_login(board_member)

    detail = client.get(url("idea", in_review.pk))
    response = client.post(
        url("merge", in_review.pk), {"original": original.pk, "confirmed": "1"}
    )

    assert url("merge", in_review.pk) not in page(detail)
    assert_sent_home(response, "Only moderators may merge")
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_posts_without_the_csrf_token_are_refused(in_review, board_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)

    response = client.post(url("decide", in_review.pk), DECIDE_DATA)

    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_the_menu_shows_to_the_board_and_moderators_only(
    client, board_member, admin_moderator, staff_only
):
    client.force_login(board_member)
    home = page(client.get(reverse("wagtailadmin_home")))
    assert "Product ideas" in home
    assert url("schedule") in home

    client.force_login(admin_moderator)
    home = page(client.get(reverse("wagtailadmin_home")))
    assert "Product ideas" in home
    assert url("schedule") not in home

    client.force_login(staff_only)
    assert "Product ideas" not in page(client.get(reverse("wagtailadmin_home")))


# --- the board's lists --------------------------------------------------------


def test_the_board_lists_ideas_in_review_and_on_hold(client, board_member, author):
    waiting = make_idea(author, title="Composteur de balcon", state=IdeaState.IN_REVIEW)
    supported(waiting, members(2, prefix="fan"))
    IdeaStateChange.objects.create(
        idea=waiting,
        from_state=IdeaState.OPEN,
        to_state=IdeaState.IN_REVIEW,
        reason="Reached 250 supporters.",
    )
    make_idea(author, title="Bac à semis", state=IdeaState.ON_HOLD)
    make_idea(author, title="Idée encore ouverte", state=IdeaState.OPEN)
    client.force_login(board_member)

    html = page(client.get(url("board")))

    assert "Composteur de balcon" in html
    assert "Bac à semis" in html
    assert "Idée encore ouverte" not in html
    assert "Reached 250 supporters." in html
    assert f'href="{waiting.get_absolute_url()}#discussion"' in html
    assert "Inès" in html  # the originator, with her share
    assert "100 %" in html
    assert html.index("Composteur de balcon") < html.index("Bac à semis")


def test_the_board_costs_the_same_queries_for_more_ideas(
    client, board_member, author, django_assert_max_num_queries
):
    def add_ideas(n):
        for i in range(n):
            idea = make_idea(author, title=f"Idée {i}", state=IdeaState.IN_REVIEW)
            IdeaStateChange.objects.create(
                idea=idea, from_state="open", to_state="in_review", by=author
            )

    client.force_login(board_member)
    client.get(url("board"))  # sessions, settings rows and caches warmed up
    add_ideas(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("board")).status_code == 200
    add_ideas(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("board")).status_code == 200


def test_development_lists_accepted_and_in_development_ideas(
    client, board_member, author, accepted
):
    make_idea(author, title="Tuteur réglable", state=IdeaState.IN_DEVELOPMENT)
    make_idea(author, title="Composteur", state=IdeaState.IN_REVIEW)
    client.force_login(board_member)

    html = page(client.get(url("development")))

    assert "Arrosoir pliable" in html
    assert "Tuteur réglable" in html
    assert "Composteur" not in html


def test_all_ideas_searches_public_ideas_by_title_or_number(
    client, admin_moderator, author
):
    hose = make_idea(author, title="Enrouleur de tuyau mural")
    make_idea(author, title="Sécateur gaucher")
    make_idea(author, title="Enrouleur en attente", state=IdeaState.PENDING)
    client.force_login(admin_moderator)

    by_title = page(client.get(url("all"), {"q": "enrouleur"}))
    by_number = page(client.get(url("all"), {"q": f"#{hose.pk}"}))

    assert "Enrouleur de tuyau mural" in by_title
    assert "Sécateur gaucher" not in by_title
    assert "Enrouleur en attente" not in by_title
    assert "Enrouleur de tuyau mural" in by_number


# --- one idea's page ----------------------------------------------------------


def test_the_idea_page_shows_the_idea_its_supporters_and_last_comments(
    client, board_member, author
):
    idea = make_idea(author, state=IdeaState.IN_REVIEW)
    idea.proposal = "Un coffre **ventilé**. <script>alert(1)</script>"
    idea.save(update_fields=["proposal"])
    idea.tags.add("rangement")
    crowd = members(55, prefix="foule")
    now = timezone.now()
    IdeaSupport.objects.bulk_create(
        [
            IdeaSupport(idea=idea, member=m, created_at=now - dt.timedelta(minutes=i))
            for i, m in enumerate(crowd)
        ]
    )
    IdeaComment.objects.create(
        idea=idea,
        author=crowd[0],
        body="Il faudrait une version <b>murale</b>.",
        status=ModerationStatus.PUBLISHED,
    )
    client.force_login(board_member)

    first = page(client.get(url("idea", idea.pk)))
    second = page(client.get(url("idea", idea.pk), {"p": 2}))

    assert PROBLEM in first
    assert "<strong>ventilé</strong>" in first
    assert "<script>alert(1)" not in first
    assert "rangement" in first
    assert "55 supporters" in first
    assert "foule0" in first and "foule54" not in first
    assert "foule54" in second
    assert "version &lt;b&gt;murale&lt;/b&gt;" in first  # escaped, not rendered
    assert url("decide", idea.pk) in first


def test_the_idea_page_costs_the_same_queries_for_more_supporters(
    client, board_member, author, django_assert_max_num_queries
):
    idea = make_idea(author, state=IdeaState.IN_REVIEW)
    crowd = members(30, prefix="nombre")

    def add(supporters):
        supported(idea, supporters)
        IdeaComment.objects.bulk_create(
            [
                IdeaComment(idea=idea, author=m, body="D'accord.", status="published")
                for m in supporters
            ]
        )

    client.force_login(board_member)
    client.get(url("idea", idea.pk))
    add(crowd[:2])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("idea", idea.pk)).status_code == 200
    add(crowd[2:])

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("idea", idea.pk)).status_code == 200


def test_an_unknown_idea_is_a_404(client, board_member):
    client.force_login(board_member)

    assert client.get(url("idea", 999_999)).status_code == 404
    assert client.post(url("decide", 999_999), DECIDE_DATA).status_code == 404


# --- decisions ----------------------------------------------------------------


def test_a_decision_needs_a_public_reason(client, board_member, in_review):
    client.force_login(board_member)

    response = client.post(
        url("decide", in_review.pk), {"decision": "declined", "reason": "   "}
    )

    assert response.status_code == 400
    assert "Write the public reason of the decision." in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


@pytest.mark.parametrize("decision", ["", "launched", "merged", "<script>"])
def test_a_decision_must_be_one_the_board_can_take(
    client, board_member, in_review, decision
):
    client.force_login(board_member)

    response = client.post(
        url("decide", in_review.pk), {"decision": decision, "reason": REASON}
    )

    assert response.status_code == 400
    assert "<script>" not in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_a_reason_too_long_is_refused(client, board_member, in_review):
    client.force_login(board_member)

    response = client.post(
        url("decide", in_review.pk), {"decision": "on_hold", "reason": "x" * 100_000}
    )

    assert response.status_code == 400
    assert "at most 2000 characters" in page(response).replace("\u202f", "")
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


def test_putting_on_hold_needs_no_confirmation(client, board_member, in_review):
    client.force_login(board_member)

    response = client.post(
        url("decide", in_review.pk),
        {"decision": "on_hold", "reason": "Nous attendons le prochain catalogue."},
        follow=True,
    )

    in_review.refresh_from_db()
    assert in_review.state == IdeaState.ON_HOLD
    html = page(response)
    assert "is on hold" in html
    assert "Nous attendons le prochain catalogue." in html  # in the history


def test_accepting_asks_for_confirmation_then_freezes_the_shares(
    client, board_member, in_review
):
    client.force_login(board_member)

    asked = client.post(
        url("decide", in_review.pk), {"decision": "accepted", "reason": REASON}
    )
    in_review.refresh_from_db()
    assert asked.status_code == 200
    assert "freezes the originators' shares" in page(asked)
    assert REASON.replace("'", "&#x27;") in page(asked)
    assert in_review.state == IdeaState.IN_REVIEW

    done = client.post(url("decide", in_review.pk), DECIDE_DATA, follow=True)

    in_review.refresh_from_db()
    assert in_review.state == IdeaState.ACCEPTED
    assert in_review.shares_frozen_at is not None
    change = IdeaStateChange.objects.filter(idea=in_review).last()
    assert (change.to_state, change.by, change.reason) == (
        IdeaState.ACCEPTED,
        board_member,
        REASON,
    )
    html = page(done)
    assert "is accepted" in html
    assert REASON.replace("'", "&#x27;") in html
    # Now the board can mark it in development or launch it.
    assert url("development_start", in_review.pk) in html
    assert url("launch", in_review.pk) in html


def test_declining_gives_the_supports_back(client, board_member, in_review):
    client.force_login(board_member)
    data = {"decision": "declined", "reason": "Trop proche du coffre déjà en rayon."}

    asked = client.post(url("decide", in_review.pk), data)
    assert "its 3 supporters get their support back" in page(asked)

    client.post(url("decide", in_review.pk), {**data, "confirmed": "1"})

    in_review.refresh_from_db()
    assert in_review.state == IdeaState.DECLINED
    assert not IdeaSupport.objects.filter(
        idea=in_review, released_at__isnull=True
    ).exists()
    assert IdeaStateChange.objects.filter(
        idea=in_review, to_state="declined", reason=data["reason"]
    ).exists()


def test_a_decision_on_an_idea_already_decided_says_why(
    client, board_member, in_review
):
    client.force_login(board_member)
    client.post(url("decide", in_review.pk), DECIDE_DATA)

    # A second board member's page was opened before the first decided.
    response = client.post(
        url("decide", in_review.pk),
        {"decision": "declined", "reason": REASON, "confirmed": "1"},
    )

    assert response.status_code == 400
    assert "cannot be taken on an idea that is “Accepted”" in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.ACCEPTED


def test_a_refusal_of_the_lifecycle_is_shown_in_words(
    client, board_member, in_review, supporter
):
    # Co-originators' shares that leave nothing to the author refuse acceptance.
    IdeaOriginator.objects.create(
        idea=in_review,
        member=supporter,
        share_bp=BASIS_POINTS,
        accepted_at=timezone.now(),
    )
    client.force_login(board_member)

    response = client.post(url("decide", in_review.pk), DECIDE_DATA)

    assert response.status_code == 400
    assert "leave nothing to the author" in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW
    assert in_review.shares_frozen_at is None


# --- development and launch ---------------------------------------------------


def test_marking_in_development(client, board_member, accepted):
    client.force_login(board_member)

    response = client.post(
        url("development_start", accepted.pk),
        {"reason": "Prototype chez notre fournisseur."},
        follow=True,
    )

    accepted.refresh_from_db()
    assert accepted.state == IdeaState.IN_DEVELOPMENT
    assert "is in development" in page(response)
    assert "Prototype chez notre fournisseur." in page(response)


def test_marking_in_development_an_idea_in_review_is_refused(
    client, board_member, in_review
):
    client.force_login(board_member)

    response = client.post(url("development_start", in_review.pk), {"reason": ""})

    assert response.status_code == 400
    assert "Only an accepted idea goes into development" in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


@pytest.mark.parametrize("sku", ["NOPE-404", "", " ", "x" * 500])
def test_launching_with_an_unknown_sku_says_so(client, board_member, accepted, sku):
    client.force_login(board_member)

    response = client.post(url("launch", accepted.pk), {"sku": sku})

    assert response.status_code == 400
    html = page(response)
    assert (
        "No product of the catalog has the SKU" in html
        or "Write the SKU" in html
        or "at most 64 characters" in html
    )
    accepted.refresh_from_db()
    assert accepted.state == IdeaState.ACCEPTED
    assert accepted.product is None


def test_launching_shows_the_product_then_names_its_originators(
    client, board_member, accepted, product, author
):
    client.force_login(board_member)

    asked = client.post(url("launch", accepted.pk), {"sku": " COF-001 "})
    accepted.refresh_from_db()
    assert asked.status_code == 200
    assert "Coffre Ventilé" in page(asked)
    assert "Inès" in page(asked)
    assert accepted.state == IdeaState.ACCEPTED

    done = client.post(
        url("launch", accepted.pk),
        {"sku": "COF-001", "confirmed": "1", "reason": ""},
        follow=True,
    )

    accepted.refresh_from_db()
    assert accepted.state == IdeaState.LAUNCHED
    assert accepted.product == product
    assert list(
        ProductOriginator.objects.filter(origin__product=product).values_list(
            "member", "share_bp"
        )
    ) == [(author.pk, BASIS_POINTS)]
    assert "is launched as Coffre Ventilé" in page(done)
    assert IdeaStateChange.objects.filter(idea=accepted, to_state="launched").exists()


def test_launching_as_a_product_with_other_originators_is_refused(
    client, board_member, accepted, product, supporter
):
    product_originators_set(product=product, shares={supporter: BASIS_POINTS})
    client.force_login(board_member)

    response = client.post(
        url("launch", accepted.pk), {"sku": "COF-001", "confirmed": "1"}
    )

    assert response.status_code == 400
    assert "already has originators" in page(response)
    accepted.refresh_from_db()
    assert accepted.state == IdeaState.ACCEPTED


def test_launching_an_idea_in_review_is_refused(client, board_member, in_review):
    ProductFactory(sku="COF-002")
    client.force_login(board_member)

    for confirmed in ("", "1"):
        response = client.post(
            url("launch", in_review.pk), {"sku": "COF-002", "confirmed": confirmed}
        )

        assert response.status_code == 400
        assert "Only an accepted idea can be launched" in page(response)
    in_review.refresh_from_db()
    assert in_review.state == IdeaState.IN_REVIEW


# --- the next review board ----------------------------------------------------


def test_scheduling_the_next_review_board(client, board_member, in_review):
    client.force_login(board_member)
    date = timezone.localdate() + dt.timedelta(days=40)

    assert client.get(url("schedule")).status_code == 200
    response = client.post(
        url("schedule"), {"next_review_board": date.isoformat()}, follow=True
    )

    assert IdeasSettings.load().next_review_board == date
    assert ModelLogEntry.objects.filter(
        action="wagtail.edit", user=board_member
    ).exists()
    assert "The next review board is on" in page(response)
    detail = page(client.get(url("idea", in_review.pk)))
    assert "Next review board" in detail
    assert "not scheduled" not in detail


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2020-01-01", "This date has passed"),
        ("le mois prochain", "Write a date"),
        ("2027-02-31", "Write a date"),
    ],
)
def test_a_bad_review_board_date_is_refused(client, board_member, value, error):
    client.force_login(board_member)

    response = client.post(url("schedule"), {"next_review_board": value})

    assert response.status_code == 400
    assert error in page(response)
    assert IdeasSettings.load().next_review_board is None


def test_clearing_the_review_board_date(client, board_member):
    settings = IdeasSettings.load()
    settings.next_review_board = timezone.localdate() + dt.timedelta(days=3)
    settings.save()
    client.force_login(board_member)

    response = client.post(url("schedule"), {"next_review_board": ""}, follow=True)

    assert IdeasSettings.load().next_review_board is None
    assert "No review board date is shown now." in page(response)


def test_a_moderator_cannot_schedule(client, admin_moderator):
    client.force_login(admin_moderator)
    date = timezone.localdate() + dt.timedelta(days=10)

    response = client.post(url("schedule"), {"next_review_board": date.isoformat()})

    assert_sent_home(response, "Only members of the review board")
    assert IdeasSettings.load().next_review_board is None


# --- merging a duplicate ------------------------------------------------------


@pytest.fixture
def pair(author, newcomer):
    """An original with two supporters and a duplicate with three, one of whom
    supports both."""
    both, only_original, *only_duplicate = members(4, prefix="pair")
    original = supported(
        make_idea(author, title="Abri à vélos en bois"), [both, only_original]
    )
    newcomer.trust_level = 2
    newcomer.save(update_fields=["trust_level"])
    duplicate = supported(
        make_idea(newcomer, title="Abri pour vélos"), [both, *only_duplicate]
    )
    return original, duplicate


def test_the_merge_page_finds_originals_by_title(client, admin_moderator, pair):
    original, duplicate = pair
    client.force_login(admin_moderator)

    html = page(client.get(url("merge", duplicate.pk), {"q": "abri"}))

    assert f"#{original.pk} Abri à vélos en bois" in html
    assert f"#{duplicate.pk} Abri pour vélos" not in html  # never itself


@pytest.mark.parametrize(
    "original", ["", "abri", "#0", "999999", "https://example.com/ideas/x/"]
)
def test_a_bad_original_is_refused_in_words(client, admin_moderator, pair, original):
    _original, duplicate = pair
    client.force_login(admin_moderator)

    response = client.post(url("merge", duplicate.pk), {"original": original})

    assert response.status_code == 400
    assert 'class="error-message"' in page(response) or "error" in page(response)
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN


def test_merging_into_itself_or_a_pending_idea_is_refused(
    client, admin_moderator, pair, author
):
    _original, duplicate = pair
    pending = make_idea(author, title="En attente", state=IdeaState.PENDING)
    client.force_login(admin_moderator)

    itself = client.post(url("merge", duplicate.pk), {"original": duplicate.pk})
    hidden = client.post(url("merge", duplicate.pk), {"original": f"#{pending.pk}"})

    assert "cannot be merged into itself" in page(itself)
    assert "is not a public idea that can take a duplicate" in page(hidden)
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN


def test_merging_shows_what_happens_then_moves_the_supports(
    client, admin_moderator, pair
):
    original, duplicate = pair
    client.force_login(admin_moderator)

    asked = client.post(
        url("merge", duplicate.pk),
        {"original": f"/ideas/{original.pk}-abri-a-velos-en-bois/"},
    )
    html = page(asked)
    assert asked.status_code == 200
    assert "2 supports move to the original." in html
    assert "1 member supports both ideas" in html
    assert "The original then has 4 supporters." in html
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN

    done = client.post(
        url("merge", duplicate.pk),
        {"original": original.pk, "confirmed": "1", "reason": "Même idée."},
    )

    assert done.status_code == 302
    assert done.url == url("idea", original.pk)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.state == IdeaState.MERGED
    assert duplicate.merged_into == original
    assert original.supporter_count == 4
    assert IdeaSupport.objects.filter(idea=original).count() == 4
    assert not IdeaSupport.objects.filter(idea=duplicate).exists()
    assert IdeaStateChange.objects.filter(
        idea=duplicate, to_state="merged", by=admin_moderator, reason="Même idée."
    ).exists()


def test_merging_can_invite_the_duplicates_author(
    client, admin_moderator, pair, newcomer
):
    original, duplicate = pair
    client.force_login(admin_moderator)
    data = {"original": original.pk, "add_co_originator": "on"}

    asked = client.post(url("merge", duplicate.pk), data)
    assert "is invited as a co-originator" in page(asked)

    client.post(url("merge", duplicate.pk), {**data, "confirmed": "1"})

    invitation = IdeaOriginator.objects.get(idea=original, member=newcomer)
    assert invitation.accepted_at is None
    assert invitation.share_bp > 0


def test_no_co_originator_once_the_originals_shares_are_frozen(
    client, admin_moderator, pair
):
    original, duplicate = pair
    original.shares_frozen_at = timezone.now()
    original.save(update_fields=["shares_frozen_at"])
    client.force_login(admin_moderator)

    response = client.post(
        url("merge", duplicate.pk),
        {"original": original.pk, "add_co_originator": "on", "confirmed": "1"},
    )

    assert response.status_code == 400
    assert "shares are frozen" in page(response)
    duplicate.refresh_from_db()
    assert duplicate.state == IdeaState.OPEN


def test_a_launched_idea_cannot_be_merged(client, admin_moderator, author, pair):
    original, _duplicate = pair
    launched = make_idea(author, title="Lancée", state=IdeaState.LAUNCHED)
    client.force_login(admin_moderator)

    response = client.post(
        url("merge", launched.pk), {"original": original.pk}, follow=True
    )

    assert "cannot be merged into another" in page(response)
    launched.refresh_from_db()
    assert launched.state == IdeaState.LAUNCHED


# --- the programme's settings -------------------------------------------------


def test_the_ideas_settings_show_and_save(client, db):
    admin = MemberFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    address = reverse("wagtailsettings:edit", args=["ideas", "ideassettings"])

    shown = client.get(address, follow=True)
    address = shown.redirect_chain[-1][0] if shown.redirect_chain else address
    assert shown.status_code == 200
    assert "Support stages" in page(shown)

    data = {
        "stage1_supporters": 10,
        "stage1_days": 20,
        "stage2_supporters": 50,
        "stage2_days": 60,
        "stage3_supporters": 0,
        "stage3_days": 90,
        "support_budget": 12,
        "next_review_board": "",
        "ideas_per_day": 3,
        "comments_per_hour": 20,
        "accepted_text": "Nous le fabriquons.",
        "ownership_text": "Vous gardez le crédit.",
    }
    saved = client.post(address, data)

    assert saved.status_code == 302
    settings = IdeasSettings.load()
    assert settings.support_budget == 12
    assert settings.stages() == [(10, 20), (50, 60)]


def test_the_board_speaks_french_to_a_french_admin(client, board_member, in_review):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(board_member)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(board_member)

    response = client.get(url("idea", in_review.pk))

    assert response.status_code == 200
    assert 'lang="fr"' in page(response)


def test_an_idea_deleted_with_its_authors_account_leaves_the_board(
    client, board_member, in_review
):
    from community.members.member_data import member_data_erase

    author = in_review.author
    member_data_erase(member=author, by=author, delete_public={"ideas"})
    client.force_login(board_member)

    response = client.get(url("board"))

    assert response.status_code == 200
    assert url("idea", in_review.pk) not in page(response)
