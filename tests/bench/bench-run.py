#!/usr/bin/python3
"""bench-run: start-to-exit of `sandboxvfs run` against bwrap (and crun when
it runs here) with the same view: a skeleton rootfs bound read-only (merged
/usr symlinks and mount points), proc, dev, a tmpfs at /tmp and 5 read-only
binds of host directories (/usr, /etc, …), running /bin/true in a new mount and PID
namespace (our plan adds sysfs at /sys, which gVisor's rules make
mandatory).  Runs alternate, N each (default 200); prints medians and the
ratio to bwrap (target ≤ 1.0×), and, from `--version` runs of both, how
much of each is only loading the program and its libraries.  A benchmark,
not a test: run it with

    meson test -C build --benchmark bench-run -v
    tests/bench/bench-run.py [--runs N] [--cli build/tools/sandboxvfs]

As root, crun (which needs a private mount namespace hiding
/sys/fs/cgroup/unified on hybrid-cgroup hosts) is measured too; the whole
benchmark then re-executes itself in such a namespace so that all three
see the same mount table.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BINDS = ["/usr", "/etc", "/var", "/opt", "/srv"]


def make_rootfs(path):
    os.mkdir(path)
    for d in ["proc", "sys", "dev", "tmp", *[b.lstrip("/") for b in BINDS]]:
        os.makedirs(os.path.join(path, d), exist_ok=True)
    for link in ["bin", "lib", "lib64", "sbin"]:
        os.symlink(f"usr/{link}", os.path.join(path, link))
    os.chmod(path, 0o755)


def spec(root):
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]},
    ]
    for i, src in enumerate(BINDS):
        mounts.append({"destination": src, "type": "bind", "source": src, "options": ["rbind", "ro"]})
    return {
        "ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["/bin/true"],
                    "env": ["PATH=/usr/bin:/bin"], "cwd": "/"},
        "root": {"path": root, "readonly": True},
        "mounts": mounts,
        "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]},
    }


def bwrap_argv(s):
    argv = ["bwrap", "--ro-bind", s["root"]["path"], "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--unshare-pid"]
    if os.geteuid() != 0:
        argv.append("--unshare-user")
    for m in s["mounts"][3:]:
        argv += ["--ro-bind", m["source"], m["destination"]]
    return argv + ["/bin/true"]


def timed(argv, env=None):
    t = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"bench-run: {' '.join(argv)} failed ({r.returncode}): {r.stderr.decode()[-400:]}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "200")))
    ap.add_argument("--cli", default=os.environ.get("SVFS_CLI", "sandboxvfs"))
    ap.add_argument("--in-private-ns", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()

    crun = shutil.which("crun") if os.geteuid() == 0 else None
    if crun and not a.in_private_ns and shutil.which("unshare"):
        # crun on a hybrid cgroup host: hide /sys/fs/cgroup/unified in a
        # private mount namespace, once, for every contender.
        script = "umount -l /sys/fs/cgroup/unified 2>/dev/null; exec \"$@\""
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                              sys.executable, *sys.argv, "--in-private-ns"])

    bundle = tempfile.mkdtemp(prefix="svfs-bench-run-")
    os.chmod(bundle, 0o755)
    make_rootfs(os.path.join(bundle, "rootfs"))
    s = spec(os.path.join(bundle, "rootfs"))
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(s, f)

    contenders = {
        "sandboxvfs": ([a.cli, "run", "--config", "overlay2=none", "--bundle", bundle], None),
        "bwrap": (bwrap_argv(s), None),
        # Starting the program and nothing else: what the libraries cost
        # to load, which the run above pays too.
        "sandboxvfs --version": ([a.cli, "--version"], None),
        "bwrap --version": (["bwrap", "--version"], None),
    }
    if shutil.which("bwrap") is None:
        del contenders["bwrap"]
        del contenders["bwrap --version"]
    if crun:
        contenders["crun"] = None
    samples = {k: [] for k in contenders}
    try:
        for name in contenders:   # warm up
            if name != "crun":
                timed(contenders[name][0])
        for i in range(a.runs):
            for name in contenders:
                if name == "crun":
                    samples[name].append(timed([crun, "--cgroup-manager=disabled", "run", "--bundle", bundle,
                                                f"svfs-bench-{os.getpid()}-{i}"]))
                else:
                    argv, env = contenders[name]
                    samples[name].append(timed(argv, env))
    finally:
        shutil.rmtree(bundle)

    med = {name: statistics.median(v) for name, v in samples.items()}
    base = med.get("bwrap")
    print(f"bench-run: /bin/true in a view of a skeleton rootfs (ro), proc, sys, dev, tmpfs /tmp, {len(BINDS)} ro binds; "
          f"{a.runs} runs each, alternating, as uid {os.geteuid()}")
    for name, v in samples.items():
        ratio = f"  {med[name] / base:.2f}x bwrap" if base and "--version" not in name else ""
        print(f"  {name:<20} median {med[name] * 1000:7.2f} ms  min {min(v) * 1000:7.2f}  max {max(v) * 1000:7.2f}{ratio}")
    if base:
        work = med["sandboxvfs"] - med["sandboxvfs --version"]
        bwrap_work = base - med["bwrap --version"]
        print(f"  run minus start-up:  sandboxvfs {work * 1000:.2f} ms, bwrap {bwrap_work * 1000:.2f} ms "
              f"({work / bwrap_work:.2f}x); start-up alone differs by "
              f"{(med['sandboxvfs --version'] - med['bwrap --version']) * 1000:.2f} ms (GLib, GObject, GIO, json-glib)")
        print(f"target: sandboxvfs <= 1.0x bwrap: {'met' if med['sandboxvfs'] <= base else 'NOT met'}")


if __name__ == "__main__":
    main()
