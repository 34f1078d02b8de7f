# test_dbus_security.py: sandboxvfsd under the system rules — every rule tried
#
# The service runs with --address on a private bus and the system rules
# (the default with --address): polkit (python3-dbusmock's polkitd
# template, which denies everything until told otherwise), sources as fds
# only, access re-checked as the caller. Some clients run as nobody.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import shutil
import socket
import tempfile
import unittest

from svfsd_harness import (ERROR_PREFIX, NOBODY, ServiceTestCase, bind, minimal_spec,
                           open_path, run_as_nobody, wait_for)

CREATE = 'org.sandboxvfs.SandboxVfs1.create-container'
NOT_OWNED = 'org.sandboxvfs.SandboxVfs1.bind-not-owned'
DEVICE = 'org.sandboxvfs.SandboxVfs1.device'

# What a request that passed every check gets: a container.
PASSED = ('ok',)


class SystemRulesTestCase(ServiceTestCase):
    DAEMON_ARGS = ('--idle-timeout', '0')
    WITH_POLKIT = True

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('the system rules need the service to run as root')
        super().setUpClass()
        # Trees for the tests: one owned by nobody (its rootfs), one root's
        # and private, one root's and world-readable.
        cls.tmp = tempfile.mkdtemp(prefix='svfsd-sec-')
        os.chmod(cls.tmp, 0o755)
        cls.nobody_root = os.path.join(cls.tmp, 'nobody-rootfs')
        os.mkdir(cls.nobody_root)
        os.chown(cls.nobody_root, NOBODY, NOBODY)
        cls.private = os.path.join(cls.tmp, 'private')
        os.mkdir(cls.private, 0o700)
        cls.public = os.path.join(cls.tmp, 'public')
        os.mkdir(cls.public, 0o755)
        cls.rootfs = os.path.join(cls.tmp, 'rootfs')
        os.mkdir(cls.rootfs, 0o755)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.polkit.allow()

    def fds(self, *paths):
        out = [open_path(p) for p in paths]
        for fd in out:
            self.addCleanup(os.close, fd)
        return out

    def create_outcome(self, *args, **kwargs):
        try:
            path = self.client.create(*args, **kwargs)
        except Exception as e:  # GLib.Error
            from svfsd_harness import dbus_error_name
            return dbus_error_name(e)
        self.client.container_call(path, 'Close')
        return 'ok'


