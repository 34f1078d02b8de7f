#!/usr/bin/python3
# client_helper.py: one sandboxvfsd call from another user (run under setpriv)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: client_helper.py BUS_ADDRESS < request.json

request: {"method": "CompilePlan" | "CreateContainer",
          "spec": "...", "config": {...}, "sources": ["/path", ...]}
Sources are opened here, as this user, with O_PATH. Prints
{"ok": <reply>} or {"error": "<D-Bus error name>", "message": "..."}.
"""

import json
import os
import sys

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402


def main():
    address = sys.argv[1]
    req = json.load(sys.stdin)
    conn = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    fdl = Gio.UnixFDList.new()
    if req['method'] == 'CreateContainer':
        handles = [fdl.append(os.open(p, os.O_PATH | os.O_CLOEXEC)) for p in req.get('sources', [])]
        params = GLib.Variant('(sa{ss}aha{sv})', (req['spec'], req.get('config', {}), handles, {}))
    else:
        params = GLib.Variant('(sa{ss})', (req['spec'], req.get('config', {})))
    try:
        reply, _ = conn.call_with_unix_fd_list_sync(
            'org.sandboxvfs.SandboxVfs1', '/org/sandboxvfs/SandboxVfs1',
            'org.sandboxvfs.SandboxVfs1.Manager', req['method'], params, None,
            Gio.DBusCallFlags.NO_AUTO_START, 30000, fdl, None)
        print(json.dumps({'ok': reply.unpack()}))
    except GLib.Error as e:
        name = Gio.DBusError.get_remote_error(e)
        Gio.DBusError.strip_remote_error(e)
        print(json.dumps({'error': name, 'message': e.message}))


if __name__ == '__main__':
    main()
