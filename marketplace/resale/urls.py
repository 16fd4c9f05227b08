from django.urls import path

from . import views
from .conversation_views import conversation_urlpatterns
from .dac7_views import dac7_urlpatterns
from .purchase_views import plug_urlpatterns

app_name = "resale"

urlpatterns = [
    path("resale/", views.listing_list, name="list"),
    path("resale/new/", views.listing_create, name="new"),
    path("resale/<int:pk>-<slug:slug>/", views.listing_detail, name="detail"),
    # Short links (/resale/12/) answer with the full address.
    path("resale/<int:pk>/", views.listing_detail, {"slug": ""}, name="detail_short"),
    path("resale/<int:pk>/edit/", views.listing_edit, name="edit"),
    path("resale/<int:pk>/submit/", views.listing_submit, name="submit"),
    path("resale/<int:pk>/offer/", views.listing_offer, name="offer"),
    path("resale/<int:pk>/reserve/", views.listing_reserve, name="reserve"),
    path("resale/<int:pk>/withdraw/", views.listing_withdraw, name="withdraw"),
    path("resale/<int:pk>/relist/", views.listing_relist, name="relist"),
    path("resale/<int:pk>/buyback/", views.listing_buyback, name="buyback"),
    path(
        "resale/offers/<int:pk>/<slug:action>/", views.offer_answer, name="offer_answer"
    ),
    path(
        "resale/handoffs/<int:pk>/cancel/", views.handoff_cancel, name="handoff_cancel"
    ),
    path("resale/photos/<int:pk>/", views.listing_photo, name="photo"),
    path(
        "resale/photos/<int:pk>/thumbnail/",
        views.listing_photo,
        {"thumbnail": True},
        name="photo_thumbnail",
    ),
    path("me/listings/", views.my_listings, name="my_listings"),
    path("me/listings/handoffs/<int:pk>/qr.svg", views.handoff_qr, name="handoff_qr"),
    path(
        "me/listings/handoffs/<int:pk>/rate/", views.handoff_rate, name="handoff_rate"
    ),
    # The other resale helpers' pages: conversations, purchases, tax details.
    *conversation_urlpatterns,
    *plug_urlpatterns,
    *dac7_urlpatterns,
]
