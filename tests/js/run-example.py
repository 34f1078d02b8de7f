#!/usr/bin/python3
"""Runs an example program and checks its exit status and output.

    run-example.py [--status N] [--stdout REGEX]… [--stderr REGEX]…
                   [--umockdev HOST] -- COMMAND…

With --umockdev, a UMockdev testbed is built from
tests/data/devices/HOST.umockdev (and its proc/ tree), and "@ROOT@" in
COMMAND is replaced by the testbed's root directory.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys


def make_testbed(host):
    import gi
    gi.require_version("UMockdev", "1.0")
    from gi.repository import UMockdev

    data = os.path.join(os.environ["SVFS_TEST_DATA"], "devices")
    testbed = UMockdev.Testbed.new()
    testbed.add_from_file(os.path.join(data, host + ".umockdev"))
    root = testbed.get_root_dir()
    proc = os.path.join(data, "proc", host)
    if os.path.isdir(proc):
        shutil.copytree(proc, os.path.join(root, "proc"))
    return testbed, root


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=int, default=0)
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("--umockdev")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    testbed = None
    command = args.command
    if args.umockdev:
        testbed, root = make_testbed(args.umockdev)
        command = [a.replace("@ROOT@", root) for a in command]

    r = subprocess.run(command, capture_output=True, text=True, timeout=120)
    del testbed  # removes the testbed directory
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    failures = []
    if r.returncode != args.status:
        failures.append(f"exit status {r.returncode}, expected {args.status}")
    for stream, patterns, text in (("stdout", args.stdout, r.stdout), ("stderr", args.stderr, r.stderr)):
        for pattern in patterns:
            if not re.search(pattern, text, re.M):
                failures.append(f"{stream} does not match {pattern!r}")
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
