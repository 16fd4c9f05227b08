import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.factories import MemberFactory, StoreFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = User.objects.create_superuser(email="admin@comptoir.example", password="x")
    client.force_login(admin)
    return client


def edit_data(member, **overrides):
    data = {
        "email": member.email,
        "first_name": "",
        "last_name": "",
        "display_name": member.display_name,
        "slug": member.slug,
        "home_store": "",
        "loyalty_card_number": "",
        "is_active": "on",
        "password1": "",
        "password2": "",
    }
    data.update(overrides)
    return data


def test_admin_users_listing_loads_and_shows_members(staff_client):
    MemberFactory(email="paul@example.com", display_name="Paul Bêche")

    response = staff_client.get(reverse("wagtailusers_users:index"))

    assert response.status_code == 200
    assert "paul@example.com" in response.content.decode()


def test_admin_edit_page_shows_member_fields(staff_client):
    member = MemberFactory(display_name="Paul Bêche")

    response = staff_client.get(reverse("wagtailusers_users:edit", args=[member.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="display_name"' in html
    assert 'name="loyalty_card_number"' in html
    assert 'value="Paul Bêche"' in html


def test_staff_can_fix_a_display_name_and_loyalty_card(staff_client):
    member = MemberFactory(display_name="Nom Vulgaire", slug="nom-vulgaire")
    store = StoreFactory()

    response = staff_client.post(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        edit_data(
            member,
            display_name="Membre Renomme",
            home_store=store.pk,
            loyalty_card_number="FR424242",
        ),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Membre Renomme"
    assert member.home_store == store
    assert member.loyalty_card_number == "FR424242"
    assert member.slug == "nom-vulgaire"  # staff left the profile address as it was


def test_admin_makes_a_slug_when_a_display_name_is_given_without_one(staff_client):
    member = User.objects.create_user(email="sans-nom@example.com")

    staff_client.post(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        edit_data(member, display_name="Jean Pelle", slug=""),
    )

    member.refresh_from_db()
    assert member.display_name == "Jean Pelle"
    assert member.slug == "jean-pelle"


def test_admin_edit_refuses_a_display_name_taken_in_another_case(staff_client):
    MemberFactory(display_name="Paul Bêche")
    member = MemberFactory(display_name="Marie")

    response = staff_client.post(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        edit_data(member, display_name="PAUL Bêche"),
    )

    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Marie"


def test_admin_can_create_a_user_with_only_an_email_and_password(staff_client):
    response = staff_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "nouveau@comptoir.example",
            "first_name": "",
            "last_name": "",
            "display_name": "",
            "slug": "",
            "home_store": "",
            "loyalty_card_number": "",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="nouveau@comptoir.example")
    assert created.check_password("Un-mot-de-passe-2026")
    assert created.display_name is None


def test_createsuperuser_needs_only_an_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Un-mot-de-passe-2026")

    call_command(
        "createsuperuser", "--noinput", "--email", "chef@comptoir.example", verbosity=0
    )

    admin = User.objects.get(email="chef@comptoir.example")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("Un-mot-de-passe-2026")


def test_members_cannot_open_the_users_admin(client):
    client.force_login(MemberFactory())

    response = client.get(reverse("wagtailusers_users:index"))

    assert response.status_code == 302
