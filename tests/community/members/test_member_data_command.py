"""`manage.py member_data export|erase EMAIL`: what an operator types and sees."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from community.notifications.services import notification_send
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marie():
    member = MemberFactory(email="marie@example.fr", display_name="Marie Dupont")
    notification_send(recipient=member, kind="welcome", title="Bienvenue")
    return member


def run(*args, typed=None, monkeypatch=None):
    if typed is not None:
        monkeypatch.setattr("builtins.input", lambda prompt: typed)
    out = io.StringIO()
    call_command("member_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_prints_the_json_of_the_member(marie):
    # when the operator exports Marie's data, typing her address in another case
    output = run("export", "Marie@Example.fr")
    # then the JSON document is printed
    export = json.loads(output)
    assert export["member"]["email"] == "marie@example.fr"
    assert export["sections"]["profile"]["display_name"] == "Marie Dupont"
    assert [n["title"] for n in export["sections"]["notifications"]] == ["Bienvenue"]


def test_export_writes_the_json_to_a_file(marie, tmp_path):
    # when the operator asks for a file
    target = tmp_path / "marie.json"
    output = run("export", "marie@example.fr", "--output", str(target))
    # then the file holds the export, and nothing is printed
    assert output == ""
    export = json.loads(target.read_text(encoding="utf-8"))
    assert export["sections"]["profile"]["email"] == "marie@example.fr"


@pytest.mark.parametrize("action", ["export", "erase"])
def test_an_unknown_address_is_a_clear_error(marie, action):
    # when the operator mistypes the address
    with pytest.raises(CommandError, match="No member has the e-mail address"):
        run(action, "mari@example.fr", "--yes" if action == "erase" else "--")


def test_erase_refuses_without_the_address_typed_again(marie, monkeypatch):
    # when the operator types something else at the confirmation
    with pytest.raises(CommandError, match="Erasure cancelled"):
        run("erase", "marie@example.fr", typed="yes", monkeypatch=monkeypatch)
    # then nothing is erased
    marie.refresh_from_db()
    assert marie.email == "marie@example.fr" and marie.is_active
    assert marie.notifications.count() == 1


def test_erase_refuses_when_nobody_can_answer(marie, monkeypatch):
    # given no terminal to type into (a script, a cron job)
    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    # when the erasure is asked without --yes
    with pytest.raises(CommandError, match="Erasure cancelled"):
        run("erase", "marie@example.fr")
    # then nothing is erased
    marie.refresh_from_db()
    assert marie.is_active


def test_erase_after_confirmation_prints_what_each_section_erased(marie, monkeypatch):
    # when the operator types the address again
    output = run(
        "erase", "marie@example.fr", typed="marie@example.fr", monkeypatch=monkeypatch
    )
    # then the account is anonymised and each section says what it did
    assert "notifications: 1" in output
    assert "profile: 1" in output
    assert f"Member #{marie.pk} erased." in output
    marie = get_user_model().objects.get(pk=marie.pk)
    assert marie.email.endswith("@erased.invalid")
    assert not marie.notifications.exists()


def test_erase_with_yes_asks_nothing(marie, monkeypatch):
    # given a prompt that would fail the test if shown
    def no_prompt(prompt):
        raise AssertionError("asked for confirmation")

    monkeypatch.setattr("builtins.input", no_prompt)
    # when the operator passes --yes
    output = run("erase", "marie@example.fr", "--yes")
    # then the erasure runs at once
    assert f"Member #{marie.pk} erased." in output
