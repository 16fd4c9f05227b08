from django.urls import path

from . import views

app_name = "reservations"

urlpatterns = [
    # Filled by the "pages" helper: /reservations/new/, /me/reservations/,
    # /me/reservations/<code>/ (name "detail"), cancel, QR.
]
