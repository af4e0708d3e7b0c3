"""The room registry behind the trainer page (ui/classroom.py) keeps step names and outcomes only,
and the trainer key's backoff doubles per wrong try (ui/controllers/trainer.py)."""

from __future__ import annotations

from flows.steps import AwsFailure, StepResult
from ui.controllers import trainer
from ui.classroom import Classroom

TOKEN = "eyJraWQiOiJhIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"


def _result(step: str, failure: AwsFailure | None = None) -> StepResult:
    return StepResult(step, [], outputs={"id_token": TOKEN, "SecretKey": "wJalrXUtnFEMI/K7MDENG"}, failure=failure)


class _Topologies:
    released = 0

    def release_all(self) -> int:
        self.released += 3
        return 3


def test_progress_per_nickname_and_failures_per_step_without_any_secret():
    room = Classroom()
    room.set_nickname("a", "  Kumiko   S.  ")
    room.record("a", _result("sign_in"))
    room.record("b", _result("sign_in", AwsFailure("NotAuthorizedException", f"Incorrect password for {TOKEN}")))
    room.record("b", _result("sign_in", AwsFailure("NotAuthorizedException", "again")))
    progress = room.progress().set_index("nickname")
    assert progress.loc["Kumiko S.", "sign_in"] == "✓" and progress.loc["—", "sign_in"] == ""
    failures = room.failures()
    assert failures.to_dict("records") == [{"step": "sign_in", "failures": 2, "attendees": 1,
                                            "errors": "NotAuthorizedException ×2"}]
    shown = progress.to_csv() + failures.to_csv() + repr(room)
    assert TOKEN not in shown and "wJalrXUtnFEMI" not in shown and "Incorrect password" not in shown


def test_reset_releases_every_topology_and_forgets_the_progress():
    room, topologies = Classroom(), _Topologies()
    room.topologies = topologies
    room.record("a", _result("tokens"))
    assert room.reset() == 3 and topologies.released == 3 and room.progress().empty


def test_each_wrong_key_doubles_the_wait_up_to_five_minutes():
    assert [trainer.wait_after(n) for n in range(0, 5)] == [0, 1, 2, 4, 8]
    assert trainer.wait_after(30) == trainer.MAX_WAIT_SECONDS == 300
