#!/usr/bin/python3
# container_client.py: a whole container's life from a client of any user
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: container_client.py BUS_ADDRESS < requests.json

Run as the user under test (nobody, through setpriv, when the tests run as
root). For each request in the JSON list:

  {"spec": "...", "config": {...}, "sources": ["/path", ...] or absent,
   "probes": {...} (for setns_helper.py), "spawn": ["argv", ...]}

it calls CreateContainer (the sources opened here, as this user, with
O_PATH; without "sources" the spec's paths are used), reads Mounts, calls
OpenNamespaces and runs setns_helper.py (next to this file) with the two
fds, Spawns "spawn" with its stdout on a pipe and waits for SpawnExited,
then Closes the container and waits for Closed. Prints one JSON list:
per request the answers, or {"error": <D-Bus error name>, "message": ...,
"step": ...} for the first step that failed.
"""

import json
import os
import subprocess
import sys
import time

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = 'org.sandboxvfs.SandboxVfs1'
MANAGER_PATH = '/org/sandboxvfs/SandboxVfs1'
MANAGER_IFACE = 'org.sandboxvfs.SandboxVfs1.Manager'
CONTAINER_IFACE = 'org.sandboxvfs.SandboxVfs1.Container'
HERE = os.path.dirname(os.path.abspath(__file__))


class Failed(Exception):
    pass


def wait_for_name(conn, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                               'org.freedesktop.DBus', 'NameHasOwner',
                               GLib.Variant('(s)', (BUS_NAME,)), GLib.VariantType('(b)'),
                               Gio.DBusCallFlags.NONE, 5000, None)
        if reply.unpack()[0]:
            return
        time.sleep(0.05)
    raise Failed('the service did not appear on the bus')


def call(conn, step, path, iface, method, params, fds=()):
    fdl = Gio.UnixFDList.new()
    for fd in fds:
        fdl.append(fd)
    try:
        return conn.call_with_unix_fd_list_sync(BUS_NAME, path, iface, method, params, None,
                                                Gio.DBusCallFlags.NO_AUTO_START, 30000,
                                                fdl if fds else None, None)
    except GLib.Error as e:
        name = Gio.DBusError.get_remote_error(e) or ''
        Gio.DBusError.strip_remote_error(e)
        raise Failed({'error': name, 'message': e.message, 'step': step}) from None


def wait_signal(conn, path, name, timeout=10.0):
    got = []
    sub = conn.signal_subscribe(BUS_NAME, CONTAINER_IFACE, name, path, None,
                                Gio.DBusSignalFlags.NONE,
                                lambda c, s, o, i, n, params: got.append(params.unpack()))
    return sub, got


def iterate_until(got, timeout=10.0):
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not got and time.monotonic() < deadline:
        ctx.iteration(False)
        time.sleep(0.005)
    return bool(got)


def one(conn, req):
    out = {}
    fds = [os.open(p, os.O_PATH | os.O_CLOEXEC) for p in req.get('sources', [])]
    params = GLib.Variant('(sa{ss}aha{sv})', (req['spec'], req.get('config', {}),
                                               list(range(len(fds))), {}))
    reply, _ = call(conn, 'CreateContainer', MANAGER_PATH, MANAGER_IFACE, 'CreateContainer',
                    params, fds)
    for fd in fds:
        os.close(fd)
    path = out['path'] = reply.unpack()[0]
    closed_sub, closed = wait_signal(conn, path, 'Closed')

    reply, _ = call(conn, 'Get Mounts', path, 'org.freedesktop.DBus.Properties', 'Get',
                    GLib.Variant('(ss)', (CONTAINER_IFACE, 'Mounts')))
    out['mounts'] = json.loads(reply.unpack()[0])

    reply, fdl = call(conn, 'OpenNamespaces', path, CONTAINER_IFACE, 'OpenNamespaces', None)
    got = fdl.steal_fds()
    userns, mntns = (got[h] for h in reply.unpack())
    out['userns_ino'] = os.fstat(userns).st_ino
    out['mntns_ino'] = os.fstat(mntns).st_ino
    helper = subprocess.run([sys.executable, os.path.join(HERE, 'setns_helper.py'),
                             str(userns), str(mntns), json.dumps(req.get('probes', {}))],
                            pass_fds=(userns, mntns), capture_output=True, text=True, timeout=30)
    os.close(userns)
    os.close(mntns)
    if helper.returncode != 0:
        raise Failed({'error': 'setns_helper', 'message': helper.stderr, 'step': 'setns'})
    out['setns'] = json.loads(helper.stdout)

    if req.get('spawn'):
        exited_sub, exited = wait_signal(conn, path, 'SpawnExited')
        r, w = os.pipe()
        argv = [a.encode() + b'\0' for a in req['spawn']]
        params = GLib.Variant('(aayaayaya{uh}a{sv})',
                              (argv, [b'PATH=/usr/bin:/bin\0'], b'/\0', {1: 0}, {}))
        reply, _ = call(conn, 'Spawn', path, CONTAINER_IFACE, 'Spawn', params, [w])
        os.close(w)
        pid = reply.unpack()[0]
        with os.fdopen(r) as f:
            stdout = f.read()
        iterate_until(exited)
        conn.signal_unsubscribe(exited_sub)
        status = dict(exited).get(pid)
        out['spawn'] = {'pid': pid, 'stdout': stdout,
                        'exit': os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status)
                        else None}

    call(conn, 'Close', path, CONTAINER_IFACE, 'Close', None)
    out['closed_signal'] = iterate_until(closed, 5.0)
    conn.signal_unsubscribe(closed_sub)
    reply, _ = call(conn, 'ListContainers', MANAGER_PATH, MANAGER_IFACE, 'ListContainers', None)
    out['left'] = reply.unpack()[0]
    return out


def main():
    address = sys.argv[1]
    requests = json.load(sys.stdin)
    conn = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    results = []
    try:
        wait_for_name(conn)
        for req in requests:
            try:
                results.append(one(conn, req))
            except Failed as e:
                results.append(e.args[0])
    except Failed as e:
        results.append({'error': 'client', 'message': str(e.args[0]), 'step': 'connect'})
    conn.close_sync(None)
    print(json.dumps(results))


if __name__ == '__main__':
    main()
