#!/usr/bin/python3
"""Runs an example program and checks its exit status and output.

    run-example.py [--status N] [--stdout REGEX]… [--stderr REGEX]… -- COMMAND…
"""

import argparse
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status", type=int, default=0)
    parser.add_argument("--stdout", action="append", default=[])
    parser.add_argument("--stderr", action="append", default=[])
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    r = subprocess.run(args.command, capture_output=True, text=True, timeout=120)
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
