from django.urls import path

from . import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.idea_list, name="list"),
    path("ideas/new/", views.idea_create, name="create"),
    path("ideas/similar/", views.idea_similar, name="similar"),
    path("ideas/how-it-works/", views.how_it_works, name="how_it_works"),
    path("ideas/<int:pk>-<slug:slug>/", views.idea_detail, name="detail"),
    # Short links (/ideas/12/) answer with the full address.
    path("ideas/<int:pk>/", views.idea_detail, {"slug": ""}, name="detail_short"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="edit"),
    path("ideas/<int:pk>/submit/", views.idea_submit, name="submit"),
    path("ideas/<int:pk>/withdraw/", views.idea_withdraw, name="withdraw"),
    path("ideas/<int:pk>/support/", views.idea_support, name="support"),
    path("ideas/<int:pk>/originators/", views.idea_originators, name="originators"),
    path("ideas/<int:pk>/comments/", views.idea_comment, name="comment"),
    path("ideas/photos/<int:pk>/", views.idea_photo, name="photo"),
    path(
        "ideas/photos/<int:pk>/thumbnail/",
        views.idea_photo,
        {"thumbnail": True},
        name="photo_thumbnail",
    ),
    path("me/ideas/", views.my_ideas, name="mine"),
    path(
        "me/ideas/invitations/<int:pk>/",
        views.invitation_answer,
        name="invitation_answer",
    ),
]
