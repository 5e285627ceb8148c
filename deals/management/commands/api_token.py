"""Show a user's API token, making it first if the user has none. One token per user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of a user, creating it when missing. With --reset, replace it "
        "(the old token stops working at once). With --delete, remove it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Login name of the user.")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--reset", action="store_true", help="Replace the token.")
        action.add_argument("--delete", action="store_true", help="Remove the token.")

    @transaction.atomic
    def handle(self, *args, username, reset=False, delete=False, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; an inactive user's token is refused.")
        if reset or delete:
            Token.objects.filter(user=user).delete()
        if delete:
            self.stderr.write(f"Token of {username!r} deleted.")
            return
        token, created = Token.objects.get_or_create(user=user)
        if created:
            self.stderr.write(f"New token made for {username!r}.")
        # The key alone on stdout, so scripts can capture it: TOKEN=$(manage.py api_token ...)
        self.stdout.write(token.key)
