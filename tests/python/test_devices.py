#!/usr/bin/python3
"""SvfsDeviceRegistry and SvfsDevice through gobject-introspection, on hosts
simulated with UMockdev.Testbed (records in tests/data/devices/)."""

import json
import os
import shutil

import gi
gi.require_version("Svfs", "1")
gi.require_version("UMockdev", "1.0")
from gi.repository import GLib, Svfs, UMockdev  # noqa: E402

import pytest  # noqa: E402

DATA = os.path.join(os.environ["SVFS_TEST_DATA"], "devices")


class Host:
    def __init__(self, name):
        self.testbed = UMockdev.Testbed.new()
        self.testbed.add_from_file(os.path.join(DATA, name + ".umockdev"))
        self.root = self.testbed.get_root_dir()
        proc = os.path.join(DATA, "proc", name)
        if os.path.isdir(proc):
            shutil.copytree(proc, os.path.join(self.root, "proc"))
        else:
            os.makedirs(os.path.join(self.root, "proc"))

    def registry(self):
        return Svfs.DeviceRegistry(sysfs_root=self.root + "/sys",
                                   dev_root=self.root + "/dev",
                                   proc_root=self.root + "/proc")


@pytest.fixture
def host(request):
    h = Host(request.param)
    yield h
    del h.testbed  # removes the testbed directory


def kinds_and_paths(devices):
    return [(d.props.kind, d.props.path) for d in devices]


def test_defaults():
    r = Svfs.DeviceRegistry.new()
    assert (r.props.sysfs_root, r.props.dev_root, r.props.proc_root) == \
        ("/sys", "/dev", "/proc")
    assert list(r.get_cdi_spec_dirs()) == ["/etc/cdi", "/var/run/cdi"]


def test_drivers_and_flags():
    drivers = list(Svfs.DeviceRegistry.new().list_drivers())
    assert [d.props.name for d in drivers] == \
        ["memory", "tty", "tun", "fuse", "nvidia", "tpu"]
    flags = {d.props.name: d.props.flags for d in drivers}
    assert flags["tun"] == Svfs.DeviceDriverFlags.NEEDS_NETSTACK
    assert flags["nvidia"] & Svfs.DeviceDriverFlags.NEEDS_NVPROXY
    assert flags["tpu"] & Svfs.DeviceDriverFlags.NEEDS_TPUPROXY
    assert flags["memory"] == Svfs.DeviceDriverFlags.NONE
    fuse = drivers[3].props.devices[0]
    assert (fuse.props.path, fuse.props.major, fuse.props.minor) == \
        ("/dev/fuse", 10, 229)


@pytest.mark.parametrize("host", ["h100-8gpu"], indirect=True)
def test_h100(host):
    devices, warnings = host.registry().enumerate(None)
    assert warnings == []
    gpus = [d for d in devices if d.props.kind == "nvidia-gpu"]
    assert [g.props.path for g in gpus] == [f"/dev/nvidia{i}" for i in range(8)]
    assert [g.props.pci_address for g in gpus][:3] == \
        ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0"]
    g = gpus[0]
    assert (g.props.device_type, g.props.major, g.props.minor, g.props.mode) == \
        ("c", 195, 0, 0o666)
    assert (g.props.vendor, g.props.device_id, g.props.model) == \
        ("0x10de", "0x2330", "NVIDIA H100 80GB HBM3")
    assert g.props.uuid.startswith("GPU-")
    others = kinds_and_paths(d for d in devices if d.props.kind != "nvidia-gpu")
    assert others == [("nvidia-control", "/dev/nvidiactl"),
                      ("nvidia-uvm", "/dev/nvidia-uvm"),
                      ("nvidia-uvm-tools", "/dev/nvidia-uvm-tools"),
                      ("nvidia-caps", "/dev/nvidia-caps/nvidia-cap1"),
                      ("nvidia-caps", "/dev/nvidia-caps/nvidia-cap2")]
    uvm = [d for d in devices if d.props.kind == "nvidia-uvm"][0]
    assert uvm.props.major == 510


