"""`flashcoop participant role`: a treasurer named and un-named from a shell, run as a user would
(a subprocess on a temp SQLite database), with every refusal."""

from __future__ import annotations

import sqlite3


def ids(tmp_path) -> tuple[str, str, str]:
    """The demo's live cohort, one of its members, and a member of another cohort."""
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        rows = db.execute(
            "SELECT p.cohort_id, p.id FROM participant p JOIN cohort c ON c.id = p.cohort_id "
            "WHERE c.status = 'active' ORDER BY p.joined_at"
        ).fetchall()
        other = db.execute(
            "SELECT id FROM participant WHERE cohort_id != ? LIMIT 1", (rows[0][0],)
        ).fetchone()
    return str(rows[0][0]), str(rows[0][1]), str(other[0])


def role_of(tmp_path, pid: str) -> str:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        return db.execute("SELECT role FROM participant WHERE id = ?", (pid,)).fetchone()[0]


def test_participant_role_command(run_cli, tmp_path):
    assert run_cli("demo").returncode == 0
    cohort, member, stranger = ids(tmp_path)
    named = run_cli(
        "participant", "role", "--cohort", cohort, "--participant", member, "--role", "treasurer"
    )
    assert named.returncode == 0, named.stderr
    assert named.stdout.strip().endswith(": treasurer")
    assert role_of(tmp_path, member) == "treasurer"
    back = run_cli(
        "participant", "role", "--cohort", cohort, "--participant", member, "--role", "member"
    )
    assert back.returncode == 0 and role_of(tmp_path, member) == "member"

    refusals = [
        (("--cohort", "nope", "--participant", member, "--role", "treasurer"), "no cohort"),
        (("--cohort", cohort, "--participant", "nope", "--role", "treasurer"), "no participant"),
        (("--cohort", cohort, "--participant", stranger, "--role", "treasurer"), "no participant"),
    ]
    for args, message in refusals:
        done = run_cli("participant", "role", *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    bad_role = run_cli(
        "participant", "role", "--cohort", cohort, "--participant", member, "--role", "boss"
    )
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert role_of(tmp_path, member) == "member"
