"""Audit policy: namespaced actions, plain payloads, and a hash that notices any change."""

import pytest

from saferhub.audit.rules import GENESIS_HASH, event_hash, validate_action, validate_payload

FIELDS = {"action": "person.viewed", "actor_id": 3, "payload": {"b": 1, "a": "x"}}


@pytest.mark.parametrize("action", ["member.added", "person.viewed", "signin.two_factor_passed"])
def test_namespaced_actions_are_accepted(action: str) -> None:
    validate_action(action)


@pytest.mark.parametrize("action", ["signout", "Member.added", "member.", ".added", "member added"])
def test_unnamespaced_actions_are_refused(action: str) -> None:
    with pytest.raises(ValueError, match="namespaced"):
        validate_action(action)


def test_plain_payloads_pass() -> None:
    validate_payload(
        {"role": "analyst", "count": 3, "ok": True, "list": [1, "a", None], "nested": {"x": 1}}
    )


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"ratio": 0.5}, "payload.ratio"),
        ({"nested": {"bad": object()}}, "payload.nested.bad"),
        ({"l": [1.5]}, r"payload.l\[0\]"),
    ],
)
def test_floats_and_objects_are_refused_with_their_path(
    payload: dict[str, object], where: str
) -> None:
    with pytest.raises(TypeError, match=where):
        validate_payload(payload)


def test_oversized_payloads_are_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        validate_payload({"text": "x" * 5000})


def test_hash_is_independent_of_key_order() -> None:
    reordered = {"payload": {"a": "x", "b": 1}, "actor_id": 3, "action": "person.viewed"}
    assert event_hash(GENESIS_HASH, FIELDS) == event_hash(GENESIS_HASH, reordered)


def test_hash_changes_with_any_field_or_the_previous_hash() -> None:
    base = event_hash(GENESIS_HASH, FIELDS)
    assert event_hash(GENESIS_HASH, {**FIELDS, "actor_id": 4}) != base
    assert event_hash(GENESIS_HASH, {**FIELDS, "payload": {"a": "y", "b": 1}}) != base
    assert event_hash("1" * 64, FIELDS) != base
