"""export_dataset and import_dataset: the round trip loses nothing, and a file that cannot be
imported is refused with a message and nothing written."""

from __future__ import annotations

import gzip
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deals import dataset, editorial, services
from deals.models import Company, Deal, Source
from tests import factories

pytestmark = pytest.mark.django_db


def everything() -> dict[str, list]:
    """Every row of every table a dataset holds, accounts without their passwords."""
    User = apps.get_model("auth", "User")
    rows = {
        "auth.user": [
            (*(getattr(u, f) for f in dataset.USER_FIELDS), sorted(g.name for g in u.groups.all()))
            for u in User.objects.order_by("pk")
        ],
        "auth.group": [
            (
                g.name,
                sorted(
                    g.permissions.values_list(
                        "content_type__app_label", "content_type__model", "codename"
                    )
                ),
            )
            for g in Group.objects.order_by("name")
        ],
    }
    for model in dataset.dataset_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[dataset.table_name(model)] = list(
            model._base_manager.order_by("pk").values_list(*columns)
        )
    return rows


def empty_the_database() -> None:
    """What `flush` would leave (minus the groups and permissions migrations make), inside the
    test's transaction: no records, no history, no accounts."""
    User = apps.get_model("auth", "User")
    with connection.cursor() as cursor:
        for model in reversed(dataset.dataset_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    User.objects.all().delete()


@pytest.fixture
def story_with_edits(django_user_model):
    """The demo story, then edits by a named editor: a changed deal, a withdrawn and
    republished company, changed source links (m2m history), an account in a group."""
    call_command("load_story", verbosity=0)
    editor = django_user_model.objects.create_user(
        username="김기자", password="not exported", is_staff=True, email="kim@example.kr"
    )
    editor.groups.add(Group.objects.get(name="Desk editors"))
    deal = Deal.objects.order_by("pk").first()
    deal._history_user = editor
    services.deal_update(
        deal=deal,
        fields={"title": deal.title + " (corrected) <b>", "summary": "삼성 ㅅㅅ 🚀 \u202e"},
    )
    company = Company.objects.published().order_by("pk").first()
    editorial.record_unpublish(record=company, by=editor, note="Withdrawn", note_ko="철회")
    company.refresh_from_db()
    editorial.record_publish(record=company, by=editor)
    company.refresh_from_db()
    company._history_user = editor
    services.record_save(record=company, sources=list(Source.objects.order_by("pk")[:2]))
    return editor


def test_round_trip_loses_nothing(story_with_edits, tmp_path):
    before = everything()
    assert len(before["deals.historicaldeal"]) > len(before["deals.deal"])
    assert before["deals.historicaldeal_sources"] and before["deals.company_sources"]
    assert any(row[-1] for row in before["auth.user"])  # an account with a group
    path = tmp_path / "dataset.jsonl.gz"

    call_command("export_dataset", str(path), verbosity=0)
    empty_the_database()
    assert not any(everything()[name] for name in before if name != "auth.group")
    call_command("import_dataset", str(path), verbosity=0)

    after = everything()
    for name, rows in before.items():
        assert after[name] == rows, name
    # Accounts come back without a usable password, and new rows get fresh ids.
    User = apps.get_model("auth", "User")
    assert not User.objects.get(username="김기자").has_usable_password()
    assert Source.objects.create(slug="after-import", title="x").pk > max(
        row[0] for row in before["deals.source"]
    )


def test_file_holds_no_password_hash_or_token(small_dataset, django_user_model, tmp_path):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=django_user_model.objects.get(username="someone"))
    path = tmp_path / "dataset.jsonl.gz"
    call_command("export_dataset", str(path), verbosity=0)
    text = gzip.decompress(path.read_bytes()).decode()
    assert "pbkdf2" not in text and "argon2" not in text and token.key not in text
    header = json.loads(text.split("\n", 1)[0])
    assert header["format"] == "dealtracker-dataset" and header["version"] == 1
    assert header["migrations"]["deals"]


# --- Refused files ------------------------------------------------------------------------------


@pytest.fixture
def small_dataset(django_user_model):
    """A few records with history and an account: enough for the refusals, and quick."""
    user = django_user_model.objects.create_user(username="someone", password="x" * 20)
    source = factories.SourceFactory()
    company = factories.CompanyFactory(parent=factories.CompanyFactory())
    company.sources.set([source])
    company._history_user = user
    services.record_save(record=company)
    return company


@pytest.fixture
def exported(small_dataset, tmp_path):
    """A good file, and the database emptied, ready for an import."""
    path = tmp_path / "good.jsonl.gz"
    call_command("export_dataset", str(path), verbosity=0)
    empty_the_database()
    return path


def rewrite(path, tmp_path, change) -> str:
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(("\n".join(change(lines)) + "\n").encode()))
    return str(bad)


def with_header(**fields):
    def change(lines):
        return [json.dumps({**json.loads(lines[0]), **fields}), *lines[1:]]

    return change


def refused(path: str, message: str) -> None:
    counts = {name: len(rows) for name, rows in everything().items()}
    with pytest.raises(CommandError, match=message):
        call_command("import_dataset", path, verbosity=0)
    assert {name: len(rows) for name, rows in everything().items()} == counts


def test_other_format_version_is_refused(exported, tmp_path):
    refused(rewrite(exported, tmp_path, with_header(version=2)), "format version 2")


def test_other_format_is_refused(exported, tmp_path):
    refused(rewrite(exported, tmp_path, with_header(format="something-else")), "not a")


def test_file_from_newer_migrations_is_refused(exported, tmp_path):
    newer = with_header(migrations={"deals": ["9999_from_the_future"]})
    refused(rewrite(exported, tmp_path, newer), "newer dealtracker.*9999_from_the_future")


def test_truncated_file_is_refused_and_nothing_written(exported, tmp_path):
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(exported.read_bytes()[: len(exported.read_bytes()) // 2])
    refused(str(cut), "damaged")


def test_file_without_its_end_line_is_refused(exported, tmp_path):
    refused(rewrite(exported, tmp_path, lambda lines: lines[:-1]), "cut short")


def test_file_missing_rows_is_refused(exported, tmp_path):
    refused(rewrite(exported, tmp_path, lambda lines: [*lines[:-3], lines[-1]]), "do not match")


def test_not_gzip_is_refused(exported, tmp_path):
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"\x00\xff not a dataset")
    refused(str(junk), "damaged or not gzip")


def test_damaged_row_is_refused(exported, tmp_path):
    refused(
        rewrite(exported, tmp_path, lambda lines: [*lines[:5], "{not json", *lines[5:]]), "not JSON"
    )


def test_non_empty_database_is_refused(small_dataset, tmp_path):
    path = tmp_path / "good.jsonl.gz"
    call_command("export_dataset", str(path), verbosity=0)
    refused(str(path), "not empty")
