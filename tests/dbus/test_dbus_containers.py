# test_dbus_containers.py: containers over D-Bus — use, ownership, lifetime, load
#
# Needs root, as CI runs. The rootfs is the host's / with the default
# overlay2 root:memory, so nothing is written to the host.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

from svfsd_harness import (BUS_NAME, CONTAINER_IFACE, ERROR_PREFIX, Bus, Client, Daemon, GLib,
                           Gio, ServiceTestCase, dbus_error_name, minimal_spec, wait_for)

ALL_ACTIONS = ('org.sandboxvfs.SandboxVfs1.create-container',
               'org.sandboxvfs.SandboxVfs1.bind-not-owned',
               'org.sandboxvfs.SandboxVfs1.device')
LOAD_CLIENTS = 8
LOAD_ITERATIONS = int(os.environ.get('SVFSD_LOAD_ITERATIONS', '100'))
CLONE_NEWNS = 0x00020000


def marker_spec():
    return minimal_spec('/', [{'destination': '/svfs-marker', 'type': 'tmpfs',
                               'source': 'tmpfs', 'options': ['size=1m']}])


def spawn_params(argv, env=(b'PATH=/usr/bin:/bin',), cwd=b'/', fds=None):
    return GLib.Variant('(aayaayaya{uh}a{sv})',
                        ([a + b'\0' for a in argv], [e + b'\0' for e in env], cwd + b'\0',
                         fds or {}, {}))


