// SvfsSpec and SvfsConfig through gjs (ESM imports).
import GLib from 'gi://GLib';
import Svfs from 'gi://Svfs?version=1';
import System from 'system';

let failures = 0;
let count = 0;

function check(name, fn) {
    count++;
    try {
        fn();
        print(`ok ${count} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${count} - ${name}: ${e}`);
    }
}

function assertEq(a, b, what) {
    if (a !== b)
        throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

const data = GLib.getenv('SVFS_TEST_DATA');

check('podman spec loads with mounts, args and annotations', () => {
    const spec = Svfs.Spec.new_from_file(`${data}/specs/valid/podman.json`);
    const mounts = spec.get_mounts();
    if (mounts.get_n_items() === 0)
        throw new Error('no mounts');
    const m = mounts.get_item(0);
    if (!m.destination.startsWith('/'))
        throw new Error(`bad destination ${m.destination}`);
    if (spec.get_process_args().length === 0)
        throw new Error('no args');
    if (!spec.get_process_cwd().startsWith('/'))
        throw new Error('bad cwd');
});

check('round trip keeps unknown fields', () => {
    const doc = {ociVersion: '1.2.0', root: {path: 'r'}, 'x-unknown': {a: [1, 2]}};
    const spec = Svfs.Spec.new_from_data(JSON.stringify(doc), -1);
    let out = spec.to_json(false);
    if (Array.isArray(out))
        out = out[0];
    assertEq(JSON.stringify(JSON.parse(out)), JSON.stringify(doc), 'round trip');
});

check('invalid spec throws Svfs.Error.INVALID_SPEC with the path', () => {
    try {
        Svfs.Spec.new_from_data('{"ociVersion":"1.2.0","root":{}}', -1);
    } catch (e) {
        if (!e.matches(Svfs.error_quark(), Svfs.Error.INVALID_SPEC))
            throw new Error(`wrong error ${e}`);
        if (!e.message.includes('root.path: missing'))
            throw new Error(`wrong message ${e.message}`);
        return;
    }
    throw new Error('no exception');
});

check('config default and rejection', () => {
    const config = Svfs.Config.new();
    assertEq(config.dup_value('overlay2'), 'root:memory', 'default overlay2');
    try {
        config.set('overlay2', 'root:bogus');
    } catch (e) {
        if (!e.matches(Svfs.error_quark(), Svfs.Error.INVALID_CONFIG))
            throw new Error(`wrong error ${e}`);
        return;
    }
    throw new Error('root:bogus accepted');
});

print(`1..${count}`);
System.exit(failures === 0 ? 0 : 1);
