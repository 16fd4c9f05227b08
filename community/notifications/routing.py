from django.urls import path

from .consumers import NotificationCountConsumer

websocket_urlpatterns: list = [
    path("ws/notifications/", NotificationCountConsumer.as_asgi()),
]
