"""Make an editor account: a staff user in the Editors group. Asks for the password."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create an editor (a staff user in the Editors group, or Desk editors with --desk). "
        "The password is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="Login name; asked for when missing.")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--desk",
            action="store_true",
            help="Make a desk editor, who may also publish, unpublish, revert and merge.",
        )
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of asking.",
        )

    def handle(self, *args, username=None, email="", password_from_env=None, desk=False, **options):
        username = username or input("Username: ").strip()
        if not username:
            raise CommandError("A username is needed.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        if password_from_env:
            password = os.environ.get(password_from_env, "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            group = "Desk editors" if desk else "Editors"
            user.groups.add(Group.objects.get(name=group))
        self.stdout.write(self.style.SUCCESS(f"{group[:-1]} {username!r} created."))
