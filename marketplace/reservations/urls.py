from django.urls import path

from . import views

app_name = "reservations"

urlpatterns = [
    # ?product=<sku>&store=<code>: SKUs may hold a slash, so never in the path.
    path("reservations/new/", views.reservation_new, name="new"),
    path("me/reservations/", views.my_reservations, name="mine"),
    path("me/reservations/<str:code>/", views.reservation_detail, name="detail"),
    path("me/reservations/<str:code>/qr.svg", views.reservation_qr, name="qr"),
    path("me/reservations/<str:code>/cancel/", views.reservation_cancel, name="cancel"),
]
