# svfsd_harness.py: a private message bus, sandboxvfsd on it, a polkit mock
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Test fixtures for sandboxvfsd.

Each test class gets its own dbus-daemon (tests/dbus/test-bus.conf: every
user may connect, like the system bus) and its own sandboxvfsd started with
``--address``. Clients are Gio.DBusConnection objects on that bus; clients
as another user run ``client_helper.py`` under ``setpriv``.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

try:
    gi.require_version('Svfs', '1')
    from gi.repository import Svfs  # noqa: E402
    # Registers the D-Bus error names: errors arrive as svfs-error-quark.
    SVFS_DOMAIN = GLib.quark_to_string(Svfs.error_quark())
except (ImportError, ValueError):
    Svfs = None
    SVFS_DOMAIN = 'svfs-error-quark'

HERE = os.path.dirname(os.path.abspath(__file__))
BUS_NAME = 'org.sandboxvfs.SandboxVfs1'
MANAGER_PATH = '/org/sandboxvfs/SandboxVfs1'
MANAGER_IFACE = 'org.sandboxvfs.SandboxVfs1.Manager'
CONTAINER_IFACE = 'org.sandboxvfs.SandboxVfs1.Container'
ERROR_PREFIX = 'org.sandboxvfs.SandboxVfs1.Error.'
NOBODY = 65534


def daemon_path():
    path = os.environ.get('SVFSD')
    if not path:
        raise unittest.SkipTest('SVFSD is not set (run through meson test)')
    return path


