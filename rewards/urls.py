from django.urls import path

from . import views

app_name = "rewards"
urlpatterns = [
    path("me/wallet/", views.wallet, name="wallet"),
    path("me/wallet/join/", views.wallet_join, name="wallet_join"),
    path("me/wallet/payout/", views.payout_create, name="payout_create"),
    path(
        "me/wallet/payouts/<int:payout_id>/", views.payout_detail, name="payout_detail"
    ),
    path("me/wallet/statement.csv", views.statement_export, name="statement_csv"),
]
