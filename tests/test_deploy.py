"""The operator guide and the deploy/ samples name only what exists, and the samples hold:
every setting in the environment file, the app's body limit under nginx's, and the nginx and
systemd files accepted by their own checkers when those are installed."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flashcoop.cli import build_parser
from flashcoop.core.settings import Settings
from flashcoop.web.security import MAX_API_BYTES, MAX_FORM_BYTES

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "operator-guide.md"
DEPLOY = ROOT / "deploy"
NGINX = DEPLOY / "nginx.conf"
UNIT = DEPLOY / "flashcoop.service"
ENV_EXAMPLE = DEPLOY / "flashcoop.env.example"


def _commands() -> set[str]:
    """`flashcoop` commands, with their subcommands ("ledger verify")."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.add(f"{prefix}{name}")
                    walk(sub, f"{prefix}{name} ")

    walk(build_parser(), "")
    return found


def test_the_guide_names_files_that_exist():
    text = GUIDE.read_text()
    named = set(re.findall(r"`((?:deploy|docs|tests|bench|scripts|flashcoop)/[\w./-]+)`", text))
    named |= {f"docs/{link}" for link in re.findall(r"\]\(([\w.-]+\.md)\)", text)}
    assert {"deploy/nginx.conf", "deploy/flashcoop.service"} <= named
    assert [path for path in sorted(named) if not (ROOT / path).exists()] == []


def test_the_guide_and_the_unit_run_commands_that_exist():
    commands = _commands()
    # Written as commands: in backticks or after the program's path (prose such as
    # "flashcoop writes …" is not a command).
    used = {
        f"{first} {second}" if f"{first} {second}" in commands else first
        for text in (GUIDE.read_text(), UNIT.read_text())
        for first, second in re.findall(
            r"(?:`|/bin/)flashcoop ([a-z][a-z-]*) ?([a-z][a-z-]*)?", text
        )
    }
    assert used - commands == set()
    assert {"serve", "migrate", "run-jobs", "ledger verify"} <= used


def test_the_guide_names_real_settings():
    text = GUIDE.read_text() + ENV_EXAMPLE.read_text()
    named = set(re.findall(r"\bFLASHCOOP_[A-Z_]+\b", text))
    assert named - set(Settings.documented()) == set()


def test_the_environment_file_sets_every_setting():
    lines = ENV_EXAMPLE.read_text().splitlines()
    assigned = {line.split("=", 1)[0] for line in lines if re.match(r"^[A-Z_]+=", line)}
    assert set(Settings.documented()) - assigned == set()
    assert {name for name in assigned if name.startswith("FLASHCOOP_")} <= set(
        Settings.documented()
    )


def test_the_unit_serves_several_workers_as_an_unprivileged_user():
    unit = UNIT.read_text()
    assert re.search(r"^ExecStart=\S+/flashcoop serve .*--workers \d+", unit, re.M)
    assert re.search(r"^EnvironmentFile=/etc/flashcoop/flashcoop.env$", unit, re.M)
    user = re.search(r"^User=(\S+)$", unit, re.M)
    assert user and user.group(1) != "root"
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"):
        assert option in unit


def _nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_nginx_lets_through_what_the_app_accepts():
    conf = NGINX.read_text()
    [size] = re.findall(r"^\s*client_max_body_size (\S+);", conf, re.M)
    assert _nginx_size(size) >= max(MAX_FORM_BYTES, MAX_API_BYTES)
    # The app compresses its answers; nginx compresses only the static files it serves.
    assert re.search(r"^\s*gzip off;", conf, re.M)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in conf
    assert "return 301 https://" in conf


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_sample(tmp_path: Path):
    # A throwaway certificate where the sample expects Let's Encrypt's, and a main file
    # around the sample, which is a site file for the http { } context.
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=flashcoop.example.org",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = NGINX.read_text().replace("/etc/letsencrypt/live/flashcoop.example.org/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n{mime}\ninclude {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
def test_systemd_accepts_the_unit(tmp_path: Path):
    # The unit as installed, pointing at this checkout's program instead of /opt/flashcoop.
    program = Path(sys.executable).parent / "flashcoop"
    if not program.exists():
        pytest.skip("the flashcoop program is not installed in this environment")
    unit = UNIT.read_text().replace("/opt/flashcoop/.venv/bin/flashcoop", str(program))
    (tmp_path / "flashcoop.service").write_text(unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "flashcoop.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
