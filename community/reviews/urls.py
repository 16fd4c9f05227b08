from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("reviews/how-it-works/", views.how_it_works, name="how_it_works"),
    path("products/<slug:slug>/reviews/new/", views.review_create, name="create"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="delete"),
    path("reviews/<int:pk>/vote/", views.review_vote, name="vote"),
    path("reviews/<int:pk>/respond/", views.review_respond, name="respond"),
    path("me/reviews/", views.my_reviews, name="mine"),
    path("reviews/photos/<int:pk>/", views.review_photo, name="photo"),
    path(
        "reviews/photos/<int:pk>/thumbnail/",
        views.review_photo,
        {"thumbnail": True},
        name="photo_thumbnail",
    ),
]