@pytest.mark.parametrize("host", ["tpu-v5e-8chip"], indirect=True)
def test_tpu_v5e_async(host):
    loop = GLib.MainLoop()
    out = {}

    def done(registry, result):
        out["devices"], out["warnings"] = registry.enumerate_finish(result)
        loop.quit()

    host.registry().enumerate_async(None, done)
    loop.run()
    devices = list(out["devices"])
    assert [d.props.path for d in devices] == \
        [f"/dev/vfio/{i}" for i in range(8)] + ["/dev/vfio/vfio"]
    assert devices[6].props.pci_address == "0000:00:0a.0"
    assert {d.props.model for d in devices[:8]} == {"v5e"}
    assert (devices[-1].props.major, devices[-1].props.minor) == (10, 196)


@pytest.mark.parametrize("host", ["tpu-mixed"], indirect=True)
def test_unsupported_tpu_is_a_warning(host):
    devices, warnings = host.registry().enumerate(None)
    assert kinds_and_paths(devices) == [("tpu", "/dev/accel0")]
    assert len(warnings) == 1
    assert warnings[0].startswith("unsupported TPU device with ID: 0x50")


def test_missing_root_is_an_error(tmp_path):
    r = Svfs.DeviceRegistry(sysfs_root=str(tmp_path / "nope"))
    with pytest.raises(GLib.Error) as info:
        r.enumerate(None)
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.NOT_FOUND)


def compile_plan(registry, spec_json, **config):
    spec = Svfs.Spec.new_from_data(spec_json, -1)
    cfg = Svfs.Config.new()
    for k, v in config.items():
        cfg.set(k, v)
    mounter = Svfs.Mounter.new(spec, cfg)
    mounter.set_device_registry(registry)
    return mounter.compile()


HOOK_SPEC = """{"ociVersion": "1.0.2", "root": {"path": "/nonexistent"},
 "process": {"cwd": "/", "args": ["sh"], "env": ["NVIDIA_VISIBLE_DEVICES=%s"]},
 "hooks": {"prestart": [{"path": "/usr/bin/nvidia-container-runtime-hook"}]}}"""


@pytest.mark.parametrize("host", ["h100-8gpu"], indirect=True)
def test_plan_nvproxy_selection(host):
    plan = compile_plan(host.registry(), HOOK_SPEC % "1,GPU-f8192a4b-5c6d-47e8-f90a-1b2c3d4e5f78",
                        nvproxy="true")
    assert [(d.props.path, d.props.major, d.props.minor)
            for d in plan.get_devices()] == [
        ("/dev/nvidiactl", 195, 255), ("/dev/nvidia-uvm", 510, 0),
        ("/dev/nvidia1", 195, 1), ("/dev/nvidia7", 195, 7)]
    # nvproxy off: the hook alone adds nothing.
    plan = compile_plan(host.registry(), HOOK_SPEC % "all")
    assert len(plan.get_devices()) == 0


@pytest.mark.parametrize("host", ["tpu-mixed"], indirect=True)
def test_plan_tpuproxy_unsupported_fails(host):
    spec = """{"ociVersion": "1.0.2", "root": {"path": "/nonexistent"},
      "annotations": {"dev.gvisor.internal.tpuproxy": "true"}}"""
    with pytest.raises(GLib.Error) as info:
        compile_plan(host.registry(), spec)
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.DEVICE)
    assert "unsupported TPU device with ID: 0x50" in info.value.message


CDI_SPEC = """{"ociVersion": "1.0.2", "root": {"path": "/nonexistent"},
 "annotations": {"cdi.k8s.io/test": "%s"}}"""


def cdi_nodes(plan):
    return [(d.props.path, d.props.device_type, d.props.major, d.props.minor,
             d.props.mode, d.props.uid, d.props.gid) for d in plan.get_devices()]


