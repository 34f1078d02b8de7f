# test_dbus_manager.py: sandboxvfsd's Manager object, its errors and limits
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from svfsd_harness import (BUS_NAME, ERROR_PREFIX, MANAGER_IFACE, MANAGER_PATH, SVFS_DOMAIN,
                           Bus, Client, Daemon, GLib, Gio, ServiceTestCase, Svfs, bind,
                           daemon_path, dbus_error_name, minimal_spec, run_as_nobody)

CLI = os.environ.get('SVFS_CLI')
SOURCE_ROOT = os.environ.get('SVFS_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..', '..'))


class TestManager(ServiceTestCase):
    DAEMON_ARGS = ('--rules', 'session', '--idle-timeout', '0',
                   '--max-containers-per-client', '3', '--max-mounts-per-spec', '50',
                   '--max-concurrent-requests', '2')

    def test_properties_version_and_max_containers(self):
        proxy = Gio.DBusProxy.new_sync(self.client.conn, Gio.DBusProxyFlags.DO_NOT_AUTO_START,
                                       None, BUS_NAME, MANAGER_PATH, MANAGER_IFACE, None)
        version = proxy.get_cached_property('Version').unpack()
        out = subprocess.run([CLI, '--version'], capture_output=True, text=True, check=True).stdout
        self.assertIn(version, out)
        self.assertEqual(proxy.get_cached_property('MaxContainersPerClient').unpack(), 3)

    def test_list_filesystem_types_is_the_registry(self):
        reply, _ = self.client.call('ListFilesystemTypes', None, reply_type='(a(sbb))')
        types = {name: (mount, lst) for name, mount, lst in reply.unpack()[0]}
        expected = {t.get_name(): (t.get_allow_user_mount(), t.get_allow_user_list())
                    for t in Svfs.FilesystemType.list_registered()}
        self.assertEqual(types, expected)
        self.assertIn('tmpfs', types)

    def test_compile_plan_is_the_cli_plan(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, 'rootfs'))
            spec = minimal_spec(os.path.join(d, 'rootfs'),
                                [bind('/data', '/srv', 'ro'),
                                 {'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs',
                                  'options': ['nosuid', 'size=64m']}])
            path = os.path.join(d, 'config.json')
            with open(path, 'w') as f:
                json.dump(spec, f)
            cli = json.loads(subprocess.run([CLI, 'plan', '--format', 'json', path],
                                            capture_output=True, text=True, check=True).stdout)
            plan = self.client.compile_plan(spec, {'overlay2': 'root:memory'})
        self.assertEqual(plan, cli)
        self.assertEqual(plan['mounts'][-1]['destination'], '/tmp')

    def test_invalid_json_is_invalid_spec(self):
        e = self.assertDBusError('InvalidSpec', self.client.compile_plan, '{"ociVersion": ')
        self.assertIn('line 1', e.message)

    def test_errors_carry_the_library_message_and_code(self):
        e = self.assertDBusError('InvalidConfig', self.client.compile_plan, minimal_spec(),
                                 {'no-such-key': 'x'})
        self.assertIn('no-such-key', e.message)
        if Svfs is not None:
            self.assertTrue(e.matches(Svfs.error_quark(), Svfs.Error.INVALID_CONFIG))
        self.assertDBusError('InvalidConfig', self.client.compile_plan, minimal_spec(),
                             {'overlay2': 'root:nowhere'})
        e = self.assertDBusError('InvalidOption', self.client.compile_plan,
                                 minimal_spec('/', [{'destination': '/x', 'type': 'tmpfs',
                                                     'source': 'tmpfs', 'options': ['a=b=c']}]))
        self.assertIn('a=b=c', e.message)
        self.assertDBusError('InvalidSpec', self.client.compile_plan,
                             minimal_spec('/', [{'destination': 'relative', 'type': 'tmpfs'}]))

    def test_unknown_create_option_is_unsupported(self):
        e = self.assertDBusError('Unsupported', self.client.create, minimal_spec(),
                                 options={'frobnicate': GLib.Variant('b', True)})
        self.assertIn('frobnicate', e.message)

    def test_spec_over_16_mib_is_invalid_spec(self):
        big = '{"ociVersion": "1.0.2", "root": {"path": "/"}, "annotations": {"x": "%s"}}'
        overhead = len(big) - 2
        at_limit = big % ('a' * (16 * 1024 * 1024 - overhead))
        self.assertEqual(len(at_limit), 16 * 1024 * 1024)
        self.client.compile_plan(at_limit)
        e = self.assertDBusError('InvalidSpec', self.client.compile_plan, at_limit[:-1] + ' }')
        self.assertIn('16 MiB', e.message)
        self.assertServing()

    def test_mounts_per_spec_limit(self):
        mounts = [{'destination': f'/m{i}', 'type': 'tmpfs', 'source': 'tmpfs'} for i in range(51)]
        self.client.compile_plan(minimal_spec('/', mounts[:50]))
        e = self.assertDBusError('LimitExceeded', self.client.compile_plan, minimal_spec('/', mounts))
        self.assertIn('at most 50', e.message)

    def test_concurrent_requests_limit(self):
        # A spec that takes a while to parse; ten at once from one client,
        # with at most two in flight.
        spec = json.dumps(minimal_spec('/', annotations={f'k{i}': 'v' * 64 for i in range(60000)}))
        loop = GLib.MainLoop()
        results = []

        def done(conn, res, _):
            try:
                conn.call_finish(res)
                results.append('ok')
            except GLib.Error as e:
                results.append(dbus_error_name(e))
            if len(results) == 10:
                loop.quit()

        for _ in range(10):
            self.client.conn.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, 'CompilePlan',
                                  GLib.Variant('(sa{ss})', (spec, {})), None,
                                  Gio.DBusCallFlags.NO_AUTO_START, 60000, None, done, None)
        GLib.timeout_add_seconds(60, loop.quit)
        loop.run()
        self.assertEqual(len(results), 10)
        self.assertIn('ok', results)
        self.assertIn(ERROR_PREFIX + 'LimitExceeded', results)
        self.assertEqual(set(results), {'ok', ERROR_PREFIX + 'LimitExceeded'})
        # Limits are per request in flight: afterwards calls go through.
        self.client.compile_plan(minimal_spec())

    def test_list_containers_of_a_new_client_is_empty(self):
        reply, _ = self.client.call('ListContainers', None, reply_type='(ao)')
        self.assertEqual(reply.unpack()[0], [])

    def test_list_devices_is_the_cli_json(self):
        reply, _ = self.client.call('ListDevices', None, reply_type='(s)')
        devices = json.loads(reply.unpack()[0])
        self.assertIsInstance(devices['devices'], list)
        cli = subprocess.run([CLI, 'devices', '--format', 'json'], capture_output=True, text=True)
        if cli.returncode == 0:
            self.assertEqual(devices, json.loads(cli.stdout))

    def test_other_users_are_refused_on_session_rules(self):
        answer = run_as_nobody(self.bus.address, {'method': 'CompilePlan',
                                                  'spec': json.dumps(minimal_spec())})
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn('uid', answer['message'])

    def test_gdbus_call(self):
        base = ['gdbus', 'call', '--address', self.bus.address, '--dest', BUS_NAME,
                '--object-path', MANAGER_PATH]
        out = subprocess.run(base + ['--method', MANAGER_IFACE + '.ListFilesystemTypes'],
                             capture_output=True, text=True, check=True).stdout
        self.assertIn("('tmpfs', true, true)", out)
        out = subprocess.run(base + ['--method', MANAGER_IFACE + '.CompilePlan',
                                     json.dumps(minimal_spec()), '{"overlay2": "none"}'],
                             capture_output=True, text=True, check=True).stdout
        self.assertIn('/proc', out)
        err = subprocess.run(base + ['--method', MANAGER_IFACE + '.CompilePlan', '{', '{}'],
                             capture_output=True, text=True)
        self.assertNotEqual(err.returncode, 0)
        self.assertIn('org.sandboxvfs.SandboxVfs1.Error.InvalidSpec', err.stderr)

    def test_introspection_matches_the_interface_xml(self):
        xml = ET.parse(os.path.join(SOURCE_ROOT, 'data', 'org.sandboxvfs.SandboxVfs1.xml'))
        want = xml.getroot().find(f"interface[@name='{MANAGER_IFACE}']")
        reply, _ = self.client.call('Introspect', None, iface='org.freedesktop.DBus.Introspectable')
        got = ET.fromstring(reply.unpack()[0]).find(f"interface[@name='{MANAGER_IFACE}']")

        def sigs(iface):
            return {(m.get('name'), tuple((a.get('type'), a.get('direction')) for a in m.findall('arg')))
                    for m in iface.findall('method')} | \
                   {(p.get('name'), p.get('type')) for p in iface.findall('property')}
        self.assertEqual(sigs(got), sigs(want))

    def test_wrong_signature_is_invalid_args(self):
        with self.assertRaises(GLib.Error) as cm:
            self.client.call('CompilePlan', GLib.Variant('(s)', ('{}',)))
        self.assertEqual(dbus_error_name(cm.exception), 'org.freedesktop.DBus.Error.InvalidArgs')
        self.assertServing()


