import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGOUT_URL = "/admin/logout/"


@pytest.fixture
def moderator_client(client):
    moderator = get_user_model().objects.create_superuser(
        email="moderation@comptoir.example", password="x"
    )
    client.force_login(moderator)
    return client


def test_a_link_to_the_admin_logout_keeps_the_moderator_signed_in(moderator_client):
    # Given a moderator in the admin, when any page makes their browser GET the
    # logout address (a link, an <img src>)…
    response = moderator_client.get(LOGOUT_URL)

    # …then it is refused and the session (and its cookie) survive.
    assert response.status_code == 405
    assert "sessionid" not in response.cookies
    assert moderator_client.get("/admin/").status_code == 200


def test_the_admin_logout_button_still_logs_out(moderator_client):
    response = moderator_client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert moderator_client.get("/admin/").status_code == 302
