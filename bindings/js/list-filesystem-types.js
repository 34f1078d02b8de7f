#!/usr/bin/env -S gjs -m
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// List the filesystem types the mount compiler knows, with their flags.
//
//   gjs -m list-filesystem-types.js

import Svfs from 'gi://Svfs?version=1';
import System from 'system';

const types = Svfs.FilesystemType.list_registered();
print('NAME      USER-MOUNT  USER-LIST  DATA-KEYS');
for (let i = 0; i < types.get_n_items(); i++) {
    const t = types.get_item(i);
    const keys = t.get_data_keys().join(',') || '-';
    print(`${t.name.padEnd(9)} ${String(t.allow_user_mount).padEnd(11)} ` +
          `${String(t.allow_user_list).padEnd(10)} ${keys}`);
}
System.exit(0);
