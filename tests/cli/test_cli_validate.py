#!/usr/bin/python3
"""`sandboxvfs validate`: exit statuses, problem lines and formats
(shared/design/CONTRACT.md §3)."""

import json
import os
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
DATA = os.environ["SVFS_TEST_DATA"]
SPECS = os.path.join(DATA, "specs")


def run(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True,
                          timeout=60)


def minimal(**overrides):
    spec = {
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["/bin/true"], "cwd": "/"},
    }
    spec.update(overrides)
    return spec


def write(tmp_path, spec):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(spec) if not isinstance(spec, str) else spec)
    return str(path)


def test_valid_spec_exits_zero_and_prints_nothing(tmp_path):
    r = run("validate", write(tmp_path, minimal()))
    assert r.returncode == 0, r
    assert r.stdout == b""


def test_bundle_reads_config_json(tmp_path):
    write(tmp_path, minimal())
    r = run("validate", "--bundle", str(tmp_path))
    assert r.returncode == 0, r


def test_stdin(tmp_path):
    r = run("validate", "-", stdin=json.dumps(minimal()).encode())
    assert r.returncode == 0, r


def test_relative_destination_names_the_mount(tmp_path):
    spec = minimal(mounts=[
        {"destination": "/a", "type": "tmpfs"},
        {"destination": "/b", "type": "tmpfs"},
        {"destination": "relative", "type": "tmpfs"},
    ])
    r = run("validate", write(tmp_path, spec))
    assert r.returncode == 1
    assert r.stdout.decode().splitlines() == [
        "mounts[2].destination: must be an absolute path"]


def test_bad_device_type(tmp_path):
    spec = minimal(linux={"devices": [
        {"path": "/dev/x", "type": "x", "major": 1, "minor": 3}]})
    r = run("validate", write(tmp_path, spec))
    assert r.returncode == 1
    assert 'linux.devices[0].type: invalid type "x" (expected b, c, u or p)' \
        in r.stdout.decode().splitlines()


def test_missing_root_path(tmp_path):
    spec = minimal(root={})
    r = run("validate", write(tmp_path, spec))
    assert r.returncode == 1
    assert "root.path: missing" in r.stdout.decode().splitlines()


def test_one_line_per_problem(tmp_path):
    spec = minimal(root={}, mounts=[{"destination": "x"}])
    r = run("validate", write(tmp_path, spec))
    lines = r.stdout.decode().splitlines()
    assert r.returncode == 1
    assert "root.path: missing" in lines
    assert "mounts[0].destination: must be an absolute path" in lines
    assert len(lines) == 2


def test_malformed_json_names_line_and_column(tmp_path):
    r = run("validate", write(tmp_path, '{\n  "ociVersion": "1.0",\n  oops\n}'))
    assert r.returncode == 1
    out = r.stdout.decode()
    # json-glib reports where it noticed the error: the token before "oops".
    assert out.startswith(("line 2, column", "line 3, column")), out


def test_json_format_lists_problems(tmp_path):
    spec = minimal(root={})
    r = run("validate", "--format", "json", write(tmp_path, spec))
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["valid"] is False
    assert "root.path: missing" in doc["problems"]


def test_json_format_valid(tmp_path):
    r = run("validate", "--format=json", write(tmp_path, minimal()))
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"valid": True, "problems": []}


def test_missing_file_fails_with_message(tmp_path):
    r = run("validate", str(tmp_path / "nope.json"))
    assert r.returncode == 1
    assert r.stderr.decode().startswith("sandboxvfs: ")
    assert "nope.json" in r.stderr.decode()


def test_missing_file_json_error_object(tmp_path):
    r = run("validate", "--format", "json", str(tmp_path / "nope.json"))
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["error"]["code"] == "not-found"
    assert "nope.json" in doc["error"]["message"]


@pytest.mark.parametrize("args", [
    [],
    ["--no-such-option", "x"],
    ["a.json", "b.json"],
    ["--bundle", "/tmp", "a.json"],
    ["--format", "yaml", "a.json"],
])
def test_usage_errors_exit_two(args):
    r = run("validate", *args)
    assert r.returncode == 2, (args, r)
    assert r.stderr


