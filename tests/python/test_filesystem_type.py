#!/usr/bin/python3
"""SvfsFilesystemType and its registry through gobject-introspection,
including a filesystem type implemented in Python."""

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Gio, Svfs  # noqa: E402

import pytest  # noqa: E402

BUILTINS = ["bind", "cgroup", "cgroup2", "dev", "devpts", "erofs", "mqueue",
            "overlay", "proc", "sysfs", "tmpfs"]


def names(model):
    return [t.props.name for t in model]


def test_builtins_listed_sorted():
    model = Svfs.FilesystemType.list_registered()
    assert isinstance(model, Gio.ListModel)
    assert model.get_item_type() == Svfs.FilesystemType.__gtype__
    assert names(model) == BUILTINS


def test_builtin_flags_through_properties_and_getters():
    tmpfs = Svfs.FilesystemType.lookup("tmpfs")
    assert isinstance(tmpfs, Svfs.FilesystemType)
    assert tmpfs.get_name() == tmpfs.props.name == "tmpfs"
    assert tmpfs.get_allow_user_mount() is True
    assert tmpfs.props.allow_user_list is True
    assert tmpfs.get_strict_options() is False
    assert tmpfs.get_data_keys() == ["mode", "size", "uid", "gid",
                                     "nr_inodes", "huge"]
    assert tmpfs.props.data_keys == tmpfs.get_data_keys()

    bind = Svfs.FilesystemType.lookup("bind")
    assert bind.props.strict_options is True
    assert bind.props.allow_user_mount is False
    assert bind.props.allow_user_list is False
    assert bind.get_data_keys() == []

    erofs = Svfs.FilesystemType.lookup("erofs")
    assert (erofs.props.allow_user_mount, erofs.props.allow_user_list) == \
        (False, True)


def test_lookup_unknown_is_none():
    assert Svfs.FilesystemType.lookup("weirdfs") is None
    assert Svfs.FilesystemType.lookup("TMPFS") is None


def test_builtin_validate_data():
    tmpfs = Svfs.FilesystemType.lookup("tmpfs")
    assert tmpfs.is_data_key("size")
    assert not tmpfs.is_data_key("Size")
    assert tmpfs.validate_data("size", "64m")
    assert tmpfs.validate_data("size", "50%")
    with pytest.raises(GLib.Error) as info:
        tmpfs.validate_data("size", "12q")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_OPTION)
    assert info.value.message == (
        'size "12q": expected a number with an optional k, m, g or t '
        'suffix, or a percentage')

    devpts = Svfs.FilesystemType.lookup("devpts")
    assert devpts.validate_data("newinstance", None)
    with pytest.raises(GLib.Error) as info:
        devpts.validate_data("newinstance", "1")
    assert info.value.message == \
        'newinstance "1": expected no value (a bare "newinstance")'


class MyFs(Svfs.FilesystemType):
    """foo takes "red" or "blue"; "quiet" is refused without a reason;
    "boom" raises a Python exception that is not a GLib.Error."""

    __gtype_name__ = "TestPyMyFs"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = []

    def do_validate_data(self, key, value):
        self.calls.append((key, value))
        if key == "foo" and value not in ("red", "blue"):
            raise GLib.Error(f'foo "{value}": expected red or blue',
                             "svfs-error-quark", Svfs.Error.INVALID_OPTION)
        if key == "quiet":
            return False
        if key == "boom":
            raise ValueError("not a GLib.Error")
        return True


@pytest.fixture
def myfs():
    fs = MyFs(name="myfs", data_keys=["foo", "quiet", "boom"],
              allow_user_mount=True, allow_user_list=False)
    assert Svfs.FilesystemType.register(fs)
    yield fs
    Svfs.FilesystemType.unregister("myfs")
    assert Svfs.FilesystemType.lookup("myfs") is None


def test_python_subclass_registered_and_found(myfs):
    found = Svfs.FilesystemType.lookup("myfs")
    assert found is myfs
    assert found.props.allow_user_mount is True
    assert found.props.allow_user_list is False
    assert found.props.strict_options is False
    assert found.get_data_keys() == ["foo", "quiet", "boom"]
    assert found.is_data_key("foo")
    assert not found.is_data_key("Foo")
    assert names(Svfs.FilesystemType.list_registered()) == \
        sorted(BUILTINS + ["myfs"])


def test_python_subclass_accepts_through_c_wrapper(myfs):
    found = Svfs.FilesystemType.lookup("myfs")
    assert found.validate_data("foo", "red") is True
    assert found.validate_data("other", None) is True
    assert myfs.calls == [("foo", "red"), ("other", None)]


def test_python_subclass_error_reaches_caller(myfs):
    found = Svfs.FilesystemType.lookup("myfs")
    with pytest.raises(GLib.Error) as info:
        found.validate_data("foo", "green")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_OPTION)
    assert info.value.domain == "svfs-error-quark"
    assert info.value.code == Svfs.Error.INVALID_OPTION
    assert info.value.message == 'foo "green": expected red or blue'
    assert myfs.calls == [("foo", "green")]


def test_python_subclass_false_gets_generic_error(myfs):
    with pytest.raises(GLib.Error) as info:
        myfs.validate_data("quiet", "1")
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.INVALID_OPTION)
    assert info.value.message == "invalid value for quiet"


def test_python_subclass_other_exception_is_a_rejection(myfs, capsys):
    # PyGObject prints an exception that is not a GLib.Error and returns
    # the default (FALSE); the wrapper then supplies the generic error.
    with pytest.raises(GLib.Error) as info:
        myfs.validate_data("boom", "x")
    assert info.value.message == "invalid value for boom"
    assert "ValueError: not a GLib.Error" in capsys.readouterr().err


def test_duplicate_registration_is_refused(myfs):
    other = MyFs(name="myfs")
    with pytest.raises(GLib.Error) as info:
        Svfs.FilesystemType.register(other)
    assert info.value.matches(Svfs.error_quark(), Svfs.Error.UNSUPPORTED)
    assert info.value.message == 'filesystem type "myfs" is already registered'
    with pytest.raises(GLib.Error):
        Svfs.FilesystemType.register(MyFs(name="tmpfs"))


def test_unregister_unknown_is_false():
    assert Svfs.FilesystemType.unregister("no-such-fs") is False


def test_plain_base_class_accepts_its_keys():
    fs = Svfs.FilesystemType(name="plainfs", data_keys=["a"])
    assert fs.is_data_key("a")
    assert not fs.is_data_key("b")
    assert fs.validate_data("a", "anything")
