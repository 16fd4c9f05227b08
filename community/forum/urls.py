from django.urls import path

from . import views

app_name = "forum"
urlpatterns = [
    path("forum/", views.forum_index, name="index"),
    path("forum/new/", views.topic_create, name="create"),
    path("forum/c/<slug:slug>/", views.category_detail, name="category"),
    path("forum/c/<slug:slug>/watch/", views.category_watch, name="category_watch"),
    # Any slug after the id: a wrong or outdated one redirects to the right one.
    path("forum/t/<int:pk>-<str:slug>/", views.topic_detail, name="topic"),
    path("forum/t/<int:pk>/", views.topic_detail, name="topic_short"),
    path("forum/t/<int:pk>/reply/", views.post_reply, name="reply"),
    path("forum/t/<int:pk>/watch/", views.topic_watch, name="topic_watch"),
    path("forum/t/<int:pk>/accept/", views.answer_accept, name="accept"),
    path("forum/t/<int:pk>/pin/", views.topic_pin, name="pin"),
    path("forum/t/<int:pk>/close/", views.topic_close, name="close"),
    path("forum/t/<int:pk>/move/", views.topic_move, name="move"),
    path("forum/t/<int:pk>/split/", views.posts_split, name="split"),
    path("forum/t/<int:pk>/merge/", views.topic_merge, name="merge"),
    path("forum/p/<int:pk>/edit/", views.post_edit, name="edit"),
    path("forum/p/<int:pk>/like/", views.post_like, name="like"),
    path("forum/p/<int:pk>/bookmark/", views.post_bookmark, name="bookmark"),
    path("forum/images/<int:pk>/", views.post_image, name="image"),
    path(
        "forum/images/<int:pk>/thumbnail/",
        views.post_image,
        {"thumbnail": True},
        name="image_thumbnail",
    ),
    path("me/forum/", views.my_forum, name="mine"),
    path("me/forum/digest/", views.digest_set, name="digest"),
]