class TestSourcesAreFds(SystemRulesTestCase):
    def test_bind_source_paths_without_fds_are_refused(self):
        e = self.assertDBusError('SourceFds', self.client.create,
                                 minimal_spec(self.rootfs, [bind('/data', self.public)]))
        self.assertIn('fds only', e.message)
        self.assertIn('expected 2 source fds', e.message)

    def test_rootfs_path_without_fd_is_refused(self):
        self.assertDBusError('SourceFds', self.client.create, minimal_spec(self.rootfs))

    def test_fd_count_must_match(self):
        spec = minimal_spec(self.rootfs, [bind('/data', self.public)])
        too_few = self.assertDBusError('SourceFds', self.client.create, spec,
                                       self.fds(self.rootfs))
        self.assertIn('got 1', too_few.message)
        too_many = self.assertDBusError('SourceFds', self.client.create, spec,
                                        self.fds(self.rootfs, self.public, self.public))
        self.assertIn('got 3', too_many.message)

    def test_out_of_range_handle(self):
        from svfsd_harness import GLib
        fd = self.fds(self.rootfs)[0]
        params = GLib.Variant('(sa{ss}aha{sv})', (json.dumps(minimal_spec(self.rootfs)), {}, [7], {}))
        e = self.assertDBusError('SourceFds', self.client.call, 'CreateContainer', params, fds=[fd])
        self.assertIn('out of range', e.message)
        params = GLib.Variant('(sa{ss}aha{sv})', (json.dumps(minimal_spec(self.rootfs)), {}, [0], {}))
        self.assertDBusError('SourceFds', self.client.call, 'CreateContainer', params)

    def test_socket_fd_is_refused(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(s.close)
        e = self.assertDBusError('SourceFds', self.client.create, minimal_spec(self.rootfs),
                                 [s.fileno()])
        self.assertIn('socket', e.message)

    def test_device_fd_is_refused(self):
        fd = os.open('/dev/null', os.O_RDONLY | os.O_CLOEXEC)
        self.addCleanup(os.close, fd)
        spec = minimal_spec(self.rootfs, [bind('/null', '/dev/null')])
        e = self.assertDBusError('SourceFds', self.client.create, spec, [self.fds(self.rootfs)[0], fd])
        self.assertIn('character device', e.message)

    def test_fifo_fd_is_refused(self):
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        self.addCleanup(os.close, w)
        e = self.assertDBusError('SourceFds', self.client.create, minimal_spec(self.rootfs), [r])
        self.assertIn('fifo', e.message)

    def test_symlink_fd_is_refused(self):
        link = os.path.join(self.tmp, 'link')
        if not os.path.lexists(link):
            os.symlink(self.public, link)
        fd = os.open(link, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
        self.addCleanup(os.close, fd)
        spec = minimal_spec(self.rootfs, [bind('/data', 'label')])
        e = self.assertDBusError('SourceFds', self.client.create, spec, [self.fds(self.rootfs)[0], fd])
        self.assertIn('symbolic link', e.message)

    def test_rootfs_must_be_a_directory(self):
        path = os.path.join(self.tmp, 'file')
        open(path, 'w').close()
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        self.addCleanup(os.close, fd)
        e = self.assertDBusError('SourceFds', self.client.create, minimal_spec(self.rootfs), [fd])
        self.assertIn('must be a directory', e.message)

    def test_overlay_upper_on_a_host_path_is_refused(self):
        e = self.assertDBusError('PermissionDenied', self.client.create, minimal_spec(self.rootfs),
                                 self.fds(self.rootfs), config={'overlay2': f'root:dir={self.tmp}'})
        self.assertIn('overlay2', e.message)

    def test_rootfs_annotation_overlay_on_a_host_path_is_refused(self):
        # The spec's rootfs hint may name an overlay medium too; it is held
        # to the rule of overlay2: no upper layer on a host path (root would
        # make it there, even in a directory the caller cannot reach).
        self.polkit.allow(CREATE, NOT_OWNED, DEVICE)
        for medium in (f'dir={self.private}', 'self'):
            spec = minimal_spec('label', annotations={
                'dev.gvisor.spec.rootfs.source': '/label',
                'dev.gvisor.spec.rootfs.type': 'bind',
                'dev.gvisor.spec.rootfs.overlay': medium})
            e = self.assertDBusError('PermissionDenied', self.create_outcome_or_raise, spec,
                                     self.fds(self.rootfs))
            self.assertIn('host path', e.message)
            answer = run_as_nobody(self.bus.address, {
                'method': 'CreateContainer', 'spec': json.dumps(spec),
                'sources': [self.nobody_root]})
            self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
            self.assertIn('host path', answer['message'])
        self.assertEqual(os.listdir(self.private), [])
        self.assertEqual(sorted(e for e in os.listdir(self.tmp) if 'upper' in e), [])

    def create_outcome_or_raise(self, spec, sources):
        """CreateContainer; closes what it made, raises what it got."""
        path = self.client.create(spec, sources)
        self.client.container_call(path, 'Close')

    def test_service_keeps_no_fds(self):
        before = self.daemon.fd_count()
        for _ in range(20):
            self.assertDBusError('SourceFds', self.client.create,
                                 minimal_spec(self.rootfs, [bind('/a', 'x'), bind('/b', 'y')]),
                                 self.fds(self.rootfs, self.public))
        # GDBus frees a message (and closes its fds) shortly after the reply.
        self.assertTrue(wait_for(lambda: self.daemon.fd_count() == before, timeout=2.0),
                        f'fds {self.daemon.fd_count()} != {before}')


class TestPolkit(SystemRulesTestCase):
    def test_create_needs_polkit(self):
        e = self.assertDBusError('PermissionDenied', self.client.create,
                                 minimal_spec(self.rootfs), self.fds(self.rootfs))
        self.assertIn(CREATE, e.message)
        self.polkit.allow(CREATE)
        self.assertIn(self.create_outcome(minimal_spec(self.rootfs), self.fds(self.rootfs)), PASSED)

    def test_bind_not_owned_needs_polkit(self):
        request = {'method': 'CreateContainer',
                   'spec': json.dumps(minimal_spec('label', [bind('/data', 'label', 'ro')])),
                   'sources': [self.nobody_root, self.public]}
        self.polkit.allow(CREATE)
        answer = run_as_nobody(self.bus.address, request)
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn(NOT_OWNED, answer['message'])
        # Its own sources only: no bind-not-owned question.
        own = dict(request, spec=json.dumps(minimal_spec('label')), sources=[self.nobody_root])
        answer = run_as_nobody(self.bus.address, own)
        self.assertIn('ok' if 'ok' in answer else answer.get('error'), PASSED, answer)
        self.polkit.allow(CREATE, NOT_OWNED)
        answer = run_as_nobody(self.bus.address, request)
        self.assertIn('ok' if 'ok' in answer else answer.get('error'), PASSED, answer)

    def test_devices_need_polkit(self):
        spec = minimal_spec(self.rootfs, linux={'devices': [
            {'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}]})
        self.polkit.allow(CREATE)
        e = self.assertDBusError('PermissionDenied', self.client.create, spec, self.fds(self.rootfs))
        self.assertIn(DEVICE, e.message)
        e = self.assertDBusError('PermissionDenied', self.client.create, minimal_spec(self.rootfs),
                                 self.fds(self.rootfs), config={'nvproxy': 'true'})
        self.assertIn(DEVICE, e.message)
        self.polkit.allow(CREATE, DEVICE)
        self.assertIn(self.create_outcome(spec, self.fds(self.rootfs)), PASSED)


class TestAccessAsCaller(SystemRulesTestCase):
    def setUp(self):
        super().setUp()
        self.polkit.allow(CREATE, NOT_OWNED, DEVICE)

    def nobody_create(self, *binds, root=None):
        return run_as_nobody(self.bus.address, {
            'method': 'CreateContainer',
            'spec': json.dumps(minimal_spec('label', [b for b, _ in binds])),
            'sources': [root or self.nobody_root] + [p for _, p in binds]})

    def test_unreadable_source_is_refused(self):
        # nobody can open the private directory with O_PATH, but may not
        # read it: the service checks as the caller, not as root.
        answer = self.nobody_create((bind('/data', 'x', 'ro'), self.private))
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn('read and search', answer['message'])

    def test_unreadable_rootfs_is_refused(self):
        answer = self.nobody_create(root=self.private)
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)

    def test_writable_bind_needs_write_access(self):
        answer = self.nobody_create((bind('/data', 'x'), self.public))
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn('read-write', answer['message'])
        answer = self.nobody_create((bind('/data', 'x', 'ro'), self.public))
        self.assertIn('ok' if 'ok' in answer else answer.get('error'), PASSED, answer)

    def test_erofs_images_are_refused_for_non_root_callers(self):
        spec = minimal_spec('label')
        spec['mounts'] = [{'destination': '/opt', 'type': 'erofs', 'source': '/var/opt.erofs'}]
        answer = run_as_nobody(self.bus.address, {
            'method': 'CreateContainer', 'spec': json.dumps(spec),
            'sources': [self.nobody_root]})
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn('mounts[0] "/opt": erofs images are not mounted', answer['message'])

        spec = minimal_spec('label')
        spec.setdefault('annotations', {}).update({
            'dev.gvisor.spec.rootfs.source': '/var/root.erofs',
            'dev.gvisor.spec.rootfs.type': 'erofs'})
        answer = run_as_nobody(self.bus.address, {
            'method': 'CreateContainer', 'spec': json.dumps(spec),
            'sources': [self.nobody_root]})
        self.assertEqual(answer.get('error'), ERROR_PREFIX + 'PermissionDenied', answer)
        self.assertIn('root: erofs images are not mounted', answer['message'])

    def test_root_may_use_what_root_may_read(self):
        self.assertIn(self.create_outcome(minimal_spec(self.rootfs, [bind('/data', 'x', 'ro')]),
                                          self.fds(self.rootfs, self.private)), PASSED)

    def test_compile_plan_reads_the_rootfs_as_the_caller(self):
        # A non-empty /tmp in a private rootfs: root sees it and plans no
        # tmpfs at /tmp; nobody cannot look and gets the tmpfs.
        root = os.path.join(self.private, 'root')
        os.makedirs(os.path.join(root, 'tmp'), exist_ok=True)
        open(os.path.join(root, 'tmp', 'file'), 'w').close()
        spec = json.dumps(minimal_spec(root))
        as_root = self.client.compile_plan(spec)
        self.assertNotIn('/tmp', [m['destination'] for m in as_root['mounts']])
        answer = run_as_nobody(self.bus.address, {'method': 'CompilePlan', 'spec': spec})
        plan = json.loads(answer['ok'][0])
        self.assertIn('/tmp', [m['destination'] for m in plan['mounts']])


if __name__ == '__main__':
    unittest.main()
