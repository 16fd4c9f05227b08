"""The store's hand-off desk in the admin: who sees which store, the day picker,
and the code box that asks every registered section (catalog/desk.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail import hooks

from marketplace.catalog.desk import DESK_SECTION_HOOK, DeskSection
from marketplace.catalog.desk_views import desk_code_clean
from tests.factories import MemberFactory, StoreFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)  # the suite's Monday


class ParcelsDesk(DeskSection):
    """A section of the test's own: parcels waiting at Lyon only."""

    name = "parcels"
    order = 5
    label = "Parcels"
    template_name = "tests/desk_parcels.html"
    codes = {"lyon": {"PARCEL-42": "/admin/parcel/42/"}}

    def get_context(self, request, store, day):
        return {"parcel_day": day, "parcel_store": store.name}

    def find_code(self, request, store, code):
        return self.codes.get(store.code, {}).get(code)


@pytest.fixture
def parcels(settings, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "desk_parcels.html").write_text(
        "<p class='parcels'>Parcels at {{ parcel_store }} on "
        "{{ parcel_day|date:'Y-m-d' }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    with hooks.register_temporarily(DESK_SECTION_HOOK, ParcelsDesk):
        yield


@pytest.fixture
def lyon():
    return StoreFactory(code="lyon", name="Lyon Part-Dieu")


@pytest.fixture
def nantes():
    return StoreFactory(code="nantes", name="Nantes Centre")


def staff_of(*stores, email="vendeur@example.com"):
    user = MemberFactory(email=email)
    user.groups.add(Group.objects.get(name="Store staff"))
    for store in stores:
        store.staff.add(user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(store) -> str:
    return reverse("catalog_desk:store", kwargs={"code": store.code})


def find(client, store, code, day=""):
    return client.post(
        reverse("catalog_desk:find", kwargs={"code": store.code}),
        {"code": code, "day": day},
    )


def messages_of(response) -> list[str]:
    """The messages this request added (not those still waiting from before)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def test_the_store_staff_group_opens_the_admin():
    group = Group.objects.get(name="Store staff")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "access_admin" in codenames
    # Working the desk edits nothing in the admin.
    assert not {c for c in codenames if c.split("_")[0] in {"add", "change", "delete"}}


def test_staff_of_one_store_go_straight_to_its_desk(lyon, nantes):
    client = client_for(staff_of(lyon))

    response = client.get(reverse("catalog_desk:index"))

    assert response.status_code == 302
    assert response["Location"] == desk(lyon)


def test_staff_of_two_stores_choose_one(lyon, nantes):
    client = client_for(staff_of(lyon, nantes))

    html = client.get(reverse("catalog_desk:index")).content.decode()

    assert desk(lyon) in html and desk(nantes) in html


def test_another_stores_desk_is_not_found_and_neither_is_its_code_box(
    parcels, lyon, nantes
):
    client = client_for(staff_of(nantes))

    assert client.get(desk(lyon)).status_code == 404
    assert find(client, lyon, "PARCEL-42").status_code == 404
    assert client.get(desk(StoreFactory.build(code="nowhere"))).status_code == 404


def test_a_superuser_works_every_desk(lyon, nantes):
    boss = MemberFactory(email="boss@example.com", is_superuser=True, is_staff=True)
    client = client_for(boss)

    index = client.get(reverse("catalog_desk:index")).content.decode()

    assert desk(lyon) in index and desk(nantes) in index
    assert client.get(desk(lyon)).status_code == 200
    assert client.get(desk(nantes)).status_code == 200


def test_the_every_desk_permission_works_every_desk(lyon, nantes):
    manager = staff_of(email="manager@example.com")
    manager.user_permissions.add(Permission.objects.get(codename="view_every_desk"))

    client = client_for(manager)

    assert client.get(desk(lyon)).status_code == 200
    assert client.get(desk(nantes)).status_code == 200


def test_members_and_visitors_have_no_desk(lyon):
    member = MemberFactory(email="camille@example.com")
    lyon.staff.add(member)  # staff of the store, yet without admin access

    for client in (Client(), client_for(member)):
        page = client.get(desk(lyon))
        code = find(client, lyon, "PARCEL-42")
        assert page.status_code == 302 and "/login/" in page["Location"]
        assert code.status_code == 302 and "/login/" in code["Location"]


def test_the_desk_menu_item_is_shown_to_staff_only(lyon):
    staff = client_for(staff_of(lyon))
    admin_only = client_for(staff_of(email="editor@example.com"))

    assert "Hand-off desk" in staff.get(reverse("wagtailadmin_home")).content.decode()
    assert (
        "Hand-off desk"
        not in admin_only.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_the_desk_shows_every_section_for_the_day_with_a_day_picker(parcels, lyon):
    client = client_for(staff_of(lyon))

    today = client.get(desk(lyon)).content.decode()
    friday = client.get(desk(lyon), {"day": "2026-11-27"}).content.decode()

    assert "Parcels at Lyon Part-Dieu on 2026-11-23" in today
    assert "Parcels at Lyon Part-Dieu on 2026-11-27" in friday
    assert f'href="{desk(lyon)}?day=2026-11-26"' in friday  # previous day
    assert f'href="{desk(lyon)}?day=2026-11-28"' in friday  # next day
    assert 'name="code"' in today and "autofocus" in today


def test_a_day_that_is_not_one_is_told_and_today_shown(parcels, lyon):
    client = client_for(staff_of(lyon))

    response = client.get(desk(lyon), {"day": "demain"})

    assert response.status_code == 200
    assert "Parcels at Lyon Part-Dieu on 2026-11-23" in response.content.decode()
    assert "“demain” is not a day: give it as YYYY-MM-DD." in response.content.decode()


def test_closed_days_are_said(lyon):
    client = client_for(staff_of(lyon))

    sunday = client.get(desk(lyon), {"day": "2026-11-29"}).content.decode()

    assert "Lyon Part-Dieu is closed on this day." in sunday


@pytest.mark.parametrize(
    "typed",
    [
        "PARCEL-42",
        "  parcel-42 ",
        "parcel - 42",
        "https://comptoir.example/me/parcels/PARCEL-42/",
        "http://testserver/p/parcel-42?utm=qr",
        "/me/parcels/PARCEL-42",
    ],
)
def test_a_code_typed_or_read_from_a_qr_leads_to_its_hand_off(parcels, lyon, typed):
    client = client_for(staff_of(lyon))

    response = find(client, lyon, typed)

    assert response.status_code == 302
    assert response["Location"] == "/admin/parcel/42/"


def test_an_unknown_code_is_told_in_words(parcels, lyon):
    client = client_for(staff_of(lyon))

    response = find(client, lyon, "zzzz-9999", day="2026-11-27")

    assert response.status_code == 302
    assert response["Location"] == f"{desk(lyon)}?day=2026-11-27"
    assert messages_of(response) == ["No hand-off with code ZZZZ-9999 at this store."]


def test_another_stores_code_is_not_found_at_this_desk(parcels, lyon, nantes):
    client = client_for(staff_of(lyon, nantes))

    response = find(client, nantes, "PARCEL-42")

    assert response["Location"] == desk(nantes)
    assert messages_of(response) == ["No hand-off with code PARCEL-42 at this store."]


def test_an_empty_code_is_asked_for(lyon):
    client = client_for(staff_of(lyon))

    response = find(client, lyon, "   ")

    assert response.status_code == 302
    assert messages_of(response) == ["Type or scan the member's code."]


def test_code_cleaning():
    assert desk_code_clean(" abcd-efgh ") == "ABCD-EFGH"
    assert desk_code_clean("https://x.example/me/reservations/abcdefgh/") == "ABCDEFGH"
    assert desk_code_clean("https://x.example/") == ""


def test_store_staff_and_opening_days_are_edited_on_the_store(lyon):
    boss = MemberFactory(email="boss@example.com", is_superuser=True, is_staff=True)
    seller = staff_of(email="seller@example.com")
    url = reverse("wagtailsnippets_catalog_store:edit", args=[lyon.pk])
    client = client_for(boss)

    form = client.get(url).content.decode()
    saved = client.post(
        url,
        {
            "name": lyon.name,
            "code": lyon.code,
            "address": lyon.address,
            "postcode": lyon.postcode,
            "city": lyon.city,
            "opening_hours": lyon.opening_hours,
            "opening_days": "65432",
            "staff": [seller.pk],
        },
    )

    assert 'name="opening_days"' in form and 'name="staff"' in form
    assert saved.status_code == 302
    lyon.refresh_from_db()
    assert lyon.opening_days == "23456"
    assert list(lyon.staff.all()) == [seller]
    assert client_for(seller).get(desk(lyon)).status_code == 200