def test_plan_cdi_yaml_like_json(tmp_path):
    # The same spec in both formats gives the same devices.
    (tmp_path / "gpu.json").write_text("""{
      "cdiVersion": "0.5.0", "kind": "json.example/gpu",
      "devices": [{"name": "0", "containerEdits": {"deviceNodes": [
        {"path": "/dev/nvidia0", "type": "c", "major": 195, "minor": 0,
         "fileMode": 432, "gid": 44, "permissions": "rw"}]}}],
      "containerEdits": {"deviceNodes": [
        {"path": "/dev/nvidiactl", "type": "c", "major": 195, "minor": 255}]}}""")
    (tmp_path / "gpu.yaml").write_text(
        "cdiVersion: 0.5.0\n"
        "kind: yaml.example/gpu\n"
        "devices:\n"
        "- name: 0\n"                       # a plain number: still the name "0"
        "  containerEdits:\n"
        "    deviceNodes:\n"
        "    - path: /dev/nvidia0\n"
        "      type: c\n"
        "      major: 195\n"
        "      minor: 0\n"
        "      fileMode: 0660\n"            # YAML 1.1 octal: 432
        "      gid: 44\n"
        "      permissions: rw\n"
        "containerEdits:\n"
        "  deviceNodes:\n"
        "  - {path: /dev/nvidiactl, type: c, major: 0xc3, minor: 255}\n")
    (tmp_path / "broken.yml").write_text("kind: x/y\ndevices:\n  - name: a\n - name: b\n")
    registry = Svfs.DeviceRegistry(cdi_spec_dirs=[str(tmp_path)])

    from_json = compile_plan(registry, CDI_SPEC % "json.example/gpu=0")
    from_yaml = compile_plan(registry, CDI_SPEC % "yaml.example/gpu=0")
    assert cdi_nodes(from_yaml) == cdi_nodes(from_json) == [
        ("/dev/nvidia0", "c", 195, 0, 0o660, 0, 44),
        ("/dev/nvidiactl", "c", 195, 255, 0o666, 0, 0)]
    assert list(from_yaml.get_warnings()) == [
        f"ignoring CDI spec {tmp_path}/broken.yml: line 4, column 2: "
        "did not find expected key (while parsing a block mapping at line 1, column 1)"]


def test_plan_cdi_yaml_data():
    # The hand-written spec of tests/data: anchors, a merge key, hex and
    # 0o octal numbers.
    registry = Svfs.DeviceRegistry(cdi_spec_dirs=[os.path.join(DATA, "cdi", "yaml")])
    plan = compile_plan(registry, CDI_SPEC % "example.com/accel=1")
    assert cdi_nodes(plan) == [
        ("/dev/accel1", "c", 121, 1, 0o660, 0, 44),
        ("/dev/accel-ctl", "c", 10, 100, 0o600, 0, 0)]
    with pytest.raises(GLib.Error) as info:
        compile_plan(registry, CDI_SPEC % "example.com/accel=2")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.DEVICE)
    assert info.value.message.startswith(
        "unresolvable CDI devices example.com/accel=2 (searched the JSON and YAML specs in ")


@pytest.mark.parametrize("field, value, problem", [
    ("major", -7, "must not be negative"),
    ("major", "195", "expected an integer"),
    ("minor", 0.5, "expected an integer"),
    ("fileMode", 0o10000, "must be permission bits, at most 07777 (4095), not 4096"),
    ("uid", -1, "out of range for a 32-bit unsigned integer"),
    ("gid", 2 ** 32, "out of range for a 32-bit unsigned integer"),
    ("permissions", "rwx", 'invalid permissions "rwx" (expected some of r, w and m)'),
])
def test_plan_cdi_bad_node_value_names_file_and_field(tmp_path, field, value,
                                                      problem):
    node = {"path": "/dev/nvidia0", "type": "c", "major": 195, "minor": 0}
    node[field] = value
    spec = tmp_path / "gpu.json"
    spec.write_text(json.dumps({
        "cdiVersion": "0.5.0", "kind": "json.example/gpu",
        "devices": [
            {"name": "ok", "containerEdits": {"deviceNodes": [
                {"path": "/dev/nvidia1", "type": "c", "major": 195, "minor": 1}]}},
            {"name": "0", "containerEdits": {"deviceNodes": [
                {"path": "/dev/nvidiactl", "type": "c", "major": 195, "minor": 255},
                node]}}]}))
    registry = Svfs.DeviceRegistry(cdi_spec_dirs=[str(tmp_path)])
    # The other device of the file is still usable.
    assert cdi_nodes(compile_plan(registry, CDI_SPEC % "json.example/gpu=ok")) == [
        ("/dev/nvidia1", "c", 195, 1, 0o666, 0, 0)]
    with pytest.raises(GLib.Error) as info:
        compile_plan(registry, CDI_SPEC % "json.example/gpu=0")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.DEVICE)
    assert info.value.message == (
        f"CDI device json.example/gpu=0 ({spec}): "
        f"devices[1].containerEdits.deviceNodes[1].{field}: {problem}")
