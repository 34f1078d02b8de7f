#!/usr/bin/python3
"""The Python overrides (bindings/python/gi/overrides/Svfs.py): spec →
config → plan the Pythonic way."""

import json
import os
import pathlib

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Svfs  # noqa: E402

import pytest  # noqa: E402

DATA = os.environ["SVFS_TEST_DATA"]
DEMO = os.path.join(os.environ["SVFS_SOURCE_ROOT"], "data", "examples", "demo")


def minimal(**extra):
    doc = {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
           "process": {"args": ["/bin/true"], "cwd": "/"}}
    doc.update(extra)
    return doc


def test_overrides_are_loaded_from_this_tree():
    import gi.overrides.Svfs as overrides
    assert Svfs.Spec.__module__ == "gi.overrides.Svfs"
    assert "bindings" in overrides.__file__, overrides.__file__


def test_spec_from_file_takes_str_and_pathlike():
    for path in (os.path.join(DEMO, "config.json"), pathlib.Path(DEMO) / "config.json"):
        spec = Svfs.Spec.from_file(path)
        assert isinstance(spec, Svfs.Spec)
        assert spec.get_bundle_dir() == DEMO


def test_spec_from_dict_and_back():
    doc = minimal(hostname="box", **{"x-unknown": {"kept": [1, 2]}})
    spec = Svfs.Spec.from_dict(doc)
    assert spec.get_hostname() == "box"
    assert spec.to_dict() == doc


def test_spec_from_dict_bundle_dir_resolves_relative_root(tmp_path):
    spec = Svfs.Spec.from_dict(minimal(), bundle_dir=tmp_path)
    assert spec.dup_resolved_root_path() == str(tmp_path / "rootfs")


def test_invalid_spec_raises_svfs_error_with_code():
    with pytest.raises(Svfs.SvfsError) as info:
        Svfs.Spec.from_dict({"ociVersion": "1.2.0", "root": {}})
    e = info.value
    assert isinstance(e, GLib.Error)
    assert e.code == Svfs.Error.INVALID_SPEC
    assert isinstance(e.code, Svfs.Error)
    assert e.nick == "invalid-spec"
    assert "root.path: missing" in e.message
    assert e.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC)
    assert str(e).startswith("invalid-spec: ")


def test_svfs_error_is_raised_by_plain_gi_calls_too():
    # The translation wraps every throwing function of the typelib, not
    # only the Pythonic helpers.
    with pytest.raises(Svfs.SvfsError) as info:
        Svfs.Spec.new_from_data("[]", -1)
    assert info.value.code == Svfs.Error.INVALID_SPEC
    config = Svfs.Config.new()
    with pytest.raises(Svfs.SvfsError) as info:
        config.set("overlay2", "root:bogus")
    assert info.value.code == Svfs.Error.INVALID_CONFIG


def test_glib_error_still_catches_it():
    with pytest.raises(GLib.Error):
        Svfs.Config.new().set("no-such-key", "x")


def test_config_from_dict():
    config = Svfs.Config.from_dict({"overlay2": "none", "nvproxy": True})
    assert config.dup_value("overlay2") == "none"
    assert config.dup_value("nvproxy") == "true"
    with pytest.raises(Svfs.SvfsError) as info:
        Svfs.Config.from_dict({"file-access": "sideways"})
    assert info.value.nick == "invalid-config"


def demo_plan(**settings):
    spec = Svfs.Spec.from_file(os.path.join(DEMO, "config.json"))
    config = Svfs.Config.from_dict(settings)
    return Svfs.Mounter.new(spec, config).compile()


