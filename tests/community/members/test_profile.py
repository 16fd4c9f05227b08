import pytest
from django.contrib.auth import get_user_model

from tests.factories import MemberFactory, StoreFactory

User = get_user_model()
ME = "/me/"

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "display_name": "Marie Dupont",
        "bio": "",
        "home_store": "",
        "loyalty_card_number": "",
    }
    data.update(overrides)
    return data


def test_profile_page_requires_login(client):
    response = client.get(ME)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")


def test_profile_page_shows_the_form_and_account_links(member_client, member):
    response = member_client.get(ME)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Marie Dupont"' in html
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert 'enctype="multipart/form-data"' in html


def test_profile_update_saves_and_confirms(member_client, member):
    store = StoreFactory(name="Lyon Part-Dieu")

    response = member_client.post(
        ME,
        profile_data(
            display_name="Marie du Jardin",
            bio="Tomates anciennes et compost.",
            home_store=store.pk,
            loyalty_card_number="fr 1234 5678",
        ),
        follow=True,
    )

    assert "Your profile has been saved." in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Marie du Jardin"
    assert member.slug == "marie-du-jardin"
    assert member.bio == "Tomates anciennes et compost."
    assert member.home_store == store
    assert member.loyalty_card_number == "FR12345678"


def test_keeping_the_same_name_keeps_the_slug(member_client, member):
    member_client.post(ME, profile_data(bio="Bonjour"))

    member.refresh_from_db()
    assert member.slug == "marie-dupont"
    assert member.bio == "Bonjour"


def test_changing_only_the_case_of_ones_own_name_is_allowed(member_client, member):
    member_client.post(ME, profile_data(display_name="MARIE DUPONT"))

    member.refresh_from_db()
    assert member.display_name == "MARIE DUPONT"


def test_display_name_of_another_member_is_refused_ignoring_case(member_client, member):
    MemberFactory(display_name="Paul Bêche", slug="paul-beche")

    response = member_client.post(
        ME, profile_data(display_name="paul bêche", bio="Nouveau bio")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "is already taken" in html
    member.refresh_from_db()
    assert member.display_name == "Marie Dupont"
    assert member.bio == ""


def test_loyalty_card_clash_is_explained_and_keeps_what_was_typed(
    member_client, member
):
    MemberFactory(loyalty_card_number="FR999888")
    store = StoreFactory()

    response = member_client.post(
        ME,
        profile_data(
            display_name="Marie des Bois",
            bio="Je bricole le dimanche.",
            home_store=store.pk,
            loyalty_card_number="FR999888",
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "already linked to another account" in html
    assert 'value="Marie des Bois"' in html
    assert "Je bricole le dimanche." in html
    assert f'<option value="{store.pk}" selected>' in html
    member.refresh_from_db()
    assert member.display_name == "Marie Dupont"
    assert member.loyalty_card_number is None
    # The header still shows the saved name, not the refused one.
    assert "Marie des Bois</a>" not in html


def test_unknown_home_store_is_refused(member_client, member):
    response = member_client.post(ME, profile_data(home_store=999_999))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_public_profile_shows_the_profile_but_never_the_email(client, member):
    store = StoreFactory(name="Villeurbanne", city="Villeurbanne")
    member.bio = "J'aime les <b>rosiers</b>."
    member.home_store = store
    member.save()

    response = client.get("/members/marie-dupont/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Marie Dupont" in html
    assert "J&#x27;aime les &lt;b&gt;rosiers&lt;/b&gt;." in html
    assert "Villeurbanne" in html
    assert "Member since" in html
    assert member.email not in html
    assert member.email.split("@")[0] not in html


def test_public_profile_of_unknown_slug_is_404(client, db):
    assert client.get("/members/personne/").status_code == 404


def test_public_profile_of_inactive_member_is_404(client, member):
    member.is_active = False
    member.save()

    assert client.get("/members/marie-dupont/").status_code == 404


def test_remove_avatar_box_only_shows_when_there_is_an_avatar(member_client, member):
    html = member_client.get(ME).content.decode()

    assert 'name="avatar_remove"' not in html


def test_public_profile_runs_one_query_with_its_home_store(
    client, member, django_assert_num_queries
):
    member.home_store = StoreFactory()
    member.save()

    # The member with their store, then the sections other apps add
    # (profile_sections.py): second-hand's rating and sales, two small reads.
    with django_assert_num_queries(3):
        response = client.get("/members/marie-dupont/")

    assert response.status_code == 200
