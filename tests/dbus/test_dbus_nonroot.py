# test_dbus_nonroot.py: containers for callers that are not root
#
# Two ways an ordinary user gets a container it can enter:
# - the system rules (a root service on a private bus, as on the system
#   bus): the container is built for the caller, in a user namespace the
#   caller owns that maps it to 0; the fds of OpenNamespaces let the caller
#   setns() in and see the container's root, and every mount is locked;
# - `sandboxvfsd --session` run by the user itself under dbus-run-session,
#   the library working unprivileged.
# The client is nobody (setpriv) when the tests run as root, as CI does.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from svfsd_harness import HERE, NOBODY, ServiceTestCase, bind, minimal_spec, wait_for

ALL_ACTIONS = ('org.sandboxvfs.SandboxVfs1.create-container',
               'org.sandboxvfs.SandboxVfs1.bind-not-owned',
               'org.sandboxvfs.SandboxVfs1.device')
MARKER = 'svfs-rootfs-marker'
MARKER_TEXT = 'the rootfs of the caller\n'
SETPRIV = ['setpriv', f'--reuid={NOBODY}', f'--regid={NOBODY}', '--clear-groups']
CLEAN_ENV = ['env', '-i', 'PATH=/usr/bin:/bin', 'HOME=/', 'TMPDIR=/tmp', 'LANG=C.UTF-8']
SPAWN = ['/bin/sh', '-c', f'id -u; id -g; cat /proc/self/uid_map; cat /{MARKER}; '
         'echo written > /written && cat /written; touch /usr/svfs-x 2>/dev/null || echo usr-ro']


def make_tree(owner):
    """A directory anyone can search with a rootfs (owned by @owner: a
    marker file, the merged-/usr links, a /usr mount point) and, next to
    it, a file the container must not show."""
    tmp = tempfile.mkdtemp(prefix='svfsd-nonroot-')
    os.chmod(tmp, 0o755)
    rootfs = os.path.join(tmp, 'rootfs')
    os.mkdir(rootfs, 0o755)
    with open(os.path.join(rootfs, MARKER), 'w') as f:
        f.write(MARKER_TEXT)
    os.mkdir(os.path.join(rootfs, 'usr'), 0o755)
    for name in ('bin', 'sbin', 'lib', 'lib32', 'lib64'):
        host = os.path.join('/', name)
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(rootfs, name))
    with open(os.path.join(tmp, 'outside-marker'), 'w') as f:
        f.write('host\n')
    if owner is not None:
        for path in (rootfs, os.path.join(rootfs, MARKER), os.path.join(rootfs, 'usr')):
            os.chown(path, owner, owner)
    return tmp, rootfs


def copy_scripts(dest):
    for name in ('container_client.py', 'setns_helper.py'):
        shutil.copy(os.path.join(HERE, name), dest)
        os.chmod(os.path.join(dest, name), 0o755)


def ns_holders(inode, kind):
    """Processes in the namespace with this inode."""
    out = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            if os.stat(f'/proc/{pid}/ns/{kind}').st_ino == inode:
                out.append(int(pid))
        except OSError:
            pass
    return out


