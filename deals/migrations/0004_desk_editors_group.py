"""Creates the Desk editors group: everything editors may do, plus publish, unpublish and
revert. Editors keep add, change and view; they submit for review but do not publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_MODELS = ["company", "person", "source", "exchangerate", "deal", "meeting", "project"]
CHILD_MODELS = ["dealparty", "dealevent", "dealmeeting", "attendance", "projectparty"]


def create_desk_editors(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}"
        for model in RECORD_MODELS + CHILD_MODELS
        for action in ("add", "change", "view")
    ]
    deals_permissions = Permission.objects.filter(content_type__app_label="deals")
    editing = deals_permissions.filter(codename__in=codenames)
    desk, _created = Group.objects.get_or_create(name="Desk editors")
    desk.permissions.set(list(editing) + list(deals_permissions.filter(codename="publish")))
    editors, _created = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editing)


def remove_desk_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Desk editors").delete()


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_workflow_versions_and_link_history")]

    operations = [migrations.RunPython(create_desk_editors, remove_desk_editors)]
