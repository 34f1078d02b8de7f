#!/usr/bin/python3
"""`sandboxvfs plan`: formats, --config, errors and exit statuses
(shared/design/CONTRACT.md §3)."""

import json
import os
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
ROOT = os.environ["SVFS_SOURCE_ROOT"]
DEMO = os.path.join(ROOT, "data", "examples", "demo")


def run(*args, stdin=None, cwd=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True,
                          timeout=60, cwd=cwd)


def bundle(tmp_path, **members):
    doc = {"ociVersion": "1.2.0", "root": {"path": "rootfs"}}
    doc.update(members)
    (tmp_path / "config.json").write_text(json.dumps(doc))
    (tmp_path / "rootfs").mkdir(exist_ok=True)
    return str(tmp_path)


def test_json_plan_of_the_demo_bundle():
    r = run("plan", "--format", "json", "--bundle", DEMO)
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert plan["root"]["source"] == os.path.join(DEMO, "rootfs")
    assert plan["root"]["overlay"] == {"medium": "memory"}
    dests = [m["destination"] for m in plan["mounts"]]
    assert dests[-1] == "/tmp"
    # Parents before children: every mount's parent directory that is
    # itself a mount point appears earlier.
    for i, d in enumerate(dests):
        for j, other in enumerate(dests):
            if d != other and d.startswith(other.rstrip("/") + "/"):
                assert j < i, (other, d)
    usr = [m for m in plan["mounts"] if m["destination"] == "/usr"][0]
    assert usr["type"] == "bind" and "ro" in usr["flags"]
    assert plan["devices"][0]["path"] == "/dev/fuse"


def test_relative_root_resolves_against_spec_directory(tmp_path):
    b = bundle(tmp_path)
    r = run("plan", "--format", "json", os.path.join(b, "config.json"))
    assert json.loads(r.stdout)["root"]["source"] == os.path.join(b, "rootfs")


def test_stdin_resolves_against_current_directory(tmp_path):
    b = bundle(tmp_path)
    with open(os.path.join(b, "config.json"), "rb") as f:
        r = run("plan", "--format", "json", "-", stdin=f.read(), cwd=b)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["root"]["source"] == os.path.join(b, "rootfs")


def test_table_is_the_default_and_lists_every_mount():
    r = run("plan", "--bundle", DEMO)
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert lines[0].split() == ["DESTINATION", "TYPE", "SOURCE", "DATA", "FLAGS", "NOTES"]
    assert lines[1].startswith("/ ")
    assert any(line.startswith("/usr ") and " bind " in line for line in lines)


def test_tree_nests_children_under_parents():
    r = run("plan", "--format", "tree", "--bundle", DEMO)
    assert r.returncode == 0
    text = r.stdout.decode()
    lines = text.splitlines()
    dev = next(i for i, line in enumerate(lines) if line.startswith("├─/dev "))
    assert lines[dev + 1].startswith("│ ├─/dev/pts")
    assert any(line.startswith("└─/tmp") for line in lines)


def test_config_changes_the_plan(tmp_path):
    b = bundle(tmp_path)
    r = run("plan", "--format", "json", "--config", "overlay2=none", "--bundle", b)
    assert json.loads(r.stdout)["root"]["overlay"] is None
    r = run("plan", "--format", "json", "--config", "overlay2=root:dir=/var/tmp", "--bundle", b)
    assert json.loads(r.stdout)["root"]["overlay"] == {"medium": "dir=/var/tmp"}


def test_bad_config_value_exits_one_with_invalid_config(tmp_path):
    b = bundle(tmp_path)
    r = run("plan", "--format", "json", "--config", "overlay2=root:bogus", "--bundle", b)
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["code"] == "invalid-config"
    assert "unexpected medium: bogus" in err["message"]


def test_bad_combination_is_checked_when_compiling(tmp_path):
    b = bundle(tmp_path)
    r = run("plan", "--config", "file-access=shared", "--bundle", b)
    assert r.returncode == 1
    assert r.stderr.decode() == \
        "sandboxvfs: overlay flag is incompatible with shared file access for rootfs\n"


def test_compile_error_names_the_mount(tmp_path):
    b = bundle(tmp_path, mounts=[
        {"destination": "/a", "type": "tmpfs"},
        {"destination": "/data", "type": "tmpfs", "options": ["mode=99x"]}])
    r = run("plan", "--format", "json", "--bundle", b)
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["code"] == "invalid-option"
    assert err["message"].startswith('mounts[1] "/data": options[0]: ')


def test_invalid_spec_fails_with_invalid_spec(tmp_path):
    b = bundle(tmp_path, mounts=[{"destination": "rel"}])
    r = run("plan", "--format", "json", "--bundle", b)
    assert r.returncode == 1
    err = json.loads(r.stdout)["error"]
    assert err["code"] == "invalid-spec"
    assert "mounts[0].destination: must be an absolute path" in err["message"]


def test_plan_has_no_side_effects(tmp_path):
    b = bundle(tmp_path, mounts=[{"destination": "/new/dir", "type": "tmpfs"}])
    before = sorted(os.listdir(os.path.join(b, "rootfs")))
    assert run("plan", "--bundle", b).returncode == 0
    assert sorted(os.listdir(os.path.join(b, "rootfs"))) == before == []


@pytest.mark.parametrize("args", [
    [],
    ["--format", "yaml", "x.json"],
    ["--bundle", "/tmp", "x.json"],
    ["a.json", "b.json"],
    ["--nope"],
])
def test_usage_errors_exit_two(args):
    r = run("plan", *args)
    assert r.returncode == 2, (args, r)


def test_skipped_and_warnings_are_shown(tmp_path):
    b = bundle(tmp_path, mounts=[
        {"destination": "/w", "type": "weirdfs"},
        {"destination": "/t", "type": "tmpfs", "options": ["foo"]}])
    r = run("plan", "--bundle", b)
    out = r.stdout.decode()
    assert "skipped  /w (weirdfs): unknown filesystem type" in out
    assert 'warning  ignoring unknown mount option "foo" on /t' in out
