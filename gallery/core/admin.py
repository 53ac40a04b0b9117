"""Other packages' admin actions, put behind the permissions they need.

Django offers an action that declares no permissions to anyone who may view the list; ours declare
theirs with @admin.action(permissions=...). django-q2's "resubmit" and django-axes' "clean up" declare
none, so their admins are registered again here without them or with actions that do
(tests/test_admin_actions_need_permissions.py checks every registered admin).
"""

from __future__ import annotations

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_q import admin as q_admin
from django_q.models import Failure, Success


@admin.action(description=q_admin.resubmit_task.short_description, permissions=["resubmit"])
def resubmit_tasks(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    q_admin.resubmit_task(model_admin, request, queryset)


class SuccessAdmin(q_admin.TaskAdmin):
    actions = [resubmit_tasks]

    def has_resubmit_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)


class FailureAdmin(q_admin.FailAdmin):
    actions = [resubmit_tasks]

    def has_resubmit_permission(self, request: HttpRequest) -> bool:
        # a resubmitted failure is deleted from this list
        return self.has_change_permission(request) and self.has_delete_permission(request)


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    # Not axes' "clean up expired attempts": it fails on an admin request (it reads an attribute only a log-in
    # sets), and every log-in cleans them anyway. Deleting attempts (unlocking) stays, behind "delete".
    actions = []


for model, model_admin in ((Success, SuccessAdmin), (Failure, FailureAdmin), (AccessAttempt, AccessAttemptAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
