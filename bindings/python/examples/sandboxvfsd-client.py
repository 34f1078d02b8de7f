#!/usr/bin/python3
# sandboxvfsd-client.py: a sandbox tool's use of sandboxvfsd, to copy from
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: sandboxvfsd-client.py [--system] ROOTFS [HOST_DIR]

Opens ROOTFS (and HOST_DIR, bound read-only at /host) with O_PATH, asks
sandboxvfsd for a container built from a small OCI spec, prints its mount
table, runs a shell inside on this terminal, waits for it, and closes the
container. Sources travel as fds: the service never opens them by path.
"""

import json
import os
import sys

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

try:  # Optional: with the Svfs typelib, errors carry Svfs.Error codes.
    gi.require_version('Svfs', '1')
    from gi.repository import Svfs
    Svfs.error_quark()
except (ImportError, ValueError):
    Svfs = None

NAME, PATH = 'org.sandboxvfs.SandboxVfs1', '/org/sandboxvfs/SandboxVfs1'


def main():
    args = sys.argv[1:]
    bus_type = Gio.BusType.SESSION
    if args and args[0] == '--system':
        bus_type, args = Gio.BusType.SYSTEM, args[1:]
    if not args:
        sys.exit(__doc__)
    bus = Gio.bus_get_sync(bus_type, None)
    manager = Gio.DBusProxy.new_sync(bus, 0, None, NAME, PATH,
                                     'org.sandboxvfs.SandboxVfs1.Manager', None)

    # sources[0] is the rootfs, then one fd per bind mount in spec order;
    # the spec's "source" strings are only labels.
    sources = Gio.UnixFDList.new()
    sources.append(os.open(args[0], os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC))
    mounts = []
    if len(args) > 1:
        sources.append(os.open(args[1], os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC))
        mounts.append({'destination': '/host', 'type': 'bind', 'source': 'host',
                       'options': ['rbind', 'ro']})
    spec = {'ociVersion': '1.0.2', 'root': {'path': 'rootfs'}, 'mounts': mounts,
            'process': {'args': ['/bin/sh'], 'cwd': '/'}}

    reply, _ = manager.call_with_unix_fd_list_sync(
        'CreateContainer',
        GLib.Variant('(sa{ss}aha{sv})', (json.dumps(spec), {'overlay2': 'root:memory'},
                                         list(range(sources.get_length())), {})),
        0, -1, sources, None)
    path = reply.unpack()[0]
    container = Gio.DBusProxy.new_sync(bus, 0, None, NAME, path,
                                       'org.sandboxvfs.SandboxVfs1.Container', None)
    print('container', container.get_cached_property('Id').unpack())
    for m in json.loads(container.get_cached_property('Mounts').unpack())['mounts']:
        print(f"  {m['destination']:<20} {m['type']:<8} {','.join(m['flags'])}")

    loop = GLib.MainLoop()
    status = {}

    def on_signal(proxy, sender, signal, params):
        if signal == 'SpawnExited':
            status['wait'] = params[1]
            loop.quit()
    container.connect('g-signal', on_signal)

    # The shell gets this terminal as fds 0, 1 and 2.
    stdio = Gio.UnixFDList.new_from_array([os.dup(0), os.dup(1), os.dup(2)])
    env = [f'{k}={v}'.encode() + b'\0' for k, v in
           (('PATH', '/usr/bin:/bin'), ('TERM', os.environ.get('TERM', 'dumb')), ('PS1', 'container$ '))]
    reply, _ = container.call_with_unix_fd_list_sync(
        'Spawn',
        GLib.Variant('(aayaayaya{uh}a{sv})', ([b'/bin/sh\0'], env, b'/\0', {0: 0, 1: 1, 2: 2}, {})),
        0, -1, stdio, None)
    print('shell pid', reply.unpack()[0])
    loop.run()
    print('shell exited with wait status', status.get('wait'))
    container.call_sync('Close', None, 0, -1, None)


if __name__ == '__main__':
    try:
        main()
    except GLib.Error as e:
        name = Gio.DBusError.get_remote_error(e)
        Gio.DBusError.strip_remote_error(e)
        sys.exit(f'sandboxvfsd-client: {name}: {e.message}')
