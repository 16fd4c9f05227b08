"""Websocket routes registered at the live-routes point (comptoir/routing.py)."""

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.urls import path
from wagtail import hooks

from comptoir.asgi import application
from comptoir.routing import WEBSOCKET_ROUTES_HOOK, websocket_urlpatterns

pytestmark = [
    # The session middleware reads the database on every connection.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ORIGIN = [(b"origin", b"http://testserver")]


class GreetingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json(
            {"type": "hello", "name": self.scope["url_route"]["kwargs"]["name"]}
        )


def greeting_routes():
    return [path("ws/greetings/<slug:name>/", GreetingConsumer.as_asgi())]


def open_and_listen(url: str):
    async def scenario():
        socket = WebsocketCommunicator(application, url, headers=ORIGIN)
        connected, _ = await socket.connect()
        message = await socket.receive_json_from(timeout=5) if connected else None
        await socket.disconnect()
        return connected, message

    return async_to_sync(scenario)()


def test_a_registered_route_answers_through_the_real_application():
    # given an app that registers a route
    with hooks.register_temporarily(WEBSOCKET_ROUTES_HOOK, greeting_routes):
        # when a page opens it
        connected, message = open_and_listen("/ws/greetings/lyon/")

    # then its consumer answers, behind the same origin and session checks
    assert connected
    assert message == {"type": "hello", "name": "lyon"}


def test_a_route_no_longer_registered_is_refused():
    with hooks.register_temporarily(WEBSOCKET_ROUTES_HOOK, greeting_routes):
        open_and_listen("/ws/greetings/lyon/")

    with pytest.raises(ValueError, match="No route found"):
        open_and_listen("/ws/greetings/lyon/")


def test_every_app_with_consumers_registers_its_routes():
    routes = {str(route.pattern) for route in websocket_urlpatterns()}

    assert {
        "ws/products/<int:product_id>/stock/",
        "ws/notifications/",
        "ws/moderation/queue/",
    } <= routes
