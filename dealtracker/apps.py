"""App configs of the project itself."""

from django.contrib.admin.apps import AdminConfig


class EditorsAdminConfig(AdminConfig):
    """Django's admin, with the editors' site (dealtracker/admin_site.py) as its default."""

    default_site = "dealtracker.admin_site.EditorsAdminSite"
