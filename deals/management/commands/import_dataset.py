"""Restore a dataset file into an empty, migrated database (see deals/dataset.py)."""

from django.core.management.base import BaseCommand, CommandError

from deals import dataset


class Command(BaseCommand):
    help = (
        "Restore a file written by export_dataset into an empty database, all or nothing. "
        "Refuses a non-empty database, another format version, or a file made by newer code. "
        "Imported accounts have no usable password: set one with changepassword."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            counts = dataset.import_dataset(file, using=database)
        except dataset.DatasetError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Imported {total} rows of {len(counts)} tables from {file}.")
        )