class ContainerChecks:
    """What every container a non-root client enters must show."""

    def assertEntered(self, r, locked):
        self.assertNotIn('error', r, r)
        s = r['setns']
        self.assertEqual((s['setns_user'], s['setns_mnt']), ('ok', 'ok'), s)
        self.assertEqual((s['uid'], s['gid']), (0, 0))
        # The container's root: the rootfs, not the host's, and no way up.
        self.assertIn(MARKER, s['root'])
        self.assertIn('usr', s['root'])
        self.assertNotIn('outside-marker', s['root'])
        self.assertEqual(s['root'], s['parent'])
        self.assertEqual(s['read']['/' + MARKER], MARKER_TEXT)
        if locked:
            # Every mount is locked: nothing can be unmounted to show what it
            # covers, and no flag can be dropped.
            for path, results in s['umount'].items():
                self.assertNotIn('ok', results, f'{path} could be unmounted')
            self.assertEqual(s['remount_rw'], {'/usr': 'EPERM'})
            self.assertEqual(s['clear_nosuid'], {'/': 'EPERM'})

        mounts = r['mounts']
        self.assertEqual(mounts['root']['type'], 'bind')
        usr = [m for m in mounts['mounts'] if m['destination'] == '/usr']
        self.assertEqual(len(usr), 1, mounts['mounts'])
        self.assertIn('ro', usr[0]['flags'])
        for m in mounts['mounts']:
            self.assertIn('nosuid', m['flags'], m)

        lines = r['spawn']['stdout'].splitlines()
        self.assertEqual(lines[:2], ['0', '0'], r['spawn'])
        self.assertRegex(lines[2], r'^\s*0\s+%d\s+1$' % self.caller_uid)
        self.assertEqual(lines[3:], [MARKER_TEXT.strip(), 'written', 'usr-ro'], r['spawn'])
        self.assertEqual(r['spawn']['exit'], 0)
        self.assertTrue(r['closed_signal'])
        self.assertEqual(r['left'], [])

    def assertTornDown(self, r):
        """Nothing lives in the container's namespaces any more."""
        self.assertTrue(wait_for(lambda: not ns_holders(r['mntns_ino'], 'mnt') and
                                 not ns_holders(r['userns_ino'], 'user'), 2.0),
                        (ns_holders(r['mntns_ino'], 'mnt'), ns_holders(r['userns_ino'], 'user')))


class TestNonRootCallerOnSystemRules(ServiceTestCase, ContainerChecks):
    """A root service, a client that is nobody: the container is the
    client's own (its user namespace is), and locked."""

    DAEMON_ARGS = ('--idle-timeout', '0')
    WITH_POLKIT = True

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest('the system rules need the service to run as root')
        super().setUpClass()
        cls.polkit.allow(*ALL_ACTIONS)
        cls.caller_uid = NOBODY
        cls.tmp, cls.rootfs = make_tree(NOBODY)
        cls.scripts = os.path.join(cls.tmp, 'scripts')
        os.mkdir(cls.scripts, 0o755)
        copy_scripts(cls.scripts)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_client(self, requests):
        out = subprocess.run(SETPRIV + CLEAN_ENV + [
            '/usr/bin/python3', os.path.join(self.scripts, 'container_client.py'),
            self.bus.address], input=json.dumps(requests), capture_output=True, text=True,
            timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr + self.daemon.output())
        return json.loads(out.stdout)

    def request(self, **extra):
        req = {'spec': json.dumps(minimal_spec('rootfs', [bind('/usr', 'usr', 'ro')])),
               'sources': [self.rootfs, '/usr'],
               'probes': {'read': ['/' + MARKER], 'umount': ['/usr', '/proc', '/'],
                          'remount_rw': ['/usr'], 'clear_nosuid': ['/']},
               'spawn': SPAWN}
        req.update(extra)
        return req

    def test_caller_enters_its_container_and_cannot_take_it_apart(self):
        fds, children = self.daemon.fd_count(), self.daemon.children()
        [r] = self.run_client([self.request()])
        self.assertEntered(r, locked=True)
        self.assertTornDown(r)
        self.assertTrue(wait_for(lambda: self.daemon.children() == children, 1.0),
                        self.daemon.children())
        self.assertTrue(wait_for(lambda: self.daemon.fd_count() == fds, 1.0))

    def test_spec_user_is_the_caller(self):
        # Whatever process.user says, the caller's processes run as the
        # caller: 0 in its user namespace, nobody on the host.
        spec = minimal_spec('rootfs', [bind('/usr', 'usr', 'ro')])
        spec['process']['user'] = {'uid': 0, 'gid': 0, 'additionalGids': [0], 'umask': 0o027}
        # The rewritten spec is JSON again: json-glib alone writes 1e+300
        # as "1e+300.0", which the service then failed to read back.
        spec['x-numbers'] = [1e300, -2e30, 2.5]
        [r] = self.run_client([self.request(spec=json.dumps(spec),
                                            spawn=['/bin/sh', '-c', 'cat /proc/self/status'])])
        self.assertNotIn('error', r, r)
        status = r['spawn']['stdout']
        self.assertRegex(status, r'\nUid:\s+0\s+0\s+0\s+0\n')
        self.assertRegex(status, r'\nGroups:\s*\n')
        self.assertRegex(status, r'\nUmask:\s+0027\n')   # the spec's umask is kept
        self.assertTornDown(r)