def test_plan_is_a_sequence_of_planned_mounts():
    plan = demo_plan()
    n = plan.get_n_items()
    assert len(plan) == n > 4
    mounts = list(plan)
    assert len(mounts) == n
    assert all(isinstance(m, Svfs.PlannedMount) for m in mounts)
    assert plan[0].props.destination == mounts[0].props.destination
    assert plan[-1].props.destination == mounts[-1].props.destination
    assert [m.props.destination for m in plan[1:3]] == [m.props.destination for m in mounts[1:3]]
    with pytest.raises(IndexError):
        plan[n]
    destinations = [m.props.destination for m in plan]
    assert {"/proc", "/sys", "/dev", "/dev/pts"} <= set(destinations)


def test_plan_to_dict_matches_to_json_and_schema():
    plan = demo_plan(overlay2="root:memory")
    doc = plan.to_dict()
    assert doc == json.loads(plan.to_json())
    assert set(doc) >= {"root", "mounts", "skipped", "devices", "warnings"}
    assert doc["root"]["overlay"] == {"medium": "memory"}
    assert [m["destination"] for m in doc["mounts"]] == [m.props.destination for m in plan]
    assert doc["devices"][0]["path"] == "/dev/fuse"


def test_compile_error_is_svfs_error(tmp_path):
    spec = Svfs.Spec.from_dict(minimal(mounts=[
        {"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["a=b=c"]}]),
        bundle_dir=tmp_path)
    with pytest.raises(Svfs.SvfsError) as info:
        Svfs.Mounter.new(spec, Svfs.Config.new()).compile()
    assert info.value.code == Svfs.Error.INVALID_OPTION


def test_compile_async_finish_raises_svfs_error(tmp_path):
    spec = Svfs.Spec.from_dict(minimal(mounts=[
        {"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["a=b=c"]}]),
        bundle_dir=tmp_path)
    mounter = Svfs.Mounter.new(spec, Svfs.Config.new())
    loop = GLib.MainLoop()
    caught = []

    def done(source, result):
        try:
            source.compile_finish(result)
        except Exception as e:  # noqa: BLE001 — the type is what is tested
            caught.append(e)
        loop.quit()

    mounter.compile_async(None, done)
    loop.run()
    assert len(caught) == 1 and isinstance(caught[0], Svfs.SvfsError)
    assert caught[0].code == Svfs.Error.INVALID_OPTION


def test_other_domains_pass_through_unchanged():
    import gi.overrides.Svfs as overrides
    other = GLib.Error("gone", "g-file-error-quark", 4)
    assert overrides._translate(other) is other
    mine = GLib.Error("bad", "svfs-error-quark", int(Svfs.Error.NOT_FOUND))
    translated = overrides._translate(mine)
    assert isinstance(translated, Svfs.SvfsError)
    assert translated.code == Svfs.Error.NOT_FOUND and translated.message == "bad"


def test_mount_namespace_is_a_context_manager():
    assert hasattr(Svfs.MountNamespace, "__enter__")
    assert hasattr(Svfs.MountNamespace, "__exit__")


def test_mount_namespace_exit_closes_and_keeps_the_block_error():
    import gi.overrides.Svfs as overrides
    calls = []

    class Fake:
        def close(self):
            calls.append("close")
            raise Svfs.SvfsError("close failed", "svfs-error-quark", int(Svfs.Error.MOUNT_FAILED))

    enter = overrides.MountNamespace.__enter__
    exit_ = overrides.MountNamespace.__exit__
    fake = Fake()
    assert enter(fake) is fake
    # an exception in the block wins over the close failure
    assert exit_(fake, ValueError, ValueError("x"), None) is False
    # without one, the close failure is raised
    with pytest.raises(Svfs.SvfsError):
        exit_(fake, None, None, None)
    assert calls == ["close", "close"]


def test_with_mount_namespace_closes_it():
    spec = Svfs.Spec.from_file(os.path.join(DEMO, "config.json"))
    mounter = Svfs.Mounter.new(spec, Svfs.Config.new())
    with mounter.apply(mounter.compile(), None) as ns:
        assert isinstance(ns, Svfs.MountNamespace)
        assert not ns.is_closed()
    assert ns.is_closed()
