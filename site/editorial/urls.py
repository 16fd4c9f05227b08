from django.urls import path

from . import views

app_name = "editorial"
urlpatterns = [
    path("search/", views.search, name="search"),
]
