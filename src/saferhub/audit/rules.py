"""Audit policy without a database: the DPA 2018 s.62 operations and the event hash.

The hash of an event covers every recorded field and the previous event's hash, so changing,
removing or reordering any event breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class Operation(StrEnum):
    """Data Protection Act 2018 s.62 logging operations; NONE for security events
    (such as a failed sign-in) that process no record."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    NONE = "none"


class Outcome(StrEnum):
    """Whether the action happened or was refused (refusals are audited too)."""

    SUCCEEDED = "succeeded"
    REFUSED = "refused"


PayloadValue = str | int | bool | None | list["PayloadValue"] | dict[str, "PayloadValue"]


def validate_action(action: str) -> None:
    """Actions are namespaced: `member.added`, `person.viewed`."""
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"audit action {action!r} must be namespaced like 'member.added'")


def validate_payload(payload: Mapping[str, Any], *, path: str = "payload") -> None:
    """A payload is small and plain: strings, whole numbers, booleans, lists and objects.

    Floats are refused because their text form can change in the database, which would
    break the hash.
    """
    if len(json.dumps(payload, default=str)) > 4000:
        raise ValueError(f"{path} is too large for an audit event (over 4,000 characters)")
    for key, value in payload.items():
        if not isinstance(key, str):
            raise TypeError(f"{path} keys must be text, not {key!r}")
        _validate_value(value, f"{path}.{key}")


def _validate_value(value: object, path: str) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _validate_value(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        validate_payload(value, path=path)
        return
    raise TypeError(f"{path} must be text, a whole number, a boolean, a list or an object")


def event_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    """The SHA-256 of the previous hash and the event's fields in canonical JSON."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()
