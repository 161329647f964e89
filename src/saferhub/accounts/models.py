"""Users and the record of sign-in attempts that throttling reads."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. Their organisation and role come from their Membership."""

    must_change_password = models.BooleanField(
        default=False, help_text="Set when an administrator issues a temporary password."
    )

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SignInAttempt(models.Model):
    """One attempt to sign in, kept to throttle guessing (policy in accounts.rules)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    attempted_at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.username} at {self.attempted_at:%Y-%m-%d %H:%M}"
