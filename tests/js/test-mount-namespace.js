// Applying a plan from gjs (which starts with threads of its own): the
// namespace is built in a child, a process spawned inside writes through the
// memory overlay, and the host rootfs and mount table stay as they were.
// Needs root (CI runs as root; a skip counts as a failure there).
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Svfs from 'gi://Svfs?version=1';
import System from 'system';

function fail(message) {
    print(`not ok 1 - ${message}`);
    System.exit(1);
}


const dir = GLib.dir_make_tmp('svfs-js-XXXXXX');
const rootfs = `${dir}/rootfs`;
GLib.mkdir_with_parents(`${rootfs}/etc`, 0o755);
GLib.mkdir_with_parents(`${rootfs}/usr`, 0o755);
for (const name of ['bin', 'lib', 'lib64'])
    Gio.File.new_for_path(`${rootfs}/${name}`).make_symbolic_link(`usr/${name}`, null);
GLib.file_set_contents(`${rootfs}/etc/hostname`, 'js\n');
const spec = Svfs.Spec.new_from_data(JSON.stringify({
    ociVersion: '1.2.0',
    process: {args: ['/bin/sh', '-c', 'echo written > /etc/hostname; echo tmp > /tmp/x; cat /etc/hostname /tmp/x > /dev/null'],
        cwd: '/', env: ['PATH=/usr/bin:/bin']},
    root: {path: rootfs},
    mounts: [{destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro']}],
    linux: {namespaces: [{type: 'pid'}, {type: 'mount'}]},
}), -1);

const [, hostMountsBefore] = GLib.file_get_contents('/proc/self/mountinfo');
const mounter = Svfs.Mounter.new(spec, null);
const plan = mounter.compile();
const ns = mounter.apply(plan, null);

const dests = [];
const mounts = ns.get_mounts();
for (let i = 0; i < mounts.get_n_items(); i++)
    dests.push(mounts.get_item(i).destination);
for (const want of ['/usr', '/proc', '/dev', '/dev/pts', '/sys', '/tmp']) {
    if (!dests.includes(want))
        fail(`${want} missing from the mount table: ${dests}`);
}

const pid = ns.spawn(null, null, null);
const [ok, status] = ns.wait(pid);
if (!ok || status !== 0)
    fail(`process status ${status}`);
ns.close();

const [, hostname] = GLib.file_get_contents(`${rootfs}/etc/hostname`);
if (new TextDecoder().decode(hostname) !== 'js\n')
    fail('the host rootfs was written');
const [, hostMountsAfter] = GLib.file_get_contents('/proc/self/mountinfo');
if (new TextDecoder().decode(hostMountsBefore) !== new TextDecoder().decode(hostMountsAfter))
    fail('the host mount table changed');

for (const name of ['etc/hostname', 'etc', 'bin', 'lib', 'lib64', 'usr', ''])
    GLib.unlink(`${rootfs}/${name}`) === 0 || GLib.rmdir(`${rootfs}/${name}`);
GLib.rmdir(dir);
print('1..1');
print('ok 1 - apply, spawn, close from gjs');
