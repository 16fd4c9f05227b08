import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from marketplace.integrations.models import ApiClient


def run(*args) -> str:
    out = StringIO()
    call_command("api_client", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_prints_the_token_once_and_stores_only_its_hash(client):
    # when an operator creates a client
    output = run("create", "pos-lyon", "--scopes", "catalog:write,sales:write")
    # then the token is the last line printed
    token = output.strip().splitlines()[-1]
    assert len(token) >= 40
    stored = ApiClient.objects.get(name="pos-lyon")
    # and only its hash and a short prefix are stored
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(stored.token_prefix)
    assert len(stored.token_prefix) < 12
    assert token not in {f.value_from_object(stored) for f in ApiClient._meta.fields}
    assert stored.scope_list == ["catalog:write", "sales:write"]
    # and the token works
    response = client.post(
        "/api/v1/sales/bulk",
        data={"events": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    # and listing never shows it again
    listing = run("list")
    assert "pos-lyon" in listing
    assert token not in listing
    assert stored.token_prefix in listing


@pytest.mark.django_db
def test_unknown_scope_is_refused():
    with pytest.raises(CommandError, match="Unknown scope"):
        run("create", "erp", "--scopes", "catalog:write,admin")
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_two_clients_cannot_share_a_name():
    run("create", "erp", "--scopes", "sales:write")
    with pytest.raises(CommandError, match="name"):
        run("create", "erp", "--scopes", "sales:write")


@pytest.mark.django_db
def test_revoke_stops_the_token(client):
    token = run("create", "erp", "--scopes", "sales:write").strip().splitlines()[-1]
    output = run("revoke", "erp")
    assert "Revoked erp" in output
    response = client.post(
        "/api/v1/sales/bulk",
        data={"events": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401
    assert "revoked" in run("list")


@pytest.mark.django_db
def test_revoking_an_unknown_client_says_so():
    with pytest.raises(CommandError, match="No API client named"):
        run("revoke", "ghost")
