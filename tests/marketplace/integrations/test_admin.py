import hashlib

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace.integrations.models import ApiClient
from marketplace.integrations.services import api_client_create
from tests.factories import MemberFactory


@pytest.fixture
def admin_client(client, db):
    admin = MemberFactory(email="admin@comptoir.example", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def url(name, *args):
    return reverse(f"wagtailsnippets_integrations_apiclient:{name}", args=args)


def test_list_shows_clients_without_their_secret(admin_client):
    client, token = api_client_create(name="pos-lyon", scopes="sales:write")
    response = admin_client.get(url("list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "pos-lyon" in html and client.token_prefix in html
    assert client.token_hash not in html and token not in html


def test_creating_a_client_shows_its_token_once(admin_client):
    form = admin_client.get(url("add")).content.decode()
    assert "token_hash" not in form
    response = admin_client.post(
        url("add"), {"name": "erp", "scopes": "catalog:write, sales:write"}
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    token = message.split("<code>")[1].split("</code>")[0]
    client = ApiClient.objects.get(name="erp")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.scopes == "catalog:write,sales:write"
    # the page after the redirect shows the token once, the next one does not
    assert token in admin_client.get(url("list")).content.decode()
    assert token not in admin_client.get(url("list")).content.decode()


def test_unknown_scope_is_a_form_error(admin_client):
    response = admin_client.post(url("add"), {"name": "erp", "scopes": "root"})
    assert response.status_code == 200
    assert "Unknown scope" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_revoke_box_stops_the_token(admin_client, client):
    api, token = api_client_create(name="erp", scopes="sales:write")
    response = admin_client.post(
        url("edit", api.pk), {"name": "erp", "scopes": "sales:write", "revoked": "on"}
    )
    assert response.status_code == 302
    api.refresh_from_db()
    assert api.revoked_at is not None
    answer = client.post(
        "/api/v1/sales/bulk",
        data={"events": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 401


def test_clients_cannot_be_deleted(admin_client):
    api, _token = api_client_create(name="erp", scopes="sales:write")
    admin_client.post(url("delete", api.pk))
    assert ApiClient.objects.filter(pk=api.pk).exists()


def test_non_staff_cannot_see_clients(client, db):
    client.force_login(MemberFactory())
    response = client.get(url("list"))
    assert response.status_code in (302, 403)
