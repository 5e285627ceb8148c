"""Project-level error views."""

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page, with the request id a reader can quote; it touches no database.

    Under /api/ it is the API's JSON error instead (a crash outside a view, in a middleware).
    """
    if request.path.startswith("/api/"):
        from deals.api.exceptions import server_error_response

        return server_error_response(request)
    template = loader.get_template(template_name)
    body = template.render({"request_id": getattr(request, "request_id", "")})
    return HttpResponseServerError(body)


def bench_floor(request):
    """The benchmark's floor (BENCH only): a constant, through every middleware."""
    return HttpResponse(b"floor\n", content_type="text/plain")
