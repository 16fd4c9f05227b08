"""Trust levels where people see them: the admin, the profiles, the demo."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from community.members.models import TrustSettings
from community.members.trust import trust_settings
from community.notifications.models import Notification
from comptoir.demo import members as demo_members
from comptoir.demo.trust import trust_build
from comptoir.progress import Progress
from tests.factories import MemberFactory, StoreFactory

User = get_user_model()

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/admin/settings/members/trustsettings/"


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(email="admin@comptoir.example", password="x")
    client.force_login(admin)
    return client


def edit_url(admin_client) -> str:
    """Wagtail sends the generic setting's address on to its row's edit page."""
    response = admin_client.get(SETTINGS_URL)
    return response["Location"] if response.status_code == 302 else SETTINGS_URL


def settings_form(**overrides):
    data = {
        "level1_min_approved": 2,
        "level1_min_days": 1,
        "level2_min_approved": 10,
        "level2_min_days": 15,
        "level2_min_helpful_votes": 5,
        "new_posts_per_kind_first_day": 3,
        "new_seconds_between_posts": 30,
        "reports_to_hide": 3,
        "single_report_hide_level": 3,
    }
    return data | overrides


def test_superuser_opens_the_trust_settings_page(admin_client):
    response = admin_client.get(SETTINGS_URL, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Promotion to level 1" in page
    assert "seconds between two posts" in page


def test_superuser_changes_a_threshold_and_it_applies_at_once(admin_client):
    response = admin_client.post(
        edit_url(admin_client),
        settings_form(level1_min_approved=7, new_links_allowed="on"),
    )

    assert response.status_code == 302
    settings = trust_settings()
    assert settings.level1_min_approved == 7
    assert settings.new_links_allowed is True


def test_impossible_report_threshold_is_a_form_error(admin_client):
    response = admin_client.post(
        edit_url(admin_client), settings_form(reports_to_hide=0)
    )

    assert response.status_code == 200
    assert TrustSettings.load().reports_to_hide == 3


def test_members_cannot_open_the_trust_settings(client):
    client.force_login(MemberFactory())

    response = client.get(SETTINGS_URL)

    assert response.status_code in (302, 403)
    assert "Promotion to level 1" not in response.content.decode()


def test_trust_settings_load_outside_a_request_with_the_defaults():
    settings = trust_settings()

    assert settings.new_posts_per_kind_first_day == 3
    assert settings.new_seconds_between_posts == 30
    assert settings.new_links_allowed is False
    assert settings.reports_to_hide == 3
    assert settings.single_report_hide_level == 3


def test_staff_grant_level_three_in_the_user_admin(admin_client):
    member = MemberFactory(trust_level=1)
    url = reverse("wagtailusers_users:edit", args=[member.pk])
    assert "trust_level" in admin_client.get(url).content.decode()

    admin_client.post(
        url,
        {
            "email": member.email,
            "first_name": "",
            "last_name": "",
            "display_name": member.display_name,
            "slug": member.slug,
            "home_store": "",
            "loyalty_card_number": "",
            "trust_level": "3",
            "is_active": "on",
            "password1": "",
            "password2": "",
        },
    )

    member.refresh_from_db()
    assert member.trust_level == 3


def test_public_profile_shows_the_trust_level(client):
    MemberFactory(trust_level=2, slug="marie-dupont")

    page = client.get("/members/marie-dupont/").content.decode()

    assert "Trust level 2 · Member" in page


def test_my_profile_shows_what_the_next_level_needs(client):
    member = MemberFactory(
        trust_level=0, date_joined=timezone.now() - dt.timedelta(days=3)
    )
    settings = trust_settings()
    settings.level1_min_approved = 4
    settings.level1_min_days = 2
    settings.save()
    client.force_login(member)

    page = client.get("/me/").content.decode()

    assert "Trust level 0 · New" in page
    assert "What level 1 · Basic needs" in page
    assert "approved contributions: 0 of 4" in page
    assert "days since joining: 3 of 2" in page


def test_staff_granted_level_has_no_next_step_on_my_profile(client):
    member = MemberFactory(trust_level=4)
    client.force_login(member)

    page = client.get("/me/").content.decode()

    assert "Trust level 4 · Leader" in page
    assert "needs:" not in page


def test_demo_puts_members_at_every_level_and_tells_some(db):
    progress = Progress(quiet=True)
    stores = [
        StoreFactory(code=code["code"], name=code["name"])
        for code in demo_members.STORES
    ]
    demo_members.members_build(stores=stores, progress=progress)

    trust_build(progress=progress)
    levels = set(User.objects.values_list("trust_level", flat=True))
    notified = Notification.objects.count()
    trust_build(progress=progress)

    assert levels == {0, 1, 2, 3, 4}
    assert notified > 0
    assert Notification.objects.filter(read_at=None).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()
    # Running the step again adds nothing.
    assert Notification.objects.count() == notified
