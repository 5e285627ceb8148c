"""The Editors group made by the data migration: they write the deal records, but delete
nothing and never touch user accounts."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def deal_models():
    """The deals app's own models, without the history tables simple_history adds."""
    return [
        model
        for model in apps.get_app_config("deals").get_models()
        if not hasattr(model, "instance_type")
    ]


@pytest.fixture
def editors_permissions():
    group = Group.objects.get(name="Editors")
    return {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }


def test_deals_app_has_the_models_the_group_is_meant_for():
    names = {model._meta.model_name for model in deal_models()}

    assert {
        "company",
        "person",
        "source",
        "exchangerate",
        "deal",
        "dealparty",
        "dealevent",
        "dealmeeting",
        "meeting",
        "attendance",
        "project",
        "projectparty",
    } <= names


@pytest.mark.parametrize("model", deal_models(), ids=lambda m: m._meta.model_name)
def test_editors_may_add_change_and_view_every_deal_model(editors_permissions, model):
    name = model._meta.model_name

    for action in ("add", "change", "view"):
        assert ("deals", f"{action}_{name}") in editors_permissions


@pytest.mark.parametrize("model", deal_models(), ids=lambda m: m._meta.model_name)
def test_editors_may_not_delete_any_deal_model(editors_permissions, model):
    assert ("deals", f"delete_{model._meta.model_name}") not in editors_permissions


def test_editors_hold_no_delete_permission_at_all(editors_permissions):
    deleting = [code for _app, code in editors_permissions if code.startswith("delete_")]
    assert deleting == []


def test_editors_may_not_touch_users_groups_or_permissions(editors_permissions):
    assert {app for app, _codename in editors_permissions} == {"deals"}
    accounts = ("_user", "_group", "_permission")
    assert [code for _app, code in editors_permissions if code.endswith(accounts)] == []


def test_editor_user_has_the_permissions_through_the_group(editor):
    assert editor.has_perm("deals.add_deal")
    assert editor.has_perm("deals.change_dealparty")
    assert editor.has_perm("deals.view_exchangerate")
    assert not editor.has_perm("deals.delete_deal")
    assert not editor.has_perm("auth.change_user")
    assert not editor.has_perm("auth.add_user")
