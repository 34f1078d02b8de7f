# test_dbus_malformed.py: 1,000 malformed calls, each a clear error
#
# The service runs under the system rules with a polkit mock that denies
# everything; none of these calls may get that far, crash the service or
# leave an fd behind.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import random
import socket
import tempfile

from svfsd_harness import (CONTAINER_IFACE, ERROR_PREFIX, GLib, ServiceTestCase, bind,
                           dbus_error_name, minimal_spec, wait_for)

N_CALLS = 1000
INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs'
UNKNOWN_METHOD = 'org.freedesktop.DBus.Error.UnknownMethod'


class TestMalformed(ServiceTestCase):
    DAEMON_ARGS = ('--idle-timeout', '0', '--max-concurrent-requests', '64')
    WITH_POLKIT = True

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir_fd = os.open(self.tmp.name, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        self.addCleanup(os.close, self.dir_fd)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(self.sock.close)
        self.null_fd = os.open('/dev/null', os.O_RDWR | os.O_CLOEXEC)
        self.addCleanup(os.close, self.null_fd)
        self.rng = random.Random(7)
        valid = json.dumps(minimal_spec(self.tmp.name, [bind('/data', 'x', 'ro')]))
        self.valid = valid

    # Each generator returns (method, params, fds, expected error name).
    def bad_json(self):
        cut = self.rng.randrange(1, len(self.valid) - 1)
        text = self.rng.choice([self.valid[:cut], self.valid[cut:], '', 'null', '[]', '42',
                                '"spec"', '{"ociVersion": 1}', '{,}', '\u00e9\u00e9',
                                '{"root": {"path": 5}}', '{"mounts": "x"}'])
        return ('CreateContainer', GLib.Variant('(sa{ss}aha{sv})', (text, {}, [0], {})),
                [self.dir_fd], ERROR_PREFIX + 'InvalidSpec')

    def bad_json_compile(self):
        method, params, fds, expected = self.bad_json()
        return ('CompilePlan', GLib.Variant('(sa{ss})', (params[0], {})), [], expected)

    def wrong_signature(self):
        params = self.rng.choice([
            GLib.Variant('(s)', (self.valid,)),
            GLib.Variant('(i)', (3,)),
            GLib.Variant('(ss)', (self.valid, 'x')),
            GLib.Variant('(sa{ss}as)', (self.valid, {}, ['x'])),
            GLib.Variant('(sa{sv}aha{sv})', (self.valid, {}, [], {})),
            None,
        ])
        return (self.rng.choice(['CompilePlan', 'CreateContainer']), params, [], INVALID_ARGS)

    def wrong_fd_count(self):
        n = self.rng.choice([0, 1, 3, 4])
        return ('CreateContainer',
                GLib.Variant('(sa{ss}aha{sv})', (self.valid, {}, [0] * n, {})),
                [self.dir_fd] if n else [], ERROR_PREFIX + 'SourceFds')

    def out_of_range_handle(self):
        handles = self.rng.choice([[0, 5], [-1, 0], [2 ** 31 - 1, 0], [1, 1]])
        return ('CreateContainer',
                GLib.Variant('(sa{ss}aha{sv})', (self.valid, {}, handles, {})),
                [self.dir_fd], ERROR_PREFIX + 'SourceFds')

    def wrong_kind_fd(self):
        fd = self.rng.choice([self.sock.fileno(), self.null_fd])
        order = self.rng.choice([[fd, self.dir_fd], [self.dir_fd, fd]])
        return ('CreateContainer',
                GLib.Variant('(sa{ss}aha{sv})', (self.valid, {}, [0, 1], {})),
                order, ERROR_PREFIX + 'SourceFds')

    def unknown_config(self):
        key = self.rng.choice(['nope', '', 'overlay2 ', 'x' * 1000, 'nvproxy\n'])
        return ('CompilePlan', GLib.Variant('(sa{ss})', (self.valid, {key: 'x'})), [],
                ERROR_PREFIX + 'InvalidConfig')

    def bad_config_value(self):
        key, value = self.rng.choice([('overlay2', 'bogus'), ('nvproxy', 'maybe'),
                                      ('file-access', 'everything'), ('host-fifo', 'x' * 5000)])
        return ('CompilePlan', GLib.Variant('(sa{ss})', (self.valid, {key: value})), [],
                ERROR_PREFIX + 'InvalidConfig')

    def deep_json(self):
        depth = self.rng.choice([65, 200, 10000, 100000])
        text = '{"ociVersion": "1.0.2", "annotations": {"x": ' + '[' * depth + ']' * depth + '}}'
        return ('CompilePlan', GLib.Variant('(sa{ss})', (text, {})), [], ERROR_PREFIX + 'InvalidSpec')

    def unknown_option(self):
        return ('CreateContainer',
                GLib.Variant('(sa{ss}aha{sv})', (self.valid, {}, [0, 0],
                                                 {'x' * self.rng.randrange(1, 300): GLib.Variant('i', 1)})),
                [self.dir_fd], ERROR_PREFIX + 'Unsupported')

    def unknown_method(self):
        return (self.rng.choice(['Frobnicate', 'createcontainer', 'Close', 'Spawn']),
                None, [], UNKNOWN_METHOD)

    def missing_container(self):
        # GDBus answers UnknownMethod "Object does not exist at path …"
        return ('Close', None, [], UNKNOWN_METHOD)

    def test_thousand_malformed_calls(self):
        generators = [self.bad_json, self.bad_json_compile, self.wrong_signature,
                      self.wrong_fd_count, self.out_of_range_handle, self.wrong_kind_fd,
                      self.unknown_config, self.bad_config_value, self.deep_json,
                      self.unknown_option, self.unknown_method, self.missing_container]
        fds_before = self.daemon.fd_count()
        seen = {}
        for i in range(N_CALLS):
            gen = generators[i % len(generators)]
            method, params, fds, expected = gen()
            path = None
            iface = None
            if gen == self.missing_container:
                path = '/org/sandboxvfs/SandboxVfs1/container/0123456789abcdef0123456789abcdef'
                iface = CONTAINER_IFACE
            kwargs = {'fds': fds}
            if path:
                kwargs.update(path=path, iface=iface)
            with self.assertRaises(GLib.Error, msg=f'call {i}: {gen.__name__}') as cm:
                self.client.call(method, params, **kwargs)
            name = dbus_error_name(cm.exception)
            self.assertEqual(name, expected, f'call {i}: {gen.__name__}: {cm.exception.message}')
            self.assertTrue(cm.exception.message, f'call {i}: empty message')
            seen[gen.__name__] = seen.get(gen.__name__, 0) + 1
        self.assertEqual(sum(seen.values()), N_CALLS)
        self.assertServing()
        self.assertTrue(wait_for(lambda: self.daemon.fd_count() == fds_before, timeout=2.0),
                        f'fds {self.daemon.fd_count()} != {fds_before}')

    def test_huge_strings(self):
        huge = 'x' * (17 * 1024 * 1024)
        for text in (huge, '{"a": "' + huge + '"}'):
            with self.assertRaises(GLib.Error) as cm:
                self.client.call('CompilePlan', GLib.Variant('(sa{ss})', (text, {})))
            self.assertEqual(dbus_error_name(cm.exception), ERROR_PREFIX + 'InvalidSpec')
            self.assertIn('16 MiB', cm.exception.message)
        with self.assertRaises(GLib.Error) as cm:
            self.client.call('CompilePlan', GLib.Variant('(sa{ss})', (self.valid, {'overlay2': huge[:1 << 20]})))
        self.assertEqual(dbus_error_name(cm.exception), ERROR_PREFIX + 'InvalidConfig')
        self.assertServing()

    def test_closed_fd_never_reaches_the_service(self):
        fd = os.open('/', os.O_PATH | os.O_CLOEXEC)
        os.close(fd)
        with self.assertRaises(GLib.Error):
            self.client.call('CreateContainer',
                             GLib.Variant('(sa{ss}aha{sv})', (self.valid, {}, [0, 0], {})), fds=[fd])
        self.assertServing()

    def test_client_gone_mid_call(self):
        # Calls whose sender vanishes before the reply: the service drops
        # the reply and keeps serving.
        from svfsd_harness import Client, Gio, BUS_NAME, MANAGER_PATH, MANAGER_IFACE
        for _ in range(20):
            c = Client(self.bus.address)
            c.conn.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, 'CompilePlan',
                        GLib.Variant('(sa{ss})', (self.valid, {})), None,
                        Gio.DBusCallFlags.NO_AUTO_START, -1, None, None, None)
            c.conn.flush_sync(None)
            c.close()
        self.assertServing()
