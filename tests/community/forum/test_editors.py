"""Editors manage the forum's categories in the admin (migration 0003)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from community.forum.models import ForumCategory
from community.forum.wagtail_hooks import ForumCategoryViewSet
from tests.factories import MemberFactory


@pytest.fixture
def editor(db):
    user = MemberFactory(display_name="Edith", slug="edith")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_editors_hold_every_permission_on_categories(editor):
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"forum.{action}_forumcategory")


def test_an_editor_sees_and_edits_the_categories_in_the_admin(client, editor):
    ForumCategory.objects.create(name="Jardinage", slug="jardinage")
    client.force_login(editor)
    viewset = ForumCategory.snippet_viewset

    menu = client.get("/admin/").content.decode()
    listing = client.get(_url(viewset, "list"))
    added = client.post(
        _url(viewset, "add"),
        {
            "name": "Outillage",
            "slug": "outillage",
            "description": "",
            "colour": "#1f6b3a",
            "position": "20",
            "who_may_start": "members",
        },
    )

    assert "Forum categories" in menu
    assert listing.status_code == 200
    assert "Jardinage" in listing.content.decode()
    assert added.status_code == 302
    assert ForumCategory.objects.filter(slug="outillage").exists()


def test_a_member_outside_the_group_does_not(client, db):
    client.force_login(MemberFactory(display_name="Zoe", slug="zoe"))
    viewset = ForumCategory.snippet_viewset
    response = client.get(_url(viewset, "list"))
    assert response.status_code in (302, 403)
    assert isinstance(viewset, ForumCategoryViewSet)


def _url(viewset, name: str) -> str:
    return reverse(viewset.get_url_name(name))
