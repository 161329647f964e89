"""Checks that the configured database answers, with one clear line when it does not."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import OperationalError, connection


def redacted_database_url() -> str:
    """DATABASE_URL with any password hidden, safe to print."""
    url: str = settings.DATABASE_URL
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1****@", url)


def database_problem() -> str | None:
    """None if the database answers; otherwise a one-line explanation naming DATABASE_URL."""
    try:
        connection.ensure_connection()
    except OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"cannot reach the database at DATABASE_URL={redacted_database_url()}: {reason}"
    return None
