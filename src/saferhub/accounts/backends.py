"""How a signed-in member is loaded on every request.

Django's username-and-password backend, except that `get_user` (called once per request by
the authentication middleware) fetches in ONE query the user, their membership and
organisation, and the two facts the sign-in middleware checks on every page: whether a
partnership of their organisation requires two-factor sign-in, and whether they have a
confirmed authenticator app. Without it every page paid five queries before its own work.

The facts are read fresh from the database on each request (nothing is cached between
requests), so turning two-factor on for a partnership, enrolling an authenticator or
deactivating a membership takes effect on the member's very next page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.models import User
from saferhub.organisations.models import Membership, Organisation, Partnership

# Attribute names the annotations are loaded under (read by accounts.middleware).
REQUIRES_TWO_FACTOR = "loaded_partnership_requires_two_factor"
HAS_TWO_FACTOR_DEVICE = "loaded_has_two_factor_device"


def _two_factor_facts() -> dict[str, RawSQL]:
    """The two facts as SQL beside the user's row (compiled far more cheaply than the same
    EXISTS written as ORM subqueries, which cost more than the rest of the query)."""
    quote = connection.ops.quote_name
    user = quote(User._meta.db_table)
    membership = quote(Membership._meta.db_table)
    links = Organisation.partnerships.through._meta.db_table
    partnership = Partnership._meta.db_table
    device = TOTPDevice._meta.db_table
    return {
        # Constant table and column names from the models: nothing from a request.
        REQUIRES_TWO_FACTOR: RawSQL(  # noqa: S611
            f"EXISTS (SELECT 1 FROM {quote(links)} l JOIN {quote(partnership)} p"  # noqa: S608
            f" ON p.id = l.partnership_id WHERE l.organisation_id ="
            f" {membership}.organisation_id AND p.require_two_factor)",
            (),
            output_field=BooleanField(),
        ),
        HAS_TWO_FACTOR_DEVICE: RawSQL(  # noqa: S611
            f"EXISTS (SELECT 1 FROM {quote(device)} d"  # noqa: S608
            f" WHERE d.user_id = {user}.id AND d.confirmed)",
            (),
            output_field=BooleanField(),
        ),
    }


class MemberBackend(ModelBackend):
    """Username and password sign-in; loads the member with what every page checks."""

    def get_user(self, user_id: Any) -> User | None:
        """The active user with this id, their membership and organisation, and the
        two-factor facts, in one query; None if there is no such active user."""
        try:
            user = (
                User._default_manager.select_related("membership__organisation")
                .annotate(**_two_factor_facts())
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
