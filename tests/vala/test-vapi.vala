/* test-vapi.vala: a Vala program built against libsandboxvfs-1.vapi
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

int main (string[] args) {
    var bundle = args[1];
    try {
        var spec = new Svfs.Spec.from_file (Path.build_filename (bundle, "config.json"));
        var config = new Svfs.Config ();
        config.set ("overlay2", "none");
        var plan = new Svfs.Mounter (spec, config).compile ();
        assert (plan.get_n_items () > 4);
        var first = (Svfs.PlannedMount) plan.get_item (0);
        assert (first.destination.has_prefix ("/"));
        bool has_proc = false;
        for (uint i = 0; i < plan.get_n_items (); i++) {
            var m = (Svfs.PlannedMount) plan.get_item (i);
            if (m.destination == "/proc" && m.fs_type == "proc")
                has_proc = true;
        }
        assert (has_proc);
        var json = plan.to_json ();
        assert (json.contains ("\"mounts\""));
        print ("%u mounts\n", plan.get_n_items ());
    } catch (Error e) {
        printerr ("unexpected error: %s\n", e.message);
        return 1;
    }

    /* Errors are thrown as Svfs.Error */
    try {
        var spec = new Svfs.Spec.from_data ("{\"ociVersion\": \"1.2.0\", \"root\": {}}", -1);
        printerr ("accepted a spec without root.path: %s\n", spec.get_root_path ());
        return 1;
    } catch (Svfs.Error.INVALID_SPEC e) {
        assert (e.message.contains ("root.path"));
    } catch (Error e) {
        printerr ("wrong error: %s\n", e.message);
        return 1;
    }
    return 0;
}