def test_bad_config_value_is_invalid_config(tmp_path):
    r = run("validate", "--format", "json", "--config", "overlay2=root:bogus",
            write(tmp_path, minimal()))
    assert r.returncode == 1
    assert json.loads(r.stdout)["error"]["code"] == "invalid-config"


def test_oversized_stdin_is_refused_without_reading_everything():
    big = b'{"a": "' + b"x" * (16 * 1024 * 1024 + 10) + b'"}'
    r = run("validate", "-", stdin=big)
    assert r.returncode == 1
    assert "16 MiB" in r.stdout.decode() + r.stderr.decode()


def test_oversized_file_is_refused_unread_naming_it(tmp_path):
    # A sparse 1 GiB file: refused from its size, before anything is read.
    path = tmp_path / "config.json"
    with open(path, "wb") as f:
        f.truncate(1 << 30)
    r = run("validate", str(path))
    assert r.returncode == 1
    assert r.stdout == b""
    assert r.stderr.decode() == \
        f"sandboxvfs: {path}: larger than 16 MiB (1073741824 bytes)\n"


def test_directory_is_refused_at_once(tmp_path):
    path = tmp_path / "config.json"
    path.mkdir()
    r = subprocess.run([CLI, "validate", "--format", "json", str(path)],
                       capture_output=True, timeout=10)
    assert r.returncode == 1
    assert json.loads(r.stdout) == {"error": {
        "code": "invalid-spec", "message": f"{path}: not a regular file or a pipe"}}


def test_pipes_are_read(tmp_path):
    # A FIFO without a writer must not hang the command: it reads as empty.
    path = tmp_path / "config.json"
    os.mkfifo(path)
    r = subprocess.run([CLI, "validate", "--format", "json", str(path)],
                       capture_output=True, timeout=10)
    assert r.returncode == 1
    assert json.loads(r.stdout) == {"valid": False, "problems": ["the spec is empty"]}
    # A shell's <(cmd) is a pipe: read to its end.
    good = os.path.join(SPECS, "valid", sorted(os.listdir(os.path.join(SPECS, "valid")))[0])
    r = subprocess.run(["bash", "-c", f'exec "$0" validate <(cat "$1")', CLI, good],
                       capture_output=True, timeout=10)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    # Its relative root.path resolves against the current directory, as
    # for standard input (not /dev/fd).
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"ociVersion": "1.2.0", "root": {"path": "rootfs"}}))
    r = subprocess.run(["bash", "-c", f'exec "$0" plan --format json <(cat "$1")', CLI, str(spec)],
                       capture_output=True, timeout=10, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["root"]["source"] == str(tmp_path / "rootfs")


def test_deep_nesting_does_not_crash(tmp_path):
    r = run("validate", write(tmp_path, "[" * 200000))
    assert r.returncode == 1
    assert "nesting" in r.stdout.decode()


def test_corpus_valid_specs_validate_cleanly():
    valid = os.path.join(SPECS, "valid")
    names = sorted(os.listdir(valid))
    assert names, "the valid spec corpus is empty"
    for name in names:
        r = run("validate", os.path.join(valid, name))
        assert r.returncode == 0, (name, r.stdout.decode())


def test_corpus_invalid_specs_print_expected_lines():
    invalid = os.path.join(SPECS, "invalid")
    names = sorted(n for n in os.listdir(invalid) if n.endswith(".json"))
    assert names, "the invalid spec corpus is empty"
    for name in names:
        path = os.path.join(invalid, name)
        with open(path[:-len(".json")] + ".expected") as f:
            expected = f.read().splitlines()
        r = run("validate", path)
        assert r.returncode == 1, name
        assert r.stdout.decode().splitlines() == expected, name


def test_example_bundle_is_valid():
    root = os.path.dirname(os.path.dirname(DATA))
    r = run("validate", "--bundle", os.path.join(root, "data", "examples", "demo"))
    assert r.returncode == 0, r.stdout.decode()


def test_top_level_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and b"validate" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith(b"sandboxvfs ")
    r = run("frobnicate")
    assert r.returncode == 2
