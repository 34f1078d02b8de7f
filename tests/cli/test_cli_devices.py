#!/usr/bin/python3
"""`sandboxvfs devices` (shared/design/CONTRACT.md §3, devices JSON) on hosts
simulated with UMockdev.Testbed: through --sysfs-root/--dev-root/--proc-root,
and through the default /sys, /dev, /proc with umockdev's preload."""

import json
import os
import shutil
import subprocess

import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import Gio, GLib, UMockdev  # noqa: E402

import pytest  # noqa: E402

CLI = os.environ["SVFS_CLI"]
DATA = os.path.join(os.environ["SVFS_TEST_DATA"], "devices")
PRELOAD = os.environ.get("SVFS_UMOCKDEV_PRELOAD", "libumockdev-preload.so.0")


@pytest.fixture
def testbed():
    tb = UMockdev.Testbed.new()
    yield tb
    del tb


def load(tb, name):
    tb.add_from_file(os.path.join(DATA, name + ".umockdev"))
    root = tb.get_root_dir()
    proc = os.path.join(DATA, "proc", name)
    if os.path.isdir(proc):
        shutil.copytree(proc, os.path.join(root, "proc"))
    return root


def run(*args, env=None):
    return subprocess.run([CLI, "devices", *args], capture_output=True,
                          timeout=60, env=env)


def run_roots(root, *args):
    return run("--sysfs-root", root + "/sys", "--dev-root", root + "/dev",
               "--proc-root", root + "/proc", *args)


def run_preloaded(root, *args):
    # Python does not see the C setenv of UMOCKDEV_DIR: pass it.
    env = dict(os.environ, UMOCKDEV_DIR=root, LD_PRELOAD=PRELOAD)
    return run(*args, env=env)


def doc_of(r):
    assert r.returncode == 0, r
    return json.loads(r.stdout)


def brief(doc):
    return [(d["kind"], d["path"], d["major"], d["minor"]) for d in doc["devices"]]


@pytest.mark.parametrize("mode", ["roots", "preload"])
def test_h100_json(testbed, mode):
    root = load(testbed, "h100-8gpu")
    r = run_roots(root) if mode == "roots" else run_preloaded(root)
    doc = doc_of(r)
    assert list(doc) == ["devices"]
    assert brief(doc)[:2] == [("nvidia-gpu", "/dev/nvidia0", 195, 0),
                              ("nvidia-gpu", "/dev/nvidia1", 195, 1)]
    gpu = doc["devices"][0]
    # Exactly the members of CONTRACT.md's devices JSON (model and uuid are
    # known here from /proc/driver/nvidia).
    assert set(gpu) == {"kind", "path", "major", "minor", "pci", "vendor", "device",
                        "model", "uuid"}
    assert (gpu["pci"], gpu["vendor"], gpu["device"]) == ("0000:18:00.0", "0x10de", "0x2330")
    ctl = [d for d in doc["devices"] if d["kind"] == "nvidia-control"][0]
    assert ctl == {"kind": "nvidia-control", "path": "/dev/nvidiactl", "major": 195, "minor": 255}
    assert len([d for d in doc["devices"] if d["kind"] == "nvidia-gpu"]) == 8
    assert ("nvidia-control", "/dev/nvidiactl", 195, 255) in brief(doc)
    assert ("nvidia-uvm", "/dev/nvidia-uvm", 510, 0) in brief(doc)


@pytest.mark.parametrize("mode", ["roots", "preload"])
def test_tpu_v4_json(testbed, mode):
    root = load(testbed, "tpu-v4-4chip")
    r = run_roots(root) if mode == "roots" else run_preloaded(root)
    doc = doc_of(r)
    assert brief(doc) == [("tpu", f"/dev/accel{i}", 121, i) for i in range(4)]
    assert doc["devices"][0]["model"] == "v4"
    assert set(doc["devices"][0]) == {"kind", "path", "major", "minor", "pci", "vendor",
                                      "device", "model"}
    assert doc["devices"][0]["vendor"] == "0x1ae0"
    assert doc["devices"][0]["device"] == "0x005e"


def test_unsupported_tpu_warning_exit_0(testbed):
    root = load(testbed, "tpu-mixed")
    doc = doc_of(run_roots(root, "--format", "json"))
    assert brief(doc) == [("tpu", "/dev/accel0", 121, 0)]
    assert doc["devices"][0]["pci"] == "0001:00:04.0"
    assert len(doc["warnings"]) == 1
    assert doc["warnings"][0].startswith("unsupported TPU device with ID: 0x")


def test_malformed_table_warns_on_stderr(testbed):
    root = load(testbed, "malformed")
    r = run_roots(root, "--format", "table")
    assert r.returncode == 0, r
    lines = r.stdout.decode().splitlines()
    assert lines[0].split() == ["KIND", "PATH", "TYPE", "NUMBERS", "PCI", "DEVICE", "MODEL"]
    assert lines[1].split() == ["tpu", "/dev/accel3", "c", "121:3", "0000:00:0a.0",
                                "0x1ae0:0x005e", "v4"]
    assert len(lines) == 2
    err = r.stderr.decode()
    assert "0000:00:05.0: parsing PCI device ID: \"0X005E\"" in err
    assert err.count("sandboxvfs: warning: ") == 4


