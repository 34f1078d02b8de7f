#!/usr/bin/env -S gjs -m
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Build a bundle's container filesystem view for real, run a command in
// it, show what the kernel mounted, and tear it down.
//
//   gjs -m apply-and-spawn.js BUNDLE-DIR [COMMAND…]

import GLib from 'gi://GLib';
import Svfs from 'gi://Svfs?version=1';
import System from 'system';

if (ARGV.length < 1) {
    printerr('usage: apply-and-spawn.js BUNDLE-DIR [COMMAND…]');
    System.exit(2);
}

const command = ARGV.length > 1 ? ARGV.slice(1) : ['/bin/sh', '-c', 'echo inside: $(cat /etc/hostname)'];
let ns = null;
try {
    const spec = Svfs.Spec.new_from_file(GLib.build_filenamev([ARGV[0], 'config.json']));
    const mounter = Svfs.Mounter.new(spec, null);
    ns = mounter.apply(mounter.compile(), null);

    // The child inherits our standard output.
    const pid = ns.spawn(command, null, null);
    const [, waitStatus] = ns.wait(pid);

    const table = JSON.parse(ns.to_json());
    print(`mounted: ${table.mounts.map(m => m.destination).join(' ')}`);
    print(`exit status: ${GLib.spawn_check_wait_status(waitStatus) ? 0 : 'failed'}`);
} catch (e) {
    printerr(`apply-and-spawn: ${e.message}`);
    System.exit(1);
} finally {
    if (ns !== null)
        ns.close();
}
System.exit(0);
