# Svfs.py: PyGObject overrides for libsandboxvfs (GI namespace Svfs-1)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Make the Svfs typelib feel like a Python library.

What this adds to ``from gi.repository import Svfs``:

- ``Svfs.Spec.from_file(path)`` and ``Svfs.Spec.from_dict(doc)``,
  ``spec.to_dict()``; ``Svfs.Config.from_dict({"overlay2": "none"})``.
- ``plan.to_dict()`` (the plan JSON schema); plans are sequences
  (``len(plan)``, ``plan[i]``, ``for m in plan``), as every GListModel is.
- ``Svfs.SvfsError``: every libsandboxvfs call that fails with the
  ``SVFS_ERROR`` domain raises it. It is a ``GLib.Error`` subclass, so
  ``except GLib.Error`` and ``e.matches(...)`` keep working; ``e.code`` is an
  ``Svfs.Error`` member and ``e.nick`` its kebab-case name (``invalid-spec``).
  Errors of other domains are raised unchanged.
- ``with ... as ns:`` on an ``Svfs.MountNamespace`` closes it on exit.

The error translation is derived from the typelib: any function that can
throw is wrapped, so API added later gets it without changes here.
"""

import functools
import json
import os

from gi.repository import GLib

from .._gi import FunctionInfo, ObjectInfo, Repository
from ..module import get_introspection_module
from ..overrides import override

Svfs = get_introspection_module('Svfs')

__all__ = ['SvfsError']


class SvfsError(GLib.Error):
    """A failure in the ``SVFS_ERROR`` domain.

    ``code`` is an ``Svfs.Error`` member, ``nick`` its kebab-case name as the
    CLI's JSON output spells it, ``message`` the library's message.
    """

    def __init__(self, message='unknown error', domain='svfs-error-quark', code=0):
        super().__init__(message, domain, code)
        try:
            self.code = Svfs.Error(code)
        except ValueError:
            self.code = code
        self.nick = Svfs.error_to_string(code)

    def __str__(self):
        return f"{self.nick}: {self.message}"

    def __repr__(self):
        return f"Svfs.SvfsError({self.message!r}, code=Svfs.Error.{self.nick.upper().replace('-', '_')})"

    @classmethod
    def from_gerror(cls, error):
        return cls(error.message, error.domain, error.code)


_DOMAIN = GLib.quark_to_string(Svfs.error_quark())


def _translate(error):
    if isinstance(error, SvfsError) or error.domain != _DOMAIN:
        return error
    return SvfsError.from_gerror(error)


def _raising_svfs_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GLib.Error as e:
            translated = _translate(e)
            if translated is e:
                raise
            raise translated from None
    return wrapper


# The overridden classes, by GI name; classes that only need the error
# translation are made at the bottom of this file.
_overrides = {}


def _register(cls):
    _overrides[cls.__name__] = cls
    return cls


@_register
class Spec(Svfs.Spec):
    """An OCI runtime spec (``config.json``)."""

    @classmethod
    def from_file(cls, path):
        """Loads and checks the spec at ``path`` (a str or os.PathLike).

        A relative ``root.path`` and relative mount sources resolve against
        the directory that holds the file.
        """
        return cls.new_from_file(os.fspath(path))

    @classmethod
    def from_dict(cls, doc, bundle_dir=None):
        """Makes a spec from a parsed ``config.json`` (a dict).

        ``bundle_dir`` is the directory that relative paths resolve against.
        """
        text = json.dumps(doc)
        spec = cls.new_from_data(text, -1)
        if bundle_dir is not None:
            spec.set_bundle_dir(os.fspath(bundle_dir))
        return spec

    def to_dict(self):
        """The spec as a dict, unknown fields included."""
        text = self.to_json(False)
        if isinstance(text, tuple):  # (json, length)
            text = text[0]
        return json.loads(text)


@_register
class Config(Svfs.Config):
    """Runtime configuration with runsc's flag names."""

    @classmethod
    def from_dict(cls, settings):
        """Makes a configuration from ``{key: value}`` (runsc flag names)."""
        config = cls.new()
        for key, value in settings.items():
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            config.set(key, str(value))
        return config


@_register
class MountPlan(Svfs.MountPlan):
    """A compiled mount plan: a sequence of ``Svfs.PlannedMount``."""

    def to_dict(self):
        """The plan in the JSON schema of ``sandboxvfs plan --format json``."""
        return json.loads(self.to_json())

    def __repr__(self):
        return f"<Svfs.MountPlan with {len(self)} mounts>"


if hasattr(Svfs, 'MountNamespace'):
    @_register
    class MountNamespace(Svfs.MountNamespace):
        """A materialised mount namespace; a context manager that closes it."""

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            try:
                self.close()
            except GLib.Error:
                # Do not hide the exception that ended the block.
                if exc_type is None:
                    raise
            return False


def _install():
    """Overrides every class of the namespace that has a throwing method
    (and the classes above), and every throwing namespace function."""

    for info in Repository.get_default().get_infos('Svfs'):
        name = info.get_name()
        if isinstance(info, FunctionInfo):
            if info.can_throw_gerror():
                globals()[name] = _raising_svfs_errors(getattr(Svfs, name))
                __all__.append(name)
            continue
        if not isinstance(info, ObjectInfo):
            continue
        throwing = [m for m in info.get_methods() if m.can_throw_gerror()]
        cls = _overrides.get(name)
        if cls is None and not throwing:
            continue
        if cls is None:
            base = getattr(Svfs, name)
            cls = type(name, (base,), {'__module__': __name__, '__doc__': base.__doc__})
        base = cls.__mro__[1]
        for method in throwing:
            mname = method.get_name()
            wrapped = _raising_svfs_errors(getattr(base, mname))
            if method.is_method():
                setattr(cls, mname, wrapped)
            else:
                setattr(cls, mname, staticmethod(wrapped))
        globals()[name] = override(cls)
        __all__.append(name)


_install()
