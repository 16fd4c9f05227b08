"""The API's plug-in point (sections.py): an app's section brings scopes that
clients may be given, in the service, the admin's model validation and the
command; a scope nobody registered is still refused."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from ninja import Router
from wagtail import hooks

from marketplace.integrations.models import ApiClient
from marketplace.integrations.sections import API_SECTION_HOOK, ApiSection, api_scopes
from marketplace.integrations.services import api_client_create


def run(*args) -> str:
    out = StringIO()
    call_command("api_client", *args, stdout=out)
    return out.getvalue()


def inventory_section():
    return ApiSection(
        name="inventory", router=Router(), scopes={"inventory:read": "Count shelves"}
    )


def test_every_scope_is_offered_the_reservations_one_with_its_words():
    scopes = api_scopes()

    assert {"catalog:write", "sales:write", "reservations:write"} <= set(scopes)
    assert str(scopes["reservations:write"]) == (
        "Read reservations and mark them collected"
    )


@pytest.mark.django_db
def test_a_registered_sections_scope_may_be_given_and_is_refused_once_gone():
    # given an app that registers a section with its own scope
    with hooks.register_temporarily(API_SECTION_HOOK, inventory_section):
        client, _token = api_client_create(
            name="inventory", scopes="inventory:read, sales:write"
        )
        assert client.scope_list == ["inventory:read", "sales:write"]

    # without the section the scope means nothing, and is refused
    with pytest.raises(ValidationError, match="Unknown scope: inventory:read"):
        api_client_create(name="inventory-2", scopes="inventory:read")
    assert not ApiClient.objects.filter(name="inventory-2").exists()


@pytest.mark.django_db
def test_the_model_validation_accepts_section_scopes_and_names_the_known_ones():
    ApiClient(name="till", scopes="reservations:write").clean()

    with pytest.raises(ValidationError) as refused:
        ApiClient(name="till", scopes="reservations:write,reservations:delete").clean()

    message = " ".join(refused.value.message_dict["scopes"])
    assert "Unknown scope: reservations:delete" in message
    assert "reservations:write" in message  # among the known ones


@pytest.mark.django_db
def test_the_command_gives_a_section_scope_and_the_token_reaches_its_endpoint(client):
    output = run("create", "till-lyon", "--scopes", "reservations:write")
    token = output.strip().splitlines()[-1]

    assert ApiClient.objects.get(name="till-lyon").scope_list == ["reservations:write"]
    # the endpoint answers about the request, not about the token
    response = client.get(
        "/api/v1/reservations/",
        {"store": "atlantis"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "Unknown store code" in response.json()["detail"]
    # and the scope gives nothing else
    response = client.post(
        "/api/v1/sales/bulk",
        data={"events": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_command_still_refuses_an_unknown_scope():
    with pytest.raises(CommandError, match="Unknown scope: reservations:delete"):
        run("create", "till", "--scopes", "reservations:write,reservations:delete")
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_a_sections_router_is_mounted_under_api_v1(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "get" in paths["/api/v1/reservations/"]
    assert "post" in paths["/api/v1/reservations/{reservation_id}/collected"]
