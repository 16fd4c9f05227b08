"""The site's URLs plus /bench/zero/: the same stack, no query, nothing rendered."""

from django.http import HttpResponse
from django.urls import include, path


def zero(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/zero/", zero),
    path("", include("comptoir.urls")),
]
