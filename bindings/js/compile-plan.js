#!/usr/bin/env -S gjs -m
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Compile the mount plan of an OCI bundle and print it.
//
//   gjs -m compile-plan.js BUNDLE [KEY=VALUE…]
//
// KEY=VALUE are runtime configuration settings (runsc flag names), for
// example overlay2=none. In a build tree, run it under `meson devenv`.

import GLib from 'gi://GLib';
import Svfs from 'gi://Svfs?version=1';
import System from 'system';

function main(argv) {
    if (argv.length < 1) {
        printerr('usage: compile-plan.js BUNDLE [KEY=VALUE…]');
        return 2;
    }
    const [bundle, ...settings] = argv;

    let plan;
    try {
        const spec = Svfs.Spec.new_from_file(GLib.build_filenamev([bundle, 'config.json']));
        const config = Svfs.Config.new();
        for (const setting of settings) {
            const eq = setting.indexOf('=');
            config.set(setting.slice(0, eq), setting.slice(eq + 1));
        }
        plan = Svfs.Mounter.new(spec, config).compile();
    } catch (e) {
        // e.code is an Svfs.Error value; its kebab-case name is what JSON prints
        const ours = e instanceof GLib.Error && e.domain === Svfs.error_quark();
        const code = ours ? Svfs.error_to_string(e.code) : 'error';
        printerr(`compile-plan: ${code}: ${e.message}`);
        return 1;
    }

    print(`root ${plan.get_root_source()} (${plan.get_root_type()})`);
    // A plan is a GListModel of Svfs.PlannedMount, in mount order.
    for (let i = 0; i < plan.get_n_items(); i++) {
        const m = plan.get_item(i);
        const flags = m.dup_flags_string() || '-';
        print(`${m.destination.padEnd(16)} ${m.fs_type.padEnd(8)} ${m.data || '-'} ${flags}`);
    }
    for (const warning of plan.get_warnings())
        print(`warning: ${warning}`);

    // The same plan as JSON, as `sandboxvfs plan --format json` prints it.
    const doc = JSON.parse(plan.to_json());
    print(`${doc.mounts.length} mounts, ${doc.skipped.length} skipped, ${doc.devices.length} devices`);
    return 0;
}

System.exit(main(ARGV));
