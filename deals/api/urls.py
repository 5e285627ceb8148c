"""The JSON API, versioned under /api/v1/."""

app_name = "api"

urlpatterns: list = []
