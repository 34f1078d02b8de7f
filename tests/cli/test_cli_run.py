#!/usr/bin/python3
"""`sandboxvfs run` (shared/design/CONTRACT.md §3): builds the bundle's view
in new namespaces, runs the process, exits with its status and leaves
nothing on the host.  Needs root (CI runs as root; a skip counts as a
failure there)."""

import json
import os
import shutil
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
DEMO = os.path.join(os.environ["SVFS_SOURCE_ROOT"], "data", "examples", "demo")

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="building namespaces needs root")


def run(*args):
    return subprocess.run([CLI, "run", *args], capture_output=True, timeout=60, text=True)


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def tree(path):
    out = []
    for root, dirs, files in os.walk(path):
        for name in sorted(dirs + files):
            p = os.path.join(root, name)
            st = os.lstat(p)
            out.append((os.path.relpath(p, path), st.st_mode, st.st_size, st.st_mtime_ns))
    return sorted(out)


@pytest.fixture
def bundle(tmp_path):
    shutil.copytree(DEMO, tmp_path / "demo", symlinks=True)
    return tmp_path / "demo"


def test_runs_the_spec_process(bundle):
    before_mounts, before_tree = host_mounts(), tree(bundle)
    r = run("--bundle", str(bundle))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "demo\nhello\nscratch\n"
    assert host_mounts() == before_mounts
    assert tree(bundle) == before_tree


def test_argv_and_exit_status(bundle):
    assert run("--bundle", str(bundle), "--", "sh", "-c", "exit 42").returncode == 42
    r = run("--bundle", str(bundle), "--", "sh", "-c", "kill -9 $$")
    assert r.returncode == 128 + 9
    r = run("--bundle", str(bundle), "--", "sh", "-c", "echo $HOME $(pwd); id -u")
    assert r.stdout == "/root /\n0\n"


def test_config_overlay_none_writes_through(bundle):
    r = run("--config", "overlay2=none", "--bundle", str(bundle), "--", "sh", "-c", "echo x > /etc/written")
    assert r.returncode == 0, r.stderr
    assert (bundle / "rootfs" / "etc" / "written").read_text() == "x\n"


def test_failures(bundle):
    before = host_mounts()
    r = run()
    assert r.returncode == 2
    r = run("--bundle", str(bundle), "--config", "overlay2=bogus")
    assert r.returncode == 1 and r.stderr.startswith("sandboxvfs: ")

    doc = json.loads((bundle / "config.json").read_text())
    doc["mounts"].append({"destination": "/data", "type": "bind", "source": "/nonexistent-svfs",
                          "options": ["bind"]})
    (bundle / "config.json").write_text(json.dumps(doc))
    r = run("--bundle", str(bundle))
    assert r.returncode == 1
    assert r.stderr.startswith('sandboxvfs: mounts[8] "/data": ')
    assert "No such file or directory" in r.stderr

    doc["mounts"][-1] = {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}
    (bundle / "config.json").write_text(json.dumps(doc))
    r = run("--bundle", str(bundle))
    assert r.returncode == 1
    assert "not supported yet" in r.stderr and "/sys/fs/cgroup" in r.stderr

    r = run("--bundle", str(bundle), "--", "/no/such/program")
    assert r.returncode == 1
    assert host_mounts() == before