def test_cdi_v5e(testbed):
    root = load(testbed, "tpu-v5e-8chip")
    spec = doc_of(run_roots(root, "--format", "cdi"))
    assert spec["cdiVersion"] == "0.5.0"
    assert spec["kind"] == "google.com/tpu"
    names = [d["name"] for d in spec["devices"]]
    assert names == [str(i) for i in range(8)] + ["all"]
    node = spec["devices"][7]["containerEdits"]["deviceNodes"][0]
    assert node == {"path": "/dev/vfio/7", "type": "c", "major": 245, "minor": 7,
                    "fileMode": 438, "permissions": "rw"}
    common = spec["containerEdits"]["deviceNodes"]
    assert [n["path"] for n in common] == ["/dev/vfio/vfio"]


def test_cdi_workstation(testbed):
    root = load(testbed, "rtx4090-workstation")
    spec = doc_of(run_roots(root, "--format", "cdi", "--cdi-kind", "nvidia.com/gpu"))
    assert spec["kind"] == "nvidia.com/gpu"
    assert [d["name"] for d in spec["devices"]] == \
        ["0", "GPU-7b1e2d3c-4f5a-6b7c-8d9e-0f1a2b3c4d5e", "all"]
    assert [n["path"] for n in spec["containerEdits"]["deviceNodes"]] == \
        ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
         "/dev/nvidia-modeset"]


def test_empty_host(tmp_path):
    (tmp_path / "sys").mkdir()
    doc = doc_of(run("--sysfs-root", str(tmp_path / "sys")))
    assert doc == {"devices": []}


def test_missing_sysfs_root_json_error(tmp_path):
    r = run("--sysfs-root", str(tmp_path / "nope"), "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["error"]["code"] == "not-found"
    assert "sysfs root" in doc["error"]["message"]
    r = run("--sysfs-root", str(tmp_path / "nope"), "--format", "table")
    assert r.returncode == 1
    assert r.stderr.decode().startswith("sandboxvfs: ")


# The error codes of CONTRACT.md §1, as JSON spells them.
CONTRACT_CODES = {"invalid-spec", "invalid-config", "invalid-option", "source-fds",
                  "unsupported", "mount-failed", "device", "permission-denied",
                  "limit-exceeded", "not-found"}
FAULT_PRELOAD = os.environ.get("SVFS_CLI_FAULT_PRELOAD")


@pytest.mark.skipif(FAULT_PRELOAD is None, reason="built without tests/cli/cli-fault-preload.c")
@pytest.mark.parametrize("domain,code,expected", [
    ("svfs-error-quark", 8, "limit-exceeded"),   # the library's own code
    ("g-io-error-quark", int(Gio.IOErrorEnum.NOT_FOUND), "not-found"),
    ("g-file-error-quark", int(GLib.FileError.NOENT), "not-found"),
    ("g-io-error-quark", int(Gio.IOErrorEnum.PERMISSION_DENIED), "permission-denied"),
    ("g-file-error-quark", int(GLib.FileError.ACCES), "permission-denied"),
    ("g-file-error-quark", int(GLib.FileError.PERM), "permission-denied"),
    ("g-io-error-quark", int(Gio.IOErrorEnum.NOT_SUPPORTED), "unsupported"),
    # Nothing closer: what `devices` was doing.
    ("g-io-error-quark", int(Gio.IOErrorEnum.FAILED), "device"),
    ("svfs-test-fault-quark", 3, "device"),
    ("svfs-error-quark", 999, "device"),           # a code with no name
])
def test_foreign_errors_get_a_contract_code(domain, code, expected):
    """Whatever GError a failure carries, --format json names it with one of
    the contract's codes."""
    env = dict(os.environ, LD_PRELOAD=FAULT_PRELOAD, SVFS_FAULT_DOMAIN=domain, SVFS_FAULT_CODE=str(code))
    r = run("--format", "json", env=env)
    assert r.returncode == 1, r
    assert json.loads(r.stdout) == {"error": {"code": expected, "message": "injected failure"}}
    assert expected in CONTRACT_CODES
    r = run("--format", "table", env=env)
    assert (r.returncode, r.stdout, r.stderr) == (1, b"", b"sandboxvfs: injected failure\n")


@pytest.mark.parametrize("args", [["--format", "tree"], ["extra"], ["--bogus"],
                                  ["--cdi-kind", "x.com/y", "--format", "cdi"],
                                  ["--cdi-kind", "google.com/tpu"]])
def test_usage_errors(args):
    r = run(*args)
    assert r.returncode == 2, r
    assert r.stdout == b""


def test_listed_in_help():
    r = subprocess.run([CLI, "--help"], capture_output=True, timeout=60)
    assert b"devices" in r.stdout
