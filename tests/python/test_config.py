#!/usr/bin/python3
"""SvfsConfig through gobject-introspection."""

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Svfs  # noqa: E402

import pytest  # noqa: E402


def test_default_overlay_is_root_memory():
    config = Svfs.Config.new()
    assert config.dup_value("overlay2") == "root:memory"
    assert config.get_overlay_medium() == Svfs.OverlayMedium.MEMORY
    assert config.get_overlay_root() is True
    assert config.get_overlay_submounts() is False


@pytest.mark.parametrize("value,canonical", [
    ("none", "none"),
    ("root:memory", "root:memory"),
    ("all:self", "all:self"),
    ("root:dir=/var/tmp", "root:dir=/var/tmp"),
])
def test_overlay2_accepts(value, canonical):
    config = Svfs.Config.new()
    assert config.set("overlay2", value)
    assert config.dup_value("overlay2") == canonical


@pytest.mark.parametrize("value,fragment", [
    ("root:bogus", "unexpected medium: bogus"),
    ("disk:memory", "unexpected mount specifier for --overlay2: disk"),
    ("root", "expected format is --overlay2={mount}:{medium}"),
    ("root:dir=relative", "overlay host file directory should be an absolute path"),
])
def test_overlay2_rejects(value, fragment):
    config = Svfs.Config.new()
    with pytest.raises(GLib.Error) as info:
        config.set("overlay2", value)
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_CONFIG)
    assert fragment in info.value.message


def test_shared_file_access_with_overlay_is_rejected():
    config = Svfs.Config.new()
    config.set("file-access", "shared")
    with pytest.raises(GLib.Error) as info:
        config.validate()
    assert "overlay flag is incompatible with shared file access for rootfs" \
        in info.value.message
    config.set("overlay2", "none")
    assert config.validate()


def test_go_booleans():
    config = Svfs.Config.new()
    for text in ("1", "t", "T", "TRUE", "true", "True"):
        config.set("nvproxy", text)
        assert config.get_nvproxy() is True
    for text in ("0", "f", "F", "FALSE", "false", "False"):
        config.set("nvproxy", text)
        assert config.get_nvproxy() is False
    with pytest.raises(GLib.Error):
        config.set("nvproxy", "yes")


def test_unknown_key():
    with pytest.raises(GLib.Error) as info:
        Svfs.Config.new().set("no-such-key", "1")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_CONFIG)


def test_keys_listed():
    keys = Svfs.Config.list_keys()
    for key in ("overlay2", "file-access", "file-access-mounts", "host-fifo",
                "directfs", "nvproxy", "tpuproxy", "product-name",
                "sandbox-id", "container-id", "container-name"):
        assert key in keys