class Bus:
    """A dbus-daemon on a unix socket any user can reach."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='svfsd-bus-')
        os.chmod(self.dir, 0o755)
        conf = open(os.path.join(HERE, 'test-bus.conf')).read()
        conf = conf.replace('<auth>', f'<listen>unix:dir={self.dir}</listen>\n  <auth>', 1)
        conf_path = os.path.join(self.dir, 'bus.conf')
        with open(conf_path, 'w') as f:
            f.write(conf)
        self.proc = subprocess.Popen(
            ['dbus-daemon', f'--config-file={conf_path}', '--nofork', '--print-address=1'],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.proc.stdout.readline().strip()
        assert self.address.startswith('unix:'), self.address

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)


def name_has_owner(conn, name):
    reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                           'org.freedesktop.DBus', 'NameHasOwner',
                           GLib.Variant('(s)', (name,)), GLib.VariantType('(b)'),
                           Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def wait_for(predicate, timeout=5.0, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Daemon:
    """sandboxvfsd --address BUS with extra arguments."""

    def __init__(self, bus, *args):
        self.bus = bus
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ)
        env.pop('G_DEBUG', None)   # the service's warnings are logged, not fatal
        self.proc = subprocess.Popen([daemon_path(), '--address', bus.address, *args],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid
        conn = connect(bus.address)
        if not wait_for(lambda: name_has_owner(conn, BUS_NAME) or self.proc.poll() is not None):
            raise AssertionError('sandboxvfsd did not take its name:\n' + self.output())
        conn.close_sync(None)
        if self.proc.poll() is not None:
            raise AssertionError('sandboxvfsd exited:\n' + self.output())

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors='replace')

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    # What the service holds, from /proc.
    def fd_count(self):
        return len(os.listdir(f'/proc/{self.pid}/fd'))

    def thread_count(self):
        return len(os.listdir(f'/proc/{self.pid}/task'))

    def children(self):
        out = []
        for task in os.listdir(f'/proc/{self.pid}/task'):
            try:
                with open(f'/proc/{self.pid}/task/{task}/children') as f:
                    out += f.read().split()
            except FileNotFoundError:
                pass
        return out

    def rss_kib(self):
        with open(f'/proc/{self.pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        return 0


class Polkit:
    """python3-dbusmock's polkitd template on the test bus: denies all by
    default; allow(actions) changes that."""

    def __init__(self, bus):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
        self.proc = subprocess.Popen([sys.executable, '-m', 'dbusmock', '--system', '-t', 'polkitd'],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.conn = connect(bus.address)
        if not wait_for(lambda: name_has_owner(self.conn, 'org.freedesktop.PolicyKit1')):
            raise AssertionError('the polkit mock did not start')

    def allow(self, *actions):
        self.conn.call_sync('org.freedesktop.PolicyKit1', '/org/freedesktop/PolicyKit1/Authority',
                            'org.freedesktop.DBus.Mock', 'SetAllowed',
                            GLib.Variant('(as)', (list(actions),)), None,
                            Gio.DBusCallFlags.NONE, 5000, None)

    def stop(self):
        self.conn.close_sync(None)
        self.proc.terminate()
        self.proc.wait(5)


class Client:
    """One client connection (one unique bus name)."""

    def __init__(self, address):
        self.conn = connect(address)
        self.name = self.conn.get_unique_name()

    def close(self):
        if not self.conn.is_closed():
            self.conn.close_sync(None)

    def call(self, method, params, fds=(), reply_type=None, path=MANAGER_PATH,
             iface=MANAGER_IFACE, timeout=30000):
        fdl = Gio.UnixFDList.new()
        for fd in fds:
            fdl.append(fd)
        reply, out_fdl = self.conn.call_with_unix_fd_list_sync(
            BUS_NAME, path, iface, method, params,
            GLib.VariantType(reply_type) if reply_type else None,
            Gio.DBusCallFlags.NO_AUTO_START, timeout, fdl if fds else None, None)
        return reply, out_fdl

    def compile_plan(self, spec, config=None):
        reply, _ = self.call('CompilePlan', GLib.Variant('(sa{ss})', (spec_text(spec), config or {})))
        return json.loads(reply.unpack()[0])

    def create(self, spec, sources=(), config=None, options=None):
        """CreateContainer with the given fds as sources; returns the path."""
        params = GLib.Variant('(sa{ss}aha{sv})',
                              (spec_text(spec), config or {}, list(range(len(sources))), options or {}))
        reply, _ = self.call('CreateContainer', params, fds=sources)
        return reply.unpack()[0]

    def get_property(self, path, name, iface=CONTAINER_IFACE):
        reply, _ = self.call('Get', GLib.Variant('(ss)', (iface, name)), path=path,
                             iface='org.freedesktop.DBus.Properties')
        return reply.unpack()[0]

    def container_call(self, path, method, params=None, fds=()):
        return self.call(method, params, fds=fds, path=path, iface=CONTAINER_IFACE)


def spec_text(spec):
    return spec if isinstance(spec, str) else json.dumps(spec)


def dbus_error_name(error):
    """The D-Bus error name of a GLib.Error from a call."""
    return Gio.DBusError.get_remote_error(error) or ''


class ServiceTestCase(unittest.TestCase):
    """A bus and a service per test class. DAEMON_ARGS adds arguments;
    WITH_POLKIT starts the polkit mock first."""

    DAEMON_ARGS = ('--idle-timeout', '0')
    WITH_POLKIT = False

    @classmethod
    def setUpClass(cls):
        cls.bus = Bus()
        cls.polkit = Polkit(cls.bus) if cls.WITH_POLKIT else None
        cls.daemon = Daemon(cls.bus, *cls.DAEMON_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        if cls.polkit:
            cls.polkit.stop()
        cls.bus.stop()

    def setUp(self):
        self.client = Client(self.bus.address)
        self.addCleanup(self.client.close)

    def assertDBusError(self, code, func, *args, **kwargs):
        """Calls func and checks the D-Bus error name and the SVFS_ERROR code."""
        with self.assertRaises(GLib.Error) as cm:
            func(*args, **kwargs)
        name = dbus_error_name(cm.exception)
        self.assertEqual(name, ERROR_PREFIX + code, cm.exception.message)
        self.assertEqual(cm.exception.domain, SVFS_DOMAIN)
        if Svfs is not None:
            nick = ''.join('-' + c.lower() if c.isupper() else c for c in code).lstrip('-')
            self.assertEqual(Svfs.error_to_string(cm.exception.code), nick)
        return cm.exception

    def assertServing(self):
        """The service still answers."""
        c = Client(self.bus.address)
        try:
            reply, _ = c.call('ListFilesystemTypes', None)
            self.assertTrue(any(t[0] == 'tmpfs' for t in reply.unpack()[0]))
        finally:
            c.close()
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.output())


def minimal_spec(root='/', mounts=(), **extra):
    spec = {'ociVersion': '1.0.2', 'root': {'path': root}, 'mounts': list(mounts),
            'process': {'args': ['/bin/sh'], 'cwd': '/'}}
    spec.update(extra)
    return spec


def bind(dest, source, *options):
    return {'destination': dest, 'type': 'bind', 'source': source,
            'options': ['rbind', *options]}


def open_path(path, flags=os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC):
    return os.open(path, flags)


def run_as_nobody(address, request):
    """Runs client_helper.py as uid/gid 65534 with a JSON request; returns
    its JSON answer ({"ok": …} or {"error": name, "message": …})."""
    cmd = ['setpriv', f'--reuid={NOBODY}', f'--regid={NOBODY}', '--clear-groups',
           '/usr/bin/python3', os.path.join(HERE, 'client_helper.py'), address]
    out = subprocess.run(cmd, input=json.dumps(request), capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        raise AssertionError(f'client_helper failed: {out.stderr}')
    return json.loads(out.stdout)
