#!/usr/bin/python3
"""Applying a plan from Python: Svfs.Mounter.apply and Svfs.MountNamespace
(spawn, wait, the mount table read back, close).  Python has threads of
its own after a few GLib calls, so this is also the threaded-caller case.
Needs root (CI runs as root; a skip counts as a failure there)."""

import json
import os

import gi
gi.require_version("Svfs", "1")
from gi.repository import Gio, GLib, Svfs  # noqa: E402

import pytest  # noqa: E402



@pytest.fixture
def bundle(tmp_path):
    rootfs = tmp_path / "rootfs"
    (rootfs / "etc").mkdir(parents=True)
    (rootfs / "usr").mkdir()
    for name in ("bin", "lib", "lib64", "sbin"):
        (rootfs / name).symlink_to("usr/" + name)
    (rootfs / "etc" / "hostname").write_text("rootfs\n")
    doc = {
        "ociVersion": "1.2.0",
        "process": {"args": ["/bin/sh", "-c", "echo from-spec"], "cwd": "/etc",
                    "env": ["PATH=/usr/bin:/bin", "WHO=spec"], "user": {"uid": 0, "gid": 0}},
        "root": {"path": "rootfs"},
        "hostname": "py",
        "mounts": [
            {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
            {"destination": "/data", "type": "tmpfs", "options": ["size=1m", "noexec"]},
        ],
        "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}],
                  "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]},
    }
    (tmp_path / "config.json").write_text(json.dumps(doc))
    return tmp_path


def host_state():
    with open("/proc/self/mountinfo") as f:
        return f.read(), os.stat("/proc/self/ns/mnt").st_ino


def run(ns, argv, env=None, cwd=None):
    r, w = os.pipe()
    try:
        pid = ns.spawn_with_fds(argv, env, cwd, [-1, w, 2])
    finally:
        os.close(w)
    out = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        out += chunk
    os.close(r)
    ok, status = ns.wait(pid)
    assert ok
    return os.waitstatus_to_exitcode(status), out.decode()


def test_apply_spawn_and_read_back(bundle):
    before = host_state()
    spec = Svfs.Spec.new_from_file(str(bundle / "config.json"))
    mounter = Svfs.Mounter.new(spec, None)
    plan = mounter.compile()
    ns = mounter.apply(plan, None)
    assert isinstance(ns, Svfs.MountNamespace)
    assert ns.props.pid > 0

    # The spec's process, env and cwd by default.
    assert run(ns, None) == (0, "from-spec\n")
    assert run(ns, ["sh", "-c", "echo $WHO $(pwd) $(hostname)"]) == (0, "spec /etc py\n")
    assert run(ns, ["sh", "-c", "echo $WHO $(pwd)"], ["WHO=me"], "/") == (0, "me /\n")
    code, out = run(ns, ["sh", "-c", "echo hi > /hi && cat /hi && ! touch /usr/x 2>/dev/null; exit 5"])
    assert (code, out) == (5, "hi\n")
    assert not (bundle / "rootfs" / "hi").exists()

    # The table read back has every planned destination, in plan schema.
    seen = {m.props.destination: m for m in ns.get_mounts()}
    for m in plan:
        assert m.props.destination in seen, m.props.destination
    assert "noexec" in seen["/data"].dup_flags_string()
    assert seen["/usr"].props.fs_type == "bind"
    assert seen["/usr"].get_readonly()
    table = json.loads(ns.to_json())
    assert table["root"]["overlay"] == {"medium": "memory"}
    assert [d["path"] for d in table["devices"]] == ["/dev/fuse"]
    assert table["devices"][0]["major"] == 10

    fd = ns.dup_mount_ns_fd()
    assert os.fstat(fd).st_ino != os.stat("/proc/self/ns/mnt").st_ino
    os.close(fd)

    ns.close()
    assert ns.is_closed()
    assert host_state() == before


def test_apply_async_and_wait_async(bundle):
    before = host_state()
    spec = Svfs.Spec.new_from_file(str(bundle / "config.json"))
    mounter = Svfs.Mounter.new(spec, None)
    loop = GLib.MainLoop()
    result = {}

    def applied(m, res):
        result["ns"] = m.apply_finish(res)
        ns = result["ns"]
        pid = ns.spawn(["sh", "-c", "exit 3"], None, None)

        def waited(n, res2):
            result["status"] = n.wait_finish(res2)
            loop.quit()
        ns.wait_async(pid, None, waited)

    mounter.apply_async(None, None, None, applied)
    GLib.timeout_add_seconds(30, loop.quit)
    loop.run()
    ok, status = result["status"]
    assert ok and os.waitstatus_to_exitcode(status) == 3
    result["ns"].close()
    assert host_state() == before


def test_source_fds_and_errors(bundle):
    spec = Svfs.Spec.new_from_file(str(bundle / "config.json"))
    mounter = Svfs.Mounter.new(spec, None)
    plan = mounter.compile()
    assert plan.get_n_source_fds() == 2

    fds = Gio.UnixFDList.new()
    fds.append(os.open(str(bundle / "rootfs"), os.O_PATH | os.O_DIRECTORY))
    with pytest.raises(GLib.Error) as e:
        mounter.apply_with_fds(plan, fds, None)
    assert e.value.matches(Svfs.error_quark(), Svfs.Error.SOURCE_FDS)

    fds.append(os.open("/usr", os.O_PATH | os.O_DIRECTORY))
    ns = mounter.apply_with_fds(plan, fds, None)
    assert run(ns, ["cat", "/etc/hostname"]) == (0, "rootfs\n")
    with pytest.raises(GLib.Error) as e:
        ns.spawn(["/no/such/program"], None, None)
    assert e.value.matches(Svfs.error_quark(), Svfs.Error.NOT_FOUND)
    ns.close()
