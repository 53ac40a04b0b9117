import math
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timeuntil

from gallery.core.http import client_ip

from . import selectors
from .forms import SignUpForm
from .throttles import throttle_wait


def too_many(request: HttpRequest, *, title: str, reason: str, wait_seconds: float) -> HttpResponse:
    """The 429 page of the account forms: why, and when to try again (rounded up to the minute)."""
    minutes = max(1, math.ceil(wait_seconds / 60))
    now = timezone.now()
    context = {"title": title, "reason": reason, "retry_in": timeuntil(now + timedelta(minutes=minutes), now)}
    response = render(request, "registration/too_many.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def locked_out(request: HttpRequest, *args: object) -> HttpResponse:
    """django-axes' answer to a log-in at a locked address (AXES_LOCKOUT_CALLABLE)."""
    wait = selectors.login_open_again_at(client_ip(request)) - timezone.now()
    return too_many(
        request,
        title="Log-in paused",
        reason="There were too many wrong passwords from your network, so log-in is paused here for a while, "
        "even with the right password.",
        wait_seconds=wait.total_seconds(),
    )


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("studio:dashboard")
    if request.method == "POST" and (wait := throttle_wait(request, "signup", client_ip(request))):
        return too_many(
            request, title="Too many sign-ups", reason="Many accounts were made from your network.", wait_seconds=wait
        )
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Upload a photo and a style to begin.")
        return redirect("studio:dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class PasswordResetView(auth.PasswordResetView):
    """Django's, with a budget per address and per e-mail address (whether it has an account or not)."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        wait = throttle_wait(request, "password_reset", client_ip(request)) or throttle_wait(
            request, "password_reset_email", request.POST.get("email", "")
        )
        if wait:
            return too_many(
                request,
                title="Too many reset requests",
                reason="Several reset links were asked for from your network or for this e-mail address; "
                "the ones already sent still work.",
                wait_seconds=wait,
            )
        return super().post(request, *args, **kwargs)
