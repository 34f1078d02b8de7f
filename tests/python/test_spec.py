#!/usr/bin/python3
"""SvfsSpec through gobject-introspection, as a Python user sees it."""

import json
import os
import signal

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Svfs  # noqa: E402

import pytest  # noqa: E402

DATA = os.environ["SVFS_TEST_DATA"]
PODMAN = os.path.join(DATA, "specs", "valid", "podman.json")


def test_load_podman_spec_and_read_everything():
    spec = Svfs.Spec.new_from_file(PODMAN)
    assert spec.get_root_path()
    assert isinstance(spec.get_root_readonly(), bool)
    mounts = spec.get_mounts()
    assert mounts.get_n_items() > 0
    first = mounts.get_item(0)
    assert isinstance(first, Svfs.SpecMount)
    assert first.props.destination.startswith("/")
    assert isinstance(first.props.fs_type, str)
    assert isinstance(list(first.props.options), list)
    args = spec.get_process_args()
    assert len(args) > 0
    assert all("=" in e for e in spec.get_process_env())
    assert spec.get_process_cwd().startswith("/")
    annotations = spec.get_annotations()
    assert isinstance(annotations, dict) and annotations
    for key, value in annotations.items():
        assert spec.lookup_annotation(key) == value


def test_devices_are_svfs_devices():
    doc = {
        "ociVersion": "1.2.0",
        "root": {"path": "/r"},
        "linux": {"devices": [
            {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229},
            {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0,
             "fileMode": 0o600, "uid": 1, "gid": 2},
        ]},
    }
    text = json.dumps(doc)
    spec = Svfs.Spec.new_from_data(text, len(text.encode()))
    devices = spec.get_devices()
    assert devices.get_n_items() == 2
    fuse = devices.get_item(0)
    assert fuse.get_path() == "/dev/fuse"
    assert fuse.get_device_type() == "c"
    assert (fuse.get_major(), fuse.get_minor()) == (10, 229)
    assert fuse.get_mode() == 0o666, "a missing fileMode means 0666"
    sda = devices.get_item(1)
    assert (sda.get_mode(), sda.get_uid(), sda.get_gid()) == (0o600, 1, 2)


def test_round_trip_keeps_unknown_fields():
    doc = {
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs", "x-vendor": {"nested": [1, 2, {"k": True}]}},
        "mounts": [{"destination": "/data", "type": "bind", "source": "/srv",
                    "options": ["rbind", "ro"], "x-extra": 7}],
        "x-top": "kept",
    }
    text = json.dumps(doc)
    spec = Svfs.Spec.new_from_data(text, -1)
    out = spec.to_json(False)
    if isinstance(out, tuple):
        out = out[0]
    assert json.loads(out) == doc


def test_invalid_spec_raises_with_code_and_path():
    text = json.dumps({"ociVersion": "1.2.0", "root": {"path": "r"},
                       "mounts": [{"destination": "rel"}]})
    with pytest.raises(GLib.Error) as info:
        Svfs.Spec.new_from_data(text, -1)
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
    assert "mounts[0].destination: must be an absolute path" in info.value.message


def test_check_data_lists_problems():
    problems = Svfs.Spec.check_data('{"ociVersion": 1}', -1)
    assert "ociVersion: expected a string" in problems
    assert "root: missing" in problems or "root.path: missing" in problems


def test_missing_file_is_not_found():
    with pytest.raises(GLib.Error) as info:
        Svfs.Spec.new_from_file("/nonexistent/config.json")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.NOT_FOUND)


def test_bundle_dir_resolves_relative_root(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"ociVersion": "1.2.0", "root": {"path": "rootfs"}}))
    spec = Svfs.Spec.new_from_file(str(tmp_path / "config.json"))
    assert spec.get_bundle_dir() == str(tmp_path)
    assert spec.dup_resolved_root_path() == str(tmp_path / "rootfs")


def test_error_names():
    assert Svfs.error_to_string(Svfs.Error.SOURCE_FDS) == "source-fds"
    assert Svfs.error_to_string(Svfs.Error.INVALID_SPEC) == "invalid-spec"


def test_file_errors_name_the_file(tmp_path):
    # A semantic problem and a syntax error: the path, then what
    # new_from_data says; the error code is unchanged.
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"ociVersion": "1.2.0", "root": {"path": "r"},
                               "mounts": [{"destination": "rel"}]}))
    with pytest.raises(GLib.Error) as info:
        Svfs.Spec.new_from_file(str(bad))
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
    assert info.value.message == \
        f"{bad}: mounts[0].destination: must be an absolute path"

    bad.write_text('{"ociVersion": "1.2.0",\n "root": {"path": "r"}}}')
    with pytest.raises(GLib.Error) as info:
        Svfs.Spec.new_from_file(str(bad))
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
    assert info.value.message.startswith(f"{bad}: line 2, column "), \
        info.value.message


def test_file_must_be_regular_or_a_pipe(tmp_path):
    # A directory is refused; a FIFO nobody writes to reads as empty at
    # once (no waiting for a writer); a pipe with a writer is read.
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    signal.signal(signal.SIGALRM, lambda *_: None)
    for path, message in ((fifo, "the spec is empty"), (tmp_path, "not a regular file or a pipe")):
        signal.alarm(10)  # a blocked open() fails with EINTR, not hangs
        try:
            with pytest.raises(GLib.Error) as info:
                Svfs.Spec.new_from_file(str(path))
        finally:
            signal.alarm(0)
        assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
        assert info.value.message.startswith(f"{path}: {message}"), info.value.message
    r, w = os.pipe()
    os.write(w, b'{"ociVersion": "1.2.0", "root": {"path": "rootfs"}}')
    os.close(w)
    try:
        spec = Svfs.Spec.new_from_file(f"/proc/self/fd/{r}")
    finally:
        os.close(r)
    assert spec.get_root_path() == "rootfs"
    # Relative paths of a piped spec resolve against the current
    # directory, as for standard input, not /proc/self/fd.
    assert spec.props.bundle_dir == os.getcwd()
