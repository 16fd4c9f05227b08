"""Bearer-token authentication and scopes for the integration API."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from .models import ApiClient
from .services import api_client_authenticate


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` of a live client holding `scope`.

    No header, a malformed one, an unknown or revoked token: 401. A good token
    without the scope: 403, so the sender knows the token works but lacks a right.
    """

    openapi_description = "Token given by `manage.py api_client create`."

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        parts = header.split(" ")
        if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
            raise AuthenticationError(
                message=(
                    "Missing or malformed Authorization header; "
                    "send 'Authorization: Bearer <token>'."
                )
            )
        return self.authenticate(request, parts[1])

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = api_client_authenticate(token=token)
        if client is None:
            raise AuthenticationError(message="Unknown or revoked token.")
        if not client.has_scope(self.scope):
            raise AuthorizationError(
                message=f"This token lacks the {self.scope!r} scope."
            )
        return client
