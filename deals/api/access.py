"""Who may do what through the API, and how often.

- Anyone reads published records. A signed-in user with the model's `view` permission (the
  Editors group has it) also reads drafts.
- Writes need a token and the model's `add` or `change` permission, as in the admin.
- DELETE is not offered at all (405 for everyone): deleting stays an admin-only act.
- Anonymous clients are throttled per scope (`anon` for reads, `anon-export` for the bulk
  export); signed-in clients share the `user` rate. Rates are in settings.REST_FRAMEWORK.
  The counts are kept per fixed window (a minute for "120/minute"): one atomic counter in the
  shared cache per client and window, one round trip a request.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from deals.cache import count_in_window


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


class FixedWindowRateThrottle(SimpleRateThrottle):
    """DRF's rate throttle, counted per fixed window instead of over a sliding one.

    DRF keeps every client's request times as a list in the cache, read and written back on
    each request (two round trips and a pickled list); that was a third of the cost of an API
    answer served from the cache. Here each client has one counter per window (`rate`'s period,
    aligned to the clock), added to and read back in one atomic round trip; the window's end
    gives Retry-After. As with any fixed window, a client can spend one window's allowance at
    its end and the next one's at the start of the next.
    """

    def window(self, request, view) -> tuple[str, int] | None:
        """The counter this request adds one to and how many seconds it lives, or None when
        this throttle does not apply to the request."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return None
        self.now = self.timer()
        start = int(self.now // self.duration) * self.duration
        self.window_end = start + self.duration
        return f"{self.key}:{start}", self.duration

    def allows(self, count: int) -> bool:
        """Whether a request that brought its window's counter to `count` may go on."""
        return count <= self.num_requests

    def allow_request(self, request, view):
        window = self.window(request, view)
        return window is None or self.allows(count_in_window(*window))

    def wait(self):
        return max(self.window_end - self.now, 1)


class AnonScopedRateThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """Throttles anonymous clients by IP under the view's `throttle_scope`."""

    allow_request = FixedWindowRateThrottle.allow_request  # the scope is read in window()

    def window(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        # What ScopedRateThrottle.allow_request does before counting.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return None
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().window(request, view)


class SignedInRateThrottle(UserRateThrottle, FixedWindowRateThrottle):
    """The `user` rate for signed-in clients; anonymous ones are left to the scoped throttle."""

    def window(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().window(request, view)
