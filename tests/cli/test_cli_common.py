#!/usr/bin/python3
"""What every `sandboxvfs` command shares (shared/design/CONTRACT.md §3,
"Common"): --help and --version, exit statuses, the one-line failure
message on stderr and the JSON error object only with --format json."""

import json
import os
import re
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
COMMANDS = ["devices", "fstypes", "plan", "run", "validate"]


def run(*args, stdin=None, cwd=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True,
                          timeout=60, cwd=cwd)


def version():
    r = run("--version")
    assert r.returncode == 0, r
    return r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_version(command):
    r = run(command, "--help")
    assert r.returncode == 0, r
    assert r.stdout.startswith(b"Usage:\n  sandboxvfs " + command.encode())
    assert b"--version" in r.stdout
    r = run(command, "--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, version(), b"")
    assert re.fullmatch(rb"sandboxvfs \S+\n", r.stdout)


def test_version_wins_over_missing_operands():
    # As --help does: nothing else is checked.
    r = run("plan", "--version")
    assert (r.returncode, r.stdout) == (0, version())


def test_run_usage_line_names_argv_once():
    usage = run("run", "--help").stdout.decode().splitlines()[1]
    # "…" is "?" outside a UTF-8 locale.
    assert re.fullmatch(r"  sandboxvfs run \[OPTION(…|\?)\] --bundle DIR \[-- ARGV(…|\?)\]", usage), usage


def spec_with_problems(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"mounts": [{"destination": "rel"}]}))
    return str(path)


@pytest.mark.parametrize("stdin", [False, True])
def test_failure_is_one_line_on_stderr(tmp_path, stdin):
    """A spec with several problems fails `plan` with exactly one line
    `sandboxvfs: <message>` that still names each problem."""
    spec = spec_with_problems(tmp_path)
    if stdin:
        with open(spec, "rb") as f:
            r = run("plan", "-", stdin=f.read())
    else:
        r = run("plan", spec)
    assert (r.returncode, r.stdout) == (1, b"")
    err = r.stderr.decode()
    assert err.startswith("sandboxvfs: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    for problem in ("mounts[0].destination: must be an absolute path",
                    "ociVersion: missing", "root: missing"):
        assert problem in err


def test_json_error_keeps_every_problem(tmp_path):
    r = run("plan", "--format", "json", spec_with_problems(tmp_path))
    assert (r.returncode, r.stderr) == (1, b"")
    err = json.loads(r.stdout)["error"]
    assert err["code"] == "invalid-spec"
    assert "ociVersion: missing" in err["message"]
    assert "mounts[0].destination: must be an absolute path" in err["message"]


def test_devices_failure_without_format_json_is_a_stderr_line(tmp_path):
    """`devices` prints JSON by default, but the JSON error object is for
    --format json: without it a failure is the usual stderr line."""
    r = run("devices", "--sysfs-root", str(tmp_path / "nope"))
    assert (r.returncode, r.stdout) == (1, b"")
    err = r.stderr.decode()
    assert err.startswith("sandboxvfs: ") and err.count("\n") == 1, err
    assert "sysfs root" in err

    r = run("devices", "--sysfs-root", str(tmp_path / "nope"), "--format", "json")
    assert (r.returncode, r.stderr) == (1, b"")
    assert json.loads(r.stdout)["error"]["code"] == "not-found"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["fstypes"],
    ["fstypes", "--format", "json"],
    ["--version"],
    ["--help"],
])
def test_output_that_cannot_be_written_is_a_failure(args):
    """A full disk must not pass for success: exit 1 and say so."""
    with open("/dev/full", "wb") as full:
        r = subprocess.run([CLI, *args], stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert r.returncode == 1, r
    err = r.stderr.decode()
    assert err.startswith("sandboxvfs: ") and err.count("\n") == 1, err
    assert "standard output" in err


@pytest.mark.parametrize("command", ["validate", "plan", "run"])
def test_empty_bundle_is_a_usage_error(command):
    # Not the current directory's config.json.
    r = subprocess.run([CLI, command, "--bundle", ""], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stderr
    assert "--bundle: an empty directory name" in r.stderr