def alive(pid):
    """Running (a zombie is dead: once the service has exited, its killed
    children are reparented to an init that may reap them late)."""
    try:
        with open(f'/proc/{int(pid)}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


class ContainerTestCase(ServiceTestCase):
    DAEMON_ARGS = ('--idle-timeout', '0', '--max-containers-per-client', '3')
    WITH_POLKIT = True

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('containers on the system rules need root')
        super().setUpClass()
        cls.polkit.allow(*ALL_ACTIONS)

    def new_container(self, client=None, spec=None):
        client = client or self.client
        root = os.open('/', os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            return client.create(spec or marker_spec(), [root])
        finally:
            os.close(root)


class TestContainer(ContainerTestCase):
    def test_properties_and_mount_table(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        self.assertEqual(self.client.get_property(path, 'Id'), path.rsplit('/', 1)[1])
        self.assertEqual(self.client.get_property(path, 'Owner'), self.client.name)
        mounts = json.loads(self.client.get_property(path, 'Mounts'))
        dests = [m['destination'] for m in mounts['mounts']]
        self.assertIn('/svfs-marker', dests)
        self.assertIn('/proc', dests)
        self.assertEqual(mounts['root']['type'], 'bind')
        reply, _ = self.client.call('GetAll', GLib.Variant('(s)', (CONTAINER_IFACE,)), path=path,
                                    iface='org.freedesktop.DBus.Properties')
        self.assertEqual(set(reply.unpack()[0]), {'Id', 'Owner', 'Mounts'})
        reply, _ = self.client.call('ListContainers', None)
        self.assertEqual(reply.unpack()[0], [path])

    def test_open_namespaces_gives_the_container_root(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        reply, fdl = self.client.container_call(path, 'OpenNamespaces')
        fds = fdl.steal_fds()
        userns, mntns = (fds[h] for h in reply.unpack())
        self.assertTrue(os.readlink(f'/proc/self/fd/{mntns}').startswith('mnt:'))
        self.assertTrue(os.readlink(f'/proc/self/fd/{userns}').startswith('user:'))
        pid = os.fork()
        if pid == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            ok = libc.setns(mntns, CLONE_NEWNS) == 0 and os.path.ismount('/svfs-marker')
            os._exit(0 if ok else 1)
        os.close(userns)
        os.close(mntns)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)
        self.assertFalse(os.path.ismount('/svfs-marker'))

    def test_spawn_with_fds_and_spawn_exited(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        exited = {}
        loop = GLib.MainLoop()

        def on_signal(conn, sender, obj, iface, name, params):
            exited[params[0]] = params[1]
            loop.quit()
        sub = self.client.conn.signal_subscribe(BUS_NAME, CONTAINER_IFACE, 'SpawnExited', path,
                                                None, Gio.DBusSignalFlags.NONE, on_signal)
        self.addCleanup(self.client.conn.signal_unsubscribe, sub)
        r, w = os.pipe()
        reply, _ = self.client.container_call(
            path, 'Spawn',
            spawn_params([b'/bin/sh', b'-c', b'test -d /svfs-marker && echo inside; exit 3'],
                         fds={1: 0}), fds=[w])
        os.close(w)
        pid = reply.unpack()[0]
        self.assertGreater(pid, 0)
        GLib.timeout_add_seconds(10, loop.quit)
        loop.run()
        self.assertEqual(os.read(r, 100), b'inside\n')
        os.close(r)
        self.assertIn(pid, exited)
        self.assertTrue(os.WIFEXITED(exited[pid]))
        self.assertEqual(os.WEXITSTATUS(exited[pid]), 3)

    def test_spawn_errors(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        self.assertDBusError('NotFound', self.client.container_call, path, 'Spawn',
                             spawn_params([b'/no/such/program']))
        self.assertDBusError('SourceFds', self.client.container_call, path, 'Spawn',
                             spawn_params([b'/bin/true'], fds={1: 4}))
        self.assertDBusError('LimitExceeded', self.client.container_call, path, 'Spawn',
                             spawn_params([b'/bin/true'], fds={4096: 0}), fds=[0])
        e = self.assertDBusError('Unsupported', self.client.container_call, path, 'Spawn',
                                 GLib.Variant('(aayaayaya{uh}a{sv})',
                                              ([b'/bin/true\0'], [], b'\0', {},
                                               {'x': GLib.Variant('b', True)})))
        self.assertIn('"x"', e.message)

    def test_spawn_empty_argv_env_cwd_are_the_specs(self):
        spec = marker_spec()
        spec['process'] = {'args': ['/bin/sh', '-c', 'echo "$PWD $SVFS_TEST"'],
                           'env': ['PATH=/usr/bin:/bin', 'SVFS_TEST=from-spec'], 'cwd': '/proc'}
        path = self.new_container(spec=spec)
        self.addCleanup(self.client.container_call, path, 'Close')
        r, w = os.pipe()
        self.client.container_call(path, 'Spawn', GLib.Variant(
            '(aayaayaya{uh}a{sv})', ([], [], b'\0', {1: 0}, {})), fds=[w])
        os.close(w)
        self.assertEqual(os.read(r, 100), b'/proc from-spec\n')
        os.close(r)

    def test_spawn_unterminated_bytestrings(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        for argv, env, cwd, what in (([b'/bin/true\0', b'a\0', b'b'], [], b'\0', 'argv[2]'),
                                     ([b'/bin/true\0'], [b'A=1'], b'\0', 'env[0]'),
                                     ([b'/bin/true\0'], [], b'/', 'cwd')):
            with self.assertRaises(GLib.Error) as cm:
                self.client.container_call(path, 'Spawn', GLib.Variant(
                    '(aayaayaya{uh}a{sv})', (argv, env, cwd, {}, {})))
            self.assertEqual(dbus_error_name(cm.exception),
                             'org.freedesktop.DBus.Error.InvalidArgs')
            self.assertIn(what, cm.exception.message)

    def test_only_the_owner(self):
        path = self.new_container()
        self.addCleanup(self.client.container_call, path, 'Close')
        other = Client(self.bus.address)
        self.addCleanup(other.close)
        for method, params in (('OpenNamespaces', None), ('Close', None),
                               ('Spawn', spawn_params([b'/bin/true']))):
            e = self.assertDBusError('PermissionDenied', other.container_call, path, method, params)
            self.assertIn('another client', e.message)
        for prop in ('Id', 'Owner', 'Mounts'):
            self.assertDBusError('PermissionDenied', other.get_property, path, prop)
        self.assertDBusError('PermissionDenied', other.call, 'GetAll',
                             GLib.Variant('(s)', (CONTAINER_IFACE,)), path=path,
                             iface='org.freedesktop.DBus.Properties')
        reply, _ = other.call('ListContainers', None)
        self.assertEqual(reply.unpack()[0], [])
        # Still the owner's and alive.
        self.assertEqual(self.client.get_property(path, 'Owner'), self.client.name)

    def test_closed_goes_to_the_owner_only(self):
        path = self.new_container()
        other = Client(self.bus.address)
        self.addCleanup(other.close)
        heard = {'owner': 0, 'other': 0}
        subs = []
        for who, c in (('owner', self.client), ('other', other)):
            subs.append((c, c.conn.signal_subscribe(
                None, CONTAINER_IFACE, 'Closed', path, None, Gio.DBusSignalFlags.NONE,
                lambda *a, who=who: heard.__setitem__(who, heard[who] + 1))))
        self.client.container_call(path, 'Close')
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            ctx.iteration(False)
            time.sleep(0.01)
        for c, s in subs:
            c.conn.signal_unsubscribe(s)
        self.assertEqual(heard, {'owner': 1, 'other': 0})
        with self.assertRaises(GLib.Error):
            self.client.get_property(path, 'Id')

    def test_containers_per_client(self):
        paths = [self.new_container() for _ in range(3)]
        e = self.assertDBusError('LimitExceeded', self.new_container)
        self.assertIn('at most 3', e.message)
        # Another client has its own allowance.
        other = Client(self.bus.address)
        self.addCleanup(other.close)
        other_path = self.new_container(other)
        other.container_call(other_path, 'Close')
        self.client.container_call(paths.pop(), 'Close')
        paths.append(self.new_container())
        for p in paths:
            self.client.container_call(p, 'Close')


class TestLifetime(ContainerTestCase):
    def held(self):
        return self.daemon.children()

    def container_with_sleeper(self, client):
        path = self.new_container(client)
        reply, _ = client.container_call(path, 'Spawn', spawn_params([b'/bin/sleep', b'1000']))
        return path, reply.unpack()[0]

    def assertAllGone(self, pids, fds_before):
        ok = wait_for(lambda: not self.held() and not any(alive(p) for p in pids), timeout=1.0)
        self.assertTrue(ok, f'still there after 1 s: helpers {self.held()}, '
                            f'pids {[p for p in pids if alive(p)]}')
        self.assertTrue(wait_for(lambda: self.daemon.fd_count() == fds_before, timeout=1.0),
                        f'fds {self.daemon.fd_count()} != {fds_before}')

    def test_close_tears_down(self):
        fds = self.daemon.fd_count()
        path, pid = self.container_with_sleeper(self.client)
        helpers = self.held()
        self.assertTrue(helpers)
        self.client.container_call(path, 'Close')
        self.assertAllGone([pid] + helpers, fds)

    def test_owner_leaving_the_bus_tears_down(self):
        fds = self.daemon.fd_count()
        c = Client(self.bus.address)
        _, pid = self.container_with_sleeper(c)
        _, pid2 = self.container_with_sleeper(c)
        helpers = self.held()
        c.close()
        self.assertAllGone([pid, pid2] + helpers, fds)
        self.assertServing()

    def test_owner_killed_tears_down(self):
        fds = self.daemon.fd_count()
        code = f'''
import os, sys
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
from test_dbus_containers import *
c = Client({self.bus.address!r})
root = os.open('/', os.O_PATH | os.O_DIRECTORY)
path = c.create(marker_spec(), [root])
reply, _ = c.container_call(path, 'Spawn', spawn_params([b'/bin/sleep', b'1000']))
print(reply.unpack()[0], flush=True)
import time; time.sleep(1000)
'''
        proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True)
        pid = int(proc.stdout.readline())
        helpers = self.held()
        self.assertTrue(alive(pid))
        proc.kill()
        proc.wait()
        self.assertAllGone([pid] + helpers, fds)
        self.assertServing()

    def service_exit_tears_down(self, sig):
        """The service ends on @sig: exit status 0, the owner hears Closed,
        and nothing spawned or held is left."""
        from svfsd_harness import Polkit
        bus = Bus()
        pk = c = None
        leftovers = []
        try:
            pk = Polkit(bus)
            pk.allow(*ALL_ACTIONS)
            d = Daemon(bus, '--idle-timeout', '0')
            c = Client(bus.address)
            root = os.open('/', os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            path = c.create(marker_spec(), [root])
            os.close(root)
            closed = []
            c.conn.signal_subscribe(BUS_NAME, CONTAINER_IFACE, 'Closed', path, None,
                                    Gio.DBusSignalFlags.NONE, lambda *a: closed.append(a[2]))
            reply, _ = c.container_call(path, 'Spawn', spawn_params([b'/bin/sleep', b'1000']))
            pid = reply.unpack()[0]
            helpers = d.children()
            leftovers = [pid] + helpers
            d.proc.send_signal(sig)
            try:
                status = d.proc.wait(5)
            finally:
                d.stop()
            self.assertEqual(status, 0, d.output())
            self.assertTrue(wait_for(lambda: not any(alive(p) for p in leftovers), 1.0),
                            f'still running: {[p for p in leftovers if alive(p)]}')
            ctx = GLib.MainContext.default()
            deadline = time.monotonic() + 1
            while not closed and time.monotonic() < deadline:
                ctx.iteration(False)
                time.sleep(0.01)
            self.assertEqual(closed, [path])
        finally:
            for p in leftovers:
                if alive(p):
                    os.kill(int(p), signal.SIGKILL)
            if c:
                c.close()
            if pk:
                pk.stop()
            bus.stop()

    def test_service_exit_tears_down(self):
        self.service_exit_tears_down(signal.SIGTERM)

    def test_service_exit_on_sigint_tears_down(self):
        self.service_exit_tears_down(signal.SIGINT)

    def test_service_exit_on_sighup_tears_down(self):
        # A terminal that goes away (sandboxvfsd --session started by hand)
        # ends the service too; its containers go with it.
        self.service_exit_tears_down(signal.SIGHUP)


class TestLoad(ContainerTestCase):
    DAEMON_ARGS = ('--idle-timeout', '0')

    def run_clients(self, iterations):
        errors = []

        def worker():
            c = Client(self.bus.address)
            try:
                for _ in range(iterations):
                    path = self.new_container(c, minimal_spec('/'))
                    c.container_call(path, 'Close')
            except Exception as e:  # noqa: BLE001 — reported below
                errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=worker) for _ in range(LOAD_CLIENTS)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return errors, time.monotonic() - start

    def test_concurrent_clients_create_and_close(self):
        # Warm up: the worker thread pool and the caches reach their size.
        self.assertEqual(self.run_clients(2)[0], [])
        time.sleep(0.5)
        fds, threads, rss = self.daemon.fd_count(), self.daemon.thread_count(), self.daemon.rss_kib()
        errors, elapsed = self.run_clients(LOAD_ITERATIONS)
        self.assertEqual(errors, [])
        print(f'{LOAD_CLIENTS}×{LOAD_ITERATIONS} create+close in {elapsed:.1f} s')
        self.assertTrue(wait_for(lambda: not self.daemon.children(), 2.0), self.daemon.children())
        self.assertTrue(wait_for(lambda: self.daemon.fd_count() == fds, 2.0),
                        f'fds {self.daemon.fd_count()} != {fds}')
        # GLib keeps up to 10 idle worker threads for a while; no more.
        self.assertLessEqual(self.daemon.thread_count(), max(threads, 3 + 10))
        self.assertLess(self.daemon.rss_kib() - rss, 16 * 1024)
        self.assertServing()


if __name__ == '__main__':
    unittest.main()