class TestErrorDomain(unittest.TestCase):
    @unittest.skipIf(Svfs is None, 'needs the Svfs typelib')
    def test_every_code_has_a_dbus_name(self):
        for code in Svfs.Error.__enum_values__.values():
            nick = Svfs.error_to_string(code)
            camel = ''.join(p.capitalize() for p in nick.split('-'))
            err = GLib.Error.new_literal(Svfs.error_quark(), 'm', int(code))
            self.assertEqual(Gio.DBusError.encode_gerror(err), ERROR_PREFIX + camel)
            back = Gio.DBusError.new_for_dbus_error(ERROR_PREFIX + camel, 'm')
            self.assertEqual(back.domain, SVFS_DOMAIN)
            self.assertEqual(back.code, int(code))


class TestLifecycle(unittest.TestCase):
    def test_idle_exit(self):
        bus = Bus()
        try:
            start = time.monotonic()
            d = Daemon(bus, '--rules', 'session', '--idle-timeout', '1')
            self.assertEqual(d.proc.wait(10), 0, d.output())
            self.assertLess(time.monotonic() - start, 5)
        finally:
            bus.stop()

    def test_requests_keep_it_alive(self):
        bus = Bus()
        try:
            d = Daemon(bus, '--rules', 'session', '--idle-timeout', '2')
            c = Client(bus.address)
            for _ in range(6):
                c.compile_plan(minimal_spec())
                time.sleep(0.5)
            self.assertIsNone(d.proc.poll())
            c.close()
            self.assertEqual(d.proc.wait(10), 0)
        finally:
            bus.stop()

    def test_sigterm_exits_cleanly(self):
        bus = Bus()
        try:
            d = Daemon(bus, '--rules', 'session', '--idle-timeout', '0')
            self.assertEqual(d.stop(), 0, d.output())
        finally:
            bus.stop()

    def test_command_line(self):
        def run(*args):
            return subprocess.run([daemon_path(), *args], capture_output=True, text=True)
        out = run('--version')
        self.assertEqual(out.returncode, 0)
        self.assertTrue(out.stdout.startswith('sandboxvfsd '))
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run('--session', '--system').returncode, 2)
        self.assertEqual(run('--address', 'unix:path=/x', '--max-containers-per-client', '0').returncode, 2)
        self.assertEqual(run('--address', 'unix:path=/x', '--rules', 'bogus').returncode, 2)
        self.assertEqual(run('--system', '--rules', 'session').returncode, 2)
        missing = run('--address', 'unix:path=/nonexistent/bus', '--idle-timeout', '0')
        self.assertEqual(missing.returncode, 1)
        self.assertIn('cannot connect', missing.stderr)
        self.assertIn('--max-containers-per-client', run('--help').stdout)


if __name__ == '__main__':
    unittest.main()
