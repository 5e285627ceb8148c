"""Write the whole tracker to one dataset file (see deals/dataset.py for what it holds)."""

from django.core.management.base import BaseCommand, CommandError

from deals import dataset


class Command(BaseCommand):
    help = (
        "Write every record, every history table, the source links and the accounts that "
        "histories name (no password hashes, no tokens) to one gzip JSON-lines file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, such as dealtracker-2025-11-01.jsonl.gz")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            counts = dataset.export_dataset(file, using=database)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error}") from None
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {total} rows of {len(counts)} tables to {file}.")
        )
