#!/usr/bin/python3
"""The libsandboxvfs demo: build a real container filesystem view from an
OCI bundle through the Svfs typelib, show its mount tree, run a command
inside that writes into / and /tmp, and show that the host is untouched.

    meson devenv -C build /usr/bin/python3 bindings/python/examples/demo.py data/examples/demo

As root it builds the namespaces directly; as an ordinary user it does the
same in a user namespace of its own (the caller mapped to root, device
nodes bound from the host, nosuid/nodev on every mount).
"""

import hashlib
import os
import sys

import gi
gi.require_version("Svfs", "1")
from gi.repository import GLib, Svfs  # noqa: E402


def tree_digest(path):
    """Names, modes, sizes and contents of a tree, as one digest."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(root, name)
            st = os.lstat(p)
            h.update(f"{os.path.relpath(p, path)} {st.st_mode:o} {st.st_size}\n".encode())
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def run_inside(ns, argv):
    """Runs argv inside with its output on a pipe; returns (status, output)."""
    r, w = os.pipe()
    try:
        pid = ns.spawn_with_fds(argv, None, None, [-1, w, 2])
    finally:
        os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    _, status = ns.wait(pid)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode()


def main(argv):
    bundle = os.path.abspath(argv[1] if len(argv) > 1 else "data/examples/demo")
    try:
        spec = Svfs.Spec.new_from_file(os.path.join(bundle, "config.json"))
        config = Svfs.Config.new()
        config.set("overlay2", "root:memory")
        mounter = Svfs.Mounter.new(spec, config)
        plan = mounter.compile()
    except GLib.Error as e:
        print(f"demo: {e.message}", file=sys.stderr)
        return 1

    rootfs = spec.dup_resolved_root_path()
    print(f"bundle   {bundle}")
    print(f"root     {rootfs} (overlay2=root:memory: writes go to memory)")
    print(f"process  {' '.join(spec.get_process_args())}")
    print()
    print("The plan (compiled, nothing mounted yet):")
    print(plan.to_tree())

    before_tree = tree_digest(rootfs)
    before_mounts = host_mounts()

    try:
        ns = mounter.apply(plan, None)
    except GLib.Error as e:
        print(f"demo: {e.message}", file=sys.stderr)
        return 1

    print(f"Built: a new mount namespace held by pid {ns.props.pid}. "
          "Its mount table, read back from the kernel:")
    rows = [("DESTINATION", "TYPE", "FLAGS", "SOURCE")]
    root = ns.to_json_node().get_object().get_object_member("root")
    rows.append(("/", "bind+overlay" if not root.get_null_member("overlay") else "bind",
                 "ro" if root.get_boolean_member("readonly") else "rw", rootfs))
    for m in ns.get_mounts():
        rows.append((m.props.destination, m.props.fs_type, m.dup_flags_string() or "-",
                     m.props.source or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    for r in rows:
        print(f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    for w in ns.get_warnings():
        print(f"  warning: {w}")
    print()

    script = ("echo hello > /hello && echo scratch > /tmp/scratch && "
              "echo changed > /etc/hostname && rm /etc/os-release && "
              "echo \"inside: $(cat /hello) $(cat /tmp/scratch), hostname file: $(cat /etc/hostname), "
              "/etc has: $(ls /etc | tr '\\n' ' ')\" && "
              "echo \"inside: pid $$, $(ls /dev | wc -l) entries in /dev, /usr is $(grep ' /usr ' "
              "/proc/self/mountinfo | cut -d' ' -f6)\"")
    print(f"Running inside: sh -c '{script[:60]}…'")
    status, out = run_inside(ns, ["/bin/sh", "-c", script])
    print(out, end="")
    print(f"exit status {status}")
    print()

    pid = ns.spawn(None, None, None)
    print("The spec's own process (process.args), in the same namespace, output on the terminal:")
    sys.stdout.flush()
    _, wait_status = ns.wait(pid)
    print(f"exit status {os.waitstatus_to_exitcode(wait_status)}")
    ns.close()
    print()

    after_tree = tree_digest(rootfs)
    after_mounts = host_mounts()
    print("On the host:")
    print(f"  {rootfs}/hello exists: {os.path.exists(os.path.join(rootfs, 'hello'))}")
    print(f"  {rootfs}/etc/os-release still there: "
          f"{os.path.exists(os.path.join(rootfs, 'etc', 'os-release'))}")
    print(f"  rootfs tree unchanged: {before_tree == after_tree}")
    print(f"  host mount table unchanged: {before_mounts == after_mounts}")
    ok = status == 0 and before_tree == after_tree and before_mounts == after_mounts
    print("demo: ok" if ok else "demo: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
