#!/usr/bin/python3
# bench-sandboxvfsd.py: CreateContainer+Close over D-Bus, 1 and 8 clients
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Prints the CreateContainer+Close round trip latency (median, p99) and
containers per second with 1 and 8 concurrent clients, against a private
bus and sandboxvfsd (system rules, polkit mock allowing everything). Run as
root: `meson test -C build --benchmark bench-sandboxvfsd`, or directly with
SVFSD=build/tools/sandboxvfsd/sandboxvfsd. BENCH_ITERATIONS sets the round
trips per client (default 200)."""

import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'dbus'))
from svfsd_harness import Bus, Client, Daemon, Polkit, minimal_spec  # noqa: E402

ITERATIONS = int(os.environ.get('BENCH_ITERATIONS', '200'))


def run(address, n_clients):
    latencies = []
    lock = threading.Lock()

    def worker():
        c = Client(address)
        root = os.open('/', os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        mine = []
        for _ in range(ITERATIONS):
            t = time.perf_counter()
            path = c.create(minimal_spec('/'), [root])
            c.container_call(path, 'Close')
            mine.append(time.perf_counter() - t)
        os.close(root)
        c.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(n_clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f'{n_clients} client(s): {len(latencies)} round trips, '
          f'median {statistics.median(latencies) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, '
          f'{len(latencies) / elapsed:.0f} containers/s')


def main():
    bus = Bus()
    polkit = Polkit(bus)
    polkit.allow('org.sandboxvfs.SandboxVfs1.create-container')
    daemon = Daemon(bus, '--idle-timeout', '0')
    try:
        for n in (1, 8):
            run(bus.address, n)
    finally:
        daemon.stop()
        polkit.stop()
        bus.stop()


if __name__ == '__main__':
    main()
