"""Creates the Editors group: add, change and view every deal model; no delete, no users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED_MODELS = [
    "company", "person", "source", "exchangerate", "deal", "dealparty", "dealevent",
    "dealmeeting", "meeting", "attendance", "project", "projectparty",
]
ACTIONS = ["add", "change", "view"]


def create_editors(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ACTIONS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="deals", codename__in=codenames)
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
