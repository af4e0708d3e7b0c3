"""A wrong password leaves no trace in the sandbox's memory.

The sandbox once raised one module-level exception instance for every wrong password. Each
raise grew that instance's `__traceback__`, whose frames kept their locals (the password)
alive: every mistyped password since start-up could be read back from memory. Each AWS error is
now its own class, raised fresh (sandbox/errors.py), so nothing outlives the request.

The answer itself is Cognito's (aws-facts.md §2.6: NotAuthorizedException "Incorrect username
or password."); boto3 sends the wrong passwords over real HTTP to a running sandbox.
"""

from __future__ import annotations

import gc
import secrets
import threading
from types import TracebackType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import unsigned_client

ATTEMPTS = 60
# The old code kept ~7 traceback entries per wrong password: 420 after 60 attempts. One request's
# own chain is far shorter than this.
LONGEST_FRESH_TRACEBACK = 40


def _send_wrong_passwords(topology: dict[str, Any], marker: str, username: str, flow_client: str) -> None:
    """ATTEMPTS sign-ins with distinct wrong passwords, each containing `marker`. Nothing of them
    stays in this frame: the passwords are built inside the call and dropped with it."""
    serving_before = set(threading.enumerate())
    idp = unsigned_client(topology, "cognito-idp")
    for attempt in range(ATTEMPTS):
        with pytest.raises(ClientError) as caught:
            idp.initiate_auth(ClientId=topology["clients"][flow_client]["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": username, "PASSWORD": f"{marker}{attempt:03d}"})
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("NotAuthorizedException", "Incorrect username or password.")
    idp.close()  # ends the keep-alive connection, and with it the server thread that served it
    del caught, idp
    _wait_for_threads_to_end(set(threading.enumerate()) - serving_before)


def _wait_for_threads_to_end(threads: set[threading.Thread]) -> None:
    # A connection's server thread holds its last request until the connection closes; that is
    # the request's lifetime, not a leak.
    for thread in threads:
        thread.join(timeout=5)


def _holds_marker(value: object, marker: str, marker_bytes: bytes) -> bool:
    if isinstance(value, str):
        return value is not marker and marker in value
    if isinstance(value, (bytes, bytearray)):
        return marker_bytes in value
    return False


def _holders_of(marker: str) -> list[str]:
    """What still references a string (or bytes) containing `marker`, once garbage is collected."""
    gc.collect()
    marker_bytes = marker.encode()
    found = []
    for holder in gc.get_objects():
        for value in gc.get_referents(holder):
            if _holds_marker(value, marker, marker_bytes):
                found.append(f"{type(holder).__name__} holds {value[:60]!r}")
    return found


def _traceback_length(traceback: TracebackType | None) -> int:
    length = 0
    while traceback is not None:
        length, traceback = length + 1, traceback.tb_next
    return length


def _longest_exception_traceback() -> int:
    gc.collect()
    lengths = [_traceback_length(obj.__traceback__) for obj in gc.get_objects() if isinstance(obj, BaseException)]
    return max(lengths, default=0)


@pytest.mark.parametrize(("username", "client"), [("alice", "public"), ("nobody-at-all", "public")])
def test_wrong_passwords_are_not_kept_in_memory(topology, username, client):
    # A known user with a wrong password, and an unknown user (PreventUserExistenceErrors: the same
    # answer, aws-facts.md §2.6): both paths raised the shared instance before.
    marker = f"wrong-{secrets.token_hex(8)}-"
    _send_wrong_passwords(topology, marker, username, client)
    holders = _holders_of(marker)
    assert holders == [], f"{len(holders)} references to wrong passwords survive: {holders[:5]}"


def test_no_exception_traceback_keeps_growing(topology):
    _send_wrong_passwords(topology, f"wrong-{secrets.token_hex(8)}-", "alice", "public")
    first = _longest_exception_traceback()
    _send_wrong_passwords(topology, f"wrong-{secrets.token_hex(8)}-", "alice", "public")
    second = _longest_exception_traceback()
    assert second <= LONGEST_FRESH_TRACEBACK, (first, second)
    assert second <= first or second - first < 10, f"tracebacks grew from {first} to {second} entries"


def test_each_raise_is_a_fresh_exception():
    # The mechanism itself, in process: two raises of the same error are two objects, each with a
    # traceback of its own raise only.
    from sandbox.errors import IncorrectCredentials

    def fail() -> None:
        raise IncorrectCredentials()

    caught = []
    for _ in range(3):
        try:
            fail()
        except IncorrectCredentials as error:
            caught.append(error)
    assert len({id(error) for error in caught}) == 3
    assert [_traceback_length(error.__traceback__) for error in caught] == [2, 2, 2]
