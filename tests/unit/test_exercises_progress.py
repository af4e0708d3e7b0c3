"""Exercise progress leaves the session only as names and hint counts: on the trainer's room
registry (ui/classroom.py) and in the walkthrough export (flows/export.py)."""

from __future__ import annotations

from flows.export import export_json, export_markdown
from flows.steps import StepResult
from ui.classroom import Classroom


def test_the_room_shows_solved_exercises_and_hints_per_attendee():
    room = Classroom()
    room.set_nickname("a", "Kumiko")
    room.record_exercises("a", frozenset({"guest_not_allowed", "expired_token"}), 3)
    row = room.progress().set_index("nickname").loc["Kumiko"]
    assert row["exercises"] == 2 and row["hints"] == 3


def test_the_export_lists_solved_exercises_with_their_hints_in_the_chosen_language():
    results = [StepResult("sign_in")]
    assert "exercises" not in export_json(results)
    exported = export_json(results, exercises={"guest_not_allowed": 1})
    assert exported["exercises"] == [{"name": "guest_not_allowed", "title": "The guest button stopped working",
                                      "hints": 1}]
    markdown = export_markdown(results, lang="ja", exercises={"guest_not_allowed": 2})
    assert "## 演習" in markdown and "ゲストボタンが動かなくなった：解決、ヒント 2 件" in markdown
