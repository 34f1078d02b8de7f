#!/usr/bin/python3
"""The libsandboxvfs demo: load an OCI bundle through the Svfs typelib and
show what the library sees in it.

    meson devenv -C build /usr/bin/python3 bindings/python/examples/demo.py data/examples/demo
"""

import os
import sys

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Svfs  # noqa: E402


def main(argv):
    bundle = argv[1] if len(argv) > 1 else "data/examples/demo"
    try:
        spec = Svfs.Spec.new_from_file(os.path.join(bundle, "config.json"))
        config = Svfs.Config.new()
        config.validate()
    except GLib.Error as e:
        print(f"demo: {e.message}", file=sys.stderr)
        return 1

    ro = " (read-only)" if spec.get_root_readonly() else ""
    print(f"bundle   {spec.get_bundle_dir()}")
    print(f"root     {spec.dup_resolved_root_path()}{ro}")
    print(f"overlay  {config.dup_value('overlay2')}")
    print(f"process  {' '.join(spec.get_process_args())}  (cwd {spec.get_process_cwd()}, "
          f"uid {spec.get_process_uid()}, gid {spec.get_process_gid()})")
    print()

    mounts = spec.get_mounts()
    rows = [("DESTINATION", "TYPE", "SOURCE", "OPTIONS")]
    for i in range(mounts.get_n_items()):
        m = mounts.get_item(i)
        rows.append((m.props.destination, m.props.fs_type or "-",
                     m.props.source or "-", ",".join(m.props.options) or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    print()

    devices = spec.get_devices()
    for i in range(devices.get_n_items()):
        d = devices.get_item(i)
        print(f"device   {d.get_path()} {d.get_device_type()} {d.get_major()}:{d.get_minor()} "
              f"mode {d.get_mode():04o}")
    for key, value in sorted(spec.get_annotations().items()):
        print(f"annot.   {key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
