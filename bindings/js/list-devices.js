#!/usr/bin/env -S gjs -m
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// List the host's accelerators (NVIDIA GPUs, Google TPUs) the way
// `sandboxvfs devices` does, optionally from another sysfs/dev/proc tree
// (a saved host, or a umockdev testbed).
//
//   gjs -m list-devices.js [SYSFS-ROOT DEV-ROOT PROC-ROOT]

import Svfs from 'gi://Svfs?version=1';
import System from 'system';

const [sysfs, dev, proc] = ARGV.length === 3 ? ARGV : [null, null, null];
const registry = Svfs.DeviceRegistry.new_for_roots(sysfs, dev, proc);

let devices, warnings;
try {
    [devices, warnings] = registry.enumerate(null);
} catch (e) {
    printerr(`list-devices: ${e.message}`);
    System.exit(1);
}

for (let i = 0; i < devices.get_n_items(); i++) {
    const d = devices.get_item(i);
    const pci = d.pci_address ? ` ${d.pci_address}` : '';
    const model = d.model ? ` ${d.model}` : '';
    print(`${d.kind.padEnd(15)} ${d.path.padEnd(20)} ${d.major}:${d.minor}${pci}${model}`);
}
for (const w of warnings)
    printerr(`warning: ${w}`);
print(`${devices.get_n_items()} devices`);
System.exit(0);
