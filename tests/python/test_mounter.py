#!/usr/bin/python3
"""The mount compiler through gobject-introspection: SvfsMounter,
SvfsMountPlan, SvfsPlannedMount, and a filesystem type written in Python
that the compiler uses for its type name."""

import json

import gi
gi.require_version("Svfs", "1")
from gi.repository import Gio, GLib, Svfs  # noqa: E402

import pytest  # noqa: E402


def spec_from(doc, bundle):
    text = json.dumps(doc)
    spec = Svfs.Spec.new_from_data(text, -1)
    spec.set_bundle_dir(str(bundle))
    return spec


def base(**members):
    doc = {"ociVersion": "1.2.0", "root": {"path": "rootfs"}}
    doc.update(members)
    return doc


def test_contract_snippet(tmp_path):
    """The Python snippet of CONTRACT.md §2, verbatim in spirit."""
    (tmp_path / "config.json").write_text(json.dumps(base(mounts=[
        {"destination": "/data", "type": "tmpfs", "options": ["size=1m"]}])))
    spec = Svfs.Spec.new_from_file(str(tmp_path / "config.json"))
    config = Svfs.Config.new()
    config.set("overlay2", "root:memory")
    plan = Svfs.Mounter.new(spec, config).compile()
    seen = [(m.props.destination, m.props.fs_type) for m in plan]
    assert seen == [("/sys", "sysfs"), ("/dev", "dev"), ("/proc", "proc"),
                    ("/data", "tmpfs"), ("/dev/pts", "devpts"), ("/tmp", "tmpfs")]
    assert isinstance(plan, Gio.ListModel)
    assert plan.get_item_type() == Svfs.PlannedMount.__gtype__


def test_plan_json_matches_schema(tmp_path):
    spec = spec_from(base(mounts=[
        {"destination": "/srv", "type": "bind", "source": "/srv", "options": ["rbind", "ro"]}]),
        tmp_path)
    plan = Svfs.Mounter.new(spec, None).compile()
    doc = json.loads(plan.to_json())
    assert set(doc) == {"root", "mounts", "skipped", "devices", "warnings"}
    assert doc["root"] == {"type": "bind", "source": str(tmp_path / "rootfs"),
                           "readonly": False, "overlay": {"medium": "memory"}}
    srv = [m for m in doc["mounts"] if m["destination"] == "/srv"][0]
    assert srv == {"destination": "/srv", "type": "bind", "source": "/srv", "data": "",
                   "flags": ["ro"], "overlay": None, "shared": None}


def test_planned_mount_properties(tmp_path):
    spec = spec_from(base(mounts=[
        {"destination": "/run", "type": "tmpfs", "options": ["nosuid", "tmpcopyup", "mode=755"]}]),
        tmp_path)
    plan = Svfs.Mounter.new(spec, None).compile()
    run = [m for m in plan if m.props.destination == "/run"][0]
    assert run.props.data == "mode=755"
    assert run.props.tmpcopyup is True
    assert run.props.flags == Svfs.MountFlags.NOSUID
    assert run.dup_flags_string() == "nosuid"
    assert run.props.spec_index == 0
    assert run.props.overlay_medium == Svfs.OverlayMedium.NONE


def test_compile_error_is_raised_with_code(tmp_path):
    spec = spec_from(base(mounts=[
        {"destination": "/x", "type": "tmpfs", "options": ["a=b=c"]}]), tmp_path)
    with pytest.raises(GLib.Error) as info:
        Svfs.Mounter.new(spec, None).compile()
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_OPTION)
    assert info.value.message == 'mounts[0] "/x": options[0]: invalid option "a=b=c"'


def test_source_fd_count_is_checked(tmp_path):
    spec = spec_from(base(mounts=[
        {"destination": "/a", "type": "bind", "source": "/a"}]), tmp_path)
    mounter = Svfs.Mounter.new(spec, None)
    mounter.props.n_source_fds = 1
    with pytest.raises(GLib.Error) as info:
        mounter.compile()
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.SOURCE_FDS)
    mounter.props.n_source_fds = 2
    assert mounter.compile().get_n_source_fds() == 2


def test_compile_async(tmp_path):
    spec = spec_from(base(), tmp_path)
    mounter = Svfs.Mounter.new(spec, None)
    loop = GLib.MainLoop()
    result = {}

    def done(source, res):
        result["plan"] = source.compile_finish(res)
        loop.quit()

    mounter.compile_async(None, done)
    loop.run()
    assert result["plan"].get_n_items() == 5


def test_compile_without_spec_is_a_clean_error():
    mounter = Svfs.Mounter()
    with pytest.raises(GLib.Error) as info:
        mounter.compile()
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
    assert info.value.message == "the mounter has no spec"

    loop = GLib.MainLoop()
    result = {}

    def done(source, res):
        try:
            source.compile_finish(res)
        except GLib.Error as e:
            result["error"] = e
        loop.quit()

    mounter.compile_async(None, done)
    loop.run()
    assert result["error"].matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)


class UpperFs(Svfs.FilesystemType):
    """A filesystem type defined in Python: its only data key is 'level',
    which must be a number."""
    __gtype_name__ = "TestUpperFs"

    def do_validate_data(self, key, value):
        if value is None or not value.isdigit():
            raise GLib.Error(f'level "{value}": expected a number',
                             "svfs-error-quark", Svfs.Error.INVALID_OPTION)
        return True


@pytest.fixture
def upperfs():
    fs = UpperFs(name="upperfs", data_keys=["level"], allow_user_mount=True)
    Svfs.FilesystemType.register(fs)
    yield fs
    Svfs.FilesystemType.unregister("upperfs")


def test_python_filesystem_type_is_used_by_the_compiler(tmp_path, upperfs):
    spec = spec_from(base(mounts=[
        {"destination": "/u", "type": "upperfs", "source": "u", "options": ["level=3", "ro", "other"]}]),
        tmp_path)
    plan = Svfs.Mounter.new(spec, None).compile()
    u = [m for m in plan if m.props.destination == "/u"][0]
    assert u.props.fs_type == "upperfs"
    assert u.props.data == "level=3"
    assert u.props.readonly is True
    assert list(plan.get_warnings()) == ['ignoring unknown mount option "other" on /u']


def test_python_filesystem_type_rejects_data(tmp_path, upperfs):
    spec = spec_from(base(mounts=[
        {"destination": "/u", "type": "upperfs", "options": ["level=high"]}]), tmp_path)
    with pytest.raises(GLib.Error) as info:
        Svfs.Mounter.new(spec, None).compile()
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_OPTION)
    assert info.value.message == 'mounts[0] "/u": options[0]: level "high": expected a number'


def test_unregistered_type_is_skipped(tmp_path):
    spec = spec_from(base(mounts=[{"destination": "/u", "type": "upperfs"}]), tmp_path)
    plan = Svfs.Mounter.new(spec, None).compile()
    skipped = plan.get_skipped()
    assert skipped.get_n_items() == 1
    assert skipped.get_item(0).props.skip_reason == "unknown filesystem type"
