from django.urls import path

from .consumers import ProductStockConsumer

websocket_urlpatterns: list = [
    path("ws/products/<int:product_id>/stock/", ProductStockConsumer.as_asgi()),
]