class TestSessionBusAsUser(unittest.TestCase, ContainerChecks):
    """`sandboxvfsd --session` run by an ordinary user under
    dbus-run-session: sources as paths and as fds."""

    @classmethod
    def setUpClass(cls):
        svfsd = os.environ.get('SVFSD')
        if not svfsd:
            raise unittest.SkipTest('SVFSD is not set (run through meson test)')
        if shutil.which('dbus-run-session') is None:
            raise unittest.SkipTest('dbus-run-session is not installed')
        cls.as_root = os.geteuid() == 0
        cls.caller_uid = NOBODY if cls.as_root else os.geteuid()
        if not cls.as_root and subprocess.run(['unshare', '-Ur', 'true']).returncode != 0:
            raise unittest.SkipTest('unprivileged user namespaces are not available here')
        cls.tmp, cls.rootfs = make_tree(NOBODY if cls.as_root else None)
        # The service, its library and the scripts where the user can read
        # them (the build tree may be private).
        cls.dir = os.path.join(cls.tmp, 'session')
        os.mkdir(cls.dir, 0o755)
        shutil.copy(svfsd, cls.dir)
        libdir = os.environ.get('LD_LIBRARY_PATH', os.path.dirname(svfsd)).split(':')[0]
        for lib in glob.glob(os.path.join(libdir, 'libsandboxvfs-1.so*')):
            if os.path.isfile(lib):
                shutil.copy(lib, cls.dir, follow_symlinks=True)
        copy_scripts(cls.dir)
        with open(os.path.join(cls.dir, 'run.sh'), 'w') as f:
            f.write('''#!/bin/sh
# In the session dbus-run-session made: the service, then the client.
dir=$(dirname "$0")
LD_LIBRARY_PATH="$dir" "$dir/sandboxvfsd" --session --idle-timeout 0 >"$dir/daemon.log" 2>&1 &
daemon=$!
rc=0
/usr/bin/python3 "$dir/container_client.py" "$DBUS_SESSION_BUS_ADDRESS" <"$dir/requests.json" || rc=$?
kill -TERM $daemon
wait $daemon
echo "sandboxvfsd exited $?" >>"$dir/daemon.log"
exit $rc
''')
        if cls.as_root:
            os.chown(cls.dir, NOBODY, NOBODY)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_session(self, requests):
        with open(os.path.join(self.dir, 'requests.json'), 'w') as f:
            json.dump(requests, f)
        prefix = SETPRIV if self.as_root else []
        out = subprocess.run(prefix + CLEAN_ENV + ['dbus-run-session', '--', 'sh',
                                                   os.path.join(self.dir, 'run.sh')],
                             capture_output=True, text=True, timeout=120)
        with open(os.path.join(self.dir, 'daemon.log')) as f:
            log = f.read()
        self.assertEqual(out.returncode, 0, out.stderr + log)
        self.assertIn('sandboxvfsd exited 0', log)
        return json.loads(out.stdout), log

    def test_container_life_with_paths_and_fds(self):
        spec_paths = minimal_spec(self.rootfs, [bind('/usr', '/usr', 'ro')])
        spec_fds = minimal_spec('rootfs', [bind('/usr', 'usr', 'ro')])
        probes = {'read': ['/' + MARKER]}
        results, log = self.run_session([
            {'spec': json.dumps(spec_paths), 'probes': probes, 'spawn': SPAWN},
            {'spec': json.dumps(spec_fds), 'sources': [self.rootfs, '/usr'], 'probes': probes,
             'spawn': SPAWN},
        ])
        self.assertEqual(len(results), 2, results)
        for r in results:
            with self.subTest(path=r.get('path')):
                self.assertEntered(r, locked=False)
                self.assertTornDown(r)


if __name__ == '__main__':
    unittest.main()
