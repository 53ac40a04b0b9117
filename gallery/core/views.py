from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gallery.studio import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"results": selectors.results_public()[:8]})
