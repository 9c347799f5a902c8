"""The command line, run as a user would: `python -m flashcoop ...` against a temp SQLite DB."""

from __future__ import annotations

from flashcoop.domains import house


def test_migrate_twice_is_fine(run_cli):
    first = run_cli("migrate")
    assert first.returncode == 0, first.stderr
    second = run_cli("migrate")
    assert second.returncode == 0, second.stderr


def test_user_create_then_token_create(run_cli):
    created = run_cli(
        "user",
        "create",
        "--email",
        "anim@example.org",
        "--role",
        "facilitator",
        "--organisation",
        "CAE X",
        "--password-stdin",
        stdin="password123\n",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().isdigit()
    token = run_cli("token", "create", "--email", "anim@example.org")
    assert token.returncode == 0, token.stderr
    lines = token.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fc_") and " " not in lines[0]
    assert token.stderr.strip()  # the advice goes to stderr, not stdout


def test_facilitator_needs_an_organisation(run_cli):
    refused = run_cli(
        "user",
        "create",
        "--email",
        "x@example.org",
        "--role",
        "facilitator",
        "--password-stdin",
        stdin="password123\n",
    )
    assert refused.returncode != 0
    assert refused.stdout == ""


def test_token_for_unknown_user_fails_without_stdout(run_cli):
    refused = run_cli("token", "create", "--email", "nobody@example.org")
    assert refused.returncode != 0
    assert refused.stdout == ""


def test_run_jobs_runs_every_job_once_or_only_the_named_ones(run_cli):
    everything = run_cli("run-jobs")
    assert everything.returncode == 0, everything.stderr
    names = [job.name for job in house().jobs]
    assert {"outbox", "reminders"} <= set(names)
    assert everything.stdout.splitlines() == [f"{name}: 0" for name in names]
    one = run_cli("run-jobs", "--only", "reminders")
    assert one.returncode == 0, one.stderr
    assert one.stdout.splitlines() == ["reminders: 0"]


def test_run_jobs_refuses_an_unknown_job_and_names_the_known_ones(run_cli):
    result = run_cli("run-jobs", "--only", "nope")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nope" in result.stderr and "reminders" in result.stderr and "outbox" in result.stderr


def test_help_lists_only_commands_that_exist(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo", "run-jobs", "user", "token", "ledger"):
        assert command in result.stdout
    assert "close-due" in result.stdout  # the closure capability is installed
