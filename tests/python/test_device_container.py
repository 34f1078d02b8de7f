#!/usr/bin/python3
"""GPU and TPU nodes found on a (simulated) host end up in the container:
discovery → plan → apply → a process inside sees character devices with
the right major and minor.  As root the nodes are made with mknod, so the
host does not need the real hardware.  Needs root (CI runs as root)."""

import json
import os
import stat

import gi
gi.require_version("Svfs", "1")
from gi.repository import Svfs  # noqa: E402

import pytest  # noqa: E402

from test_devices import host  # noqa: E402,F401 (a pytest fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="building namespaces needs root")


def spec_for(tmp_path, env, annotations=None):
    rootfs = tmp_path / "rootfs"
    rootfs.mkdir()
    for name in ("bin", "lib", "lib64", "sbin"):
        (rootfs / name).symlink_to("usr/" + name)
    doc = {
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["/bin/true"], "cwd": "/", "env": env},
        "hooks": {"prestart": [{"path": "/usr/bin/nvidia-container-runtime-hook"}]},
        "mounts": [{"destination": "/usr", "type": "bind", "source": "/usr",
                    "options": ["rbind", "ro"]}],
        "annotations": annotations or {},
    }
    (tmp_path / "config.json").write_text(json.dumps(doc))
    return Svfs.Spec.new_from_file(str(tmp_path / "config.json"))


def nodes_inside(ns, paths):
    """Runs stat inside the container and returns {path: (type, major, minor)}."""
    r, w = os.pipe()
    script = "for p in %s; do stat -c '%%n %%F %%t %%T' \"$p\" 2>&1; done" % " ".join(paths)
    try:
        pid = ns.spawn_with_fds(["/bin/sh", "-c", script], None, None, [-1, w, 2])
    finally:
        os.close(w)
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    os.close(r)
    ok, status = ns.wait(pid)
    assert ok and os.waitstatus_to_exitcode(status) == 0, out
    seen = {}
    for line in out.decode().splitlines():
        path, rest = line.split(" ", 1)
        if "No such file" in rest:
            continue
        kind, major, minor = rest.rsplit(" ", 2)
        seen[path] = (kind, int(major, 16), int(minor, 16))
    return seen


@pytest.mark.parametrize("host", ["h100-8gpu"], indirect=True)
def test_selected_gpus_appear_in_the_container(host, tmp_path):
    spec = spec_for(tmp_path, ["PATH=/usr/bin:/bin", "NVIDIA_VISIBLE_DEVICES=1,3"])
    config = Svfs.Config.new()
    config.set("nvproxy", "true")
    mounter = Svfs.Mounter.new(spec, config)
    mounter.set_device_registry(host.registry())
    plan = mounter.compile()
    planned = [(d.props.path, d.props.major, d.props.minor) for d in plan.get_devices()]
    assert planned == [("/dev/nvidiactl", 195, 255), ("/dev/nvidia-uvm", 510, 0),
                       ("/dev/nvidia1", 195, 1), ("/dev/nvidia3", 195, 3)]

    ns = mounter.apply(plan, None)
    try:
        seen = nodes_inside(ns, ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia0",
                                 "/dev/nvidia1", "/dev/nvidia2", "/dev/nvidia3"])
    finally:
        ns.close()

    assert seen == {
        "/dev/nvidiactl": ("character special file", 195, 255),
        "/dev/nvidia-uvm": ("character special file", 510, 0),
        "/dev/nvidia1": ("character special file", 195, 1),
        "/dev/nvidia3": ("character special file", 195, 3),
    }, seen


@pytest.mark.parametrize("host", ["tpu-v4-4chip"], indirect=True)
def test_tpu_v4_chips_appear_in_the_container(host, tmp_path):
    spec = spec_for(tmp_path, ["PATH=/usr/bin:/bin"],
                    {"dev.gvisor.internal.tpuproxy": "true"})
    mounter = Svfs.Mounter.new(spec, None)
    mounter.set_device_registry(host.registry())
    plan = mounter.compile()
    accels = [(d.props.path, d.props.major, d.props.minor) for d in plan.get_devices()
              if d.props.path.startswith("/dev/accel")]
    assert accels == [(f"/dev/accel{i}", 121, i) for i in range(4)]

    ns = mounter.apply(plan, None)
    try:
        seen = nodes_inside(ns, [p for p, _, _ in accels])
    finally:
        ns.close()
    assert seen == {p: ("character special file", 121, m) for p, _, m in accels}
