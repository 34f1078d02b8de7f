#!/usr/bin/python3
"""`sandboxvfs fstypes`: the registered filesystem types and their flags
(shared/design/CONTRACT.md §3)."""

import json
import os
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]

BUILTINS = ["bind", "cgroup", "cgroup2", "dev", "devpts", "erofs", "mqueue",
            "overlay", "proc", "sysfs", "tmpfs"]


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, timeout=60)


def fstypes_json():
    r = run("fstypes", "--format", "json")
    assert r.returncode == 0, r
    assert r.stderr == b""
    return json.loads(r.stdout)


def test_json_lists_builtins_sorted():
    doc = fstypes_json()
    assert list(doc) == ["filesystem-types"]
    assert [t["name"] for t in doc["filesystem-types"]] == BUILTINS


def test_json_entry_shape():
    for entry in fstypes_json()["filesystem-types"]:
        assert list(entry) == ["name", "allow-user-mount", "allow-user-list",
                               "strict-options", "data-keys"], entry
        assert isinstance(entry["allow-user-mount"], bool)
        assert isinstance(entry["allow-user-list"], bool)
        assert isinstance(entry["strict-options"], bool)
        assert all(isinstance(k, str) for k in entry["data-keys"])


def test_json_values():
    by_name = {t["name"]: t for t in fstypes_json()["filesystem-types"]}
    assert by_name["bind"] == {
        "name": "bind", "allow-user-mount": False, "allow-user-list": False,
        "strict-options": True, "data-keys": []}
    assert by_name["tmpfs"] == {
        "name": "tmpfs", "allow-user-mount": True, "allow-user-list": True,
        "strict-options": False,
        "data-keys": ["mode", "size", "uid", "gid", "nr_inodes", "huge"]}
    assert by_name["dev"]["allow-user-mount"] is False
    assert by_name["dev"]["allow-user-list"] is False
    assert by_name["dev"]["data-keys"] == ["mode", "size", "uid", "gid",
                                           "nr_inodes"]
    assert by_name["erofs"]["allow-user-mount"] is False
    assert by_name["erofs"]["allow-user-list"] is True
    assert by_name["devpts"]["data-keys"] == [
        "newinstance", "ptmxmode", "mode", "uid", "gid", "max"]
    assert by_name["proc"]["data-keys"] == ["hidepid", "subset", "gid"]
    assert "name" in by_name["cgroup"]["data-keys"]
    assert "memory" in by_name["cgroup"]["data-keys"]
    for name in BUILTINS:
        if name != "bind":
            assert by_name[name]["strict-options"] is False, name


def test_table_is_the_default_and_aligned():
    r = run("fstypes")
    assert r.returncode == 0, r
    assert r.stdout == run("fstypes", "--format", "table").stdout
    lines = r.stdout.decode().splitlines()
    assert lines[0].split() == ["NAME", "USER-MOUNT", "USER-LIST", "DATA-KEYS"]
    assert [line.split()[0] for line in lines[1:]] == BUILTINS

    # Every column starts at the same offset as its heading.
    starts = [lines[0].index(h) for h in ("USER-MOUNT", "USER-LIST", "DATA-KEYS")]
    for line in lines[1:]:
        for start in starts:
            assert line[start - 1] == " " and line[start] != " ", (line, start)
        assert line == line.rstrip()


FAULT_PRELOAD = os.environ.get("SVFS_CLI_FAULT_PRELOAD")


@pytest.mark.skipif(FAULT_PRELOAD is None, reason="built without tests/cli/cli-fault-preload.c")
@pytest.mark.parametrize("rename", ["bind=bïnd", "cgroup2=cgröup2€"])
def test_table_aligns_names_that_are_not_ascii(rename):
    """Columns are as wide as their widest cell in characters, and cells
    are padded by characters, not bytes (the preload gives one type a
    name that is not ASCII)."""
    env = dict(os.environ, LD_PRELOAD=FAULT_PRELOAD, SVFS_FAULT_FSTYPE_NAME=rename)
    r = subprocess.run([CLI, "fstypes"], capture_output=True, timeout=60, env=env)
    assert r.returncode == 0, r
    lines = r.stdout.decode().splitlines()
    names = [line.split()[0] for line in lines[1:]]
    assert rename.split("=")[1] in names
    starts = [lines[0].index(h) for h in ("USER-MOUNT", "USER-LIST", "DATA-KEYS")]
    assert starts[0] == max(len(n) for n in names) + 2
    for line in lines[1:]:
        for start in starts:
            assert line[start - 1] == " " and line[start] != " ", (line, start)


def test_table_rows():
    lines = run("fstypes").stdout.decode().splitlines()
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["bind"] == ["bind", "no", "no", "-"]
    assert rows["tmpfs"] == ["tmpfs", "yes", "yes",
                             "mode,size,uid,gid,nr_inodes,huge"]
    assert rows["erofs"] == ["erofs", "no", "yes", "-"]
    assert rows["dev"][1:3] == ["no", "no"]


def test_help():
    r = run("fstypes", "--help")
    assert r.returncode == 0
    assert b"--format" in r.stdout
    r = run("--help")
    assert r.returncode == 0 and b"fstypes" in r.stdout


@pytest.mark.parametrize("args", [
    ["--format", "tree"],
    ["--format", "yaml"],
    ["--format"],
    ["extra"],
    ["--no-such-option"],
])
def test_usage_errors_exit_two(args):
    r = run("fstypes", *args)
    assert r.returncode == 2, (args, r)
    assert r.stdout == b""
    assert r.stderr.startswith(b"sandboxvfs fstypes: "), r.stderr
