"""Who may do what through the API, and how often.

- Anyone reads published records. A signed-in user with the model's `view` permission (the
  Editors group has it) also reads drafts.
- Writes need a token and the model's `add` or `change` permission, as in the admin.
- DELETE is not offered at all (405 for everyone): deleting stays an admin-only act.
- Anonymous clients are throttled per scope (`anon` for reads, `anon-export` for the bulk
  export); signed-in clients share the `user` rate. Rates are in settings.REST_FRAMEWORK.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle


class EditorPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Django model permissions, read-only for anonymous users, no deleting for anyone."""

    def has_permission(self, request, view):
        if request.method.lower() not in view.http_method_names:
            raise exceptions.MethodNotAllowed(request.method)
        if request.method in SAFE_METHODS and not self.perms_map.get(request.method):
            # Reads need no model permission (which drafts show is can_see_drafts' question);
            # the parent would build the view's whole queryset only to learn its model.
            return True
        return super().has_permission(request, view)


def can_see_drafts(request, model) -> bool:
    """Signed-in users with the model's view permission see drafts; everyone else does not."""
    user = request.user
    if not (user and user.is_authenticated):
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class AnonScopedRateThrottle(ScopedRateThrottle):
    """Throttles anonymous clients by IP under the view's `throttle_scope`."""

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class SignedInRateThrottle(UserRateThrottle):
    """The `user` rate for signed-in clients; anonymous ones are left to the scoped throttle."""

    def allow_request(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return True
        return super().allow_request(request, view)
