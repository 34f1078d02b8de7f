#!/usr/bin/python3
# setns_helper.py: joins a container through the fds of OpenNamespaces
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: setns_helper.py USERNS_FD MNTNS_FD PROBES_JSON

Joins the user namespace, then the mount namespace (setns() into a user
namespace needs a single-threaded process: this is one, started for it)
and prints as JSON what it finds: its ids, the entries of /, the files
PROBES_JSON["read"] names, and the errno names of the attempts to take
the view apart that PROBES_JSON lists ("umount": umount2 with and without
MNT_DETACH; "remount_rw": a read-only mount remounted read-write;
"clear_nosuid"). "ok" means the attempt worked.
"""

import ctypes
import errno
import json
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
MS_RDONLY = 1
MS_NOSUID = 2
MS_REMOUNT = 32
MS_BIND = 4096
MNT_DETACH = 2

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                       ctypes.c_void_p]


def outcome(rc):
    if rc == 0:
        return 'ok'
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def main():
    userns, mntns = int(sys.argv[1]), int(sys.argv[2])
    probes = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    out = {'setns_user': outcome(libc.setns(userns, CLONE_NEWUSER))}
    if out['setns_user'] == 'ok':
        out['setns_mnt'] = outcome(libc.setns(mntns, CLONE_NEWNS))
    os.close(userns)
    os.close(mntns)
    if out.get('setns_mnt') != 'ok':
        print(json.dumps(out))
        return
    os.chdir('/')
    out['uid'], out['gid'] = os.getuid(), os.getgid()
    out['root'] = sorted(os.listdir('/'))
    out['parent'] = sorted(os.listdir('/..'))
    out['read'] = {}
    for path in probes.get('read', []):
        try:
            with open(path) as f:
                out['read'][path] = f.read()
        except OSError as e:
            out['read'][path] = errno.errorcode.get(e.errno, str(e.errno))
    out['umount'] = {p: [outcome(libc.umount2(p.encode(), 0)),
                         outcome(libc.umount2(p.encode(), MNT_DETACH))]
                     for p in probes.get('umount', [])}
    out['remount_rw'] = {p: outcome(libc.mount(None, p.encode(), None, MS_REMOUNT | MS_BIND, None))
                         for p in probes.get('remount_rw', [])}
    out['clear_nosuid'] = {p: outcome(libc.mount(None, p.encode(), None,
                                                 MS_REMOUNT | MS_BIND | MS_RDONLY, None))
                           for p in probes.get('clear_nosuid', [])}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
