#!/usr/bin/python3
"""`sandboxvfs run` (shared/design/CONTRACT.md §3): builds the bundle's view
in new namespaces, runs the process, exits with its status and leaves
nothing on the host.  As root (CI) and as an ordinary user: in a user
namespace of its own (as root, the CLI is also run as nobody)."""

import fcntl
import json
import os
import pathlib
import pty
import select
import shutil
import signal
import subprocess
import tempfile
import termios
import time

import pytest

CLI = os.environ["SVFS_CLI"]
DEMO = os.path.join(os.environ["SVFS_SOURCE_ROOT"], "data", "examples", "demo")

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(*args, prefix=(), env=None):
    return subprocess.run([*prefix, CLI, "run", *args], capture_output=True, timeout=60, text=True, env=env)


@pytest.fixture
def as_nobody(tmp_path_factory):
    """The CLI and its library copied where nobody can read them (the build
    tree may not be readable), and a prefix that drops root; as an
    ordinary user, the CLI as it is."""
    if os.geteuid() != 0:
        yield (), None, CLI
        return
    d = tempfile.mkdtemp(prefix="svfs-cli-nobody-")
    os.chmod(d, 0o755)
    libdir = next(p for p in os.environ["LD_LIBRARY_PATH"].split(":")
                  if os.path.exists(os.path.join(p, "libsandboxvfs-1.so.0")))
    for name in os.listdir(libdir):
        if name.startswith("libsandboxvfs-1.so") and not name.endswith(".p"):
            shutil.copy2(os.path.join(libdir, name), d, follow_symlinks=True)
    shutil.copy2(CLI, d)
    env = dict(os.environ, LD_LIBRARY_PATH=d)
    yield NOBODY, env, os.path.join(d, os.path.basename(CLI))
    shutil.rmtree(d)


@pytest.fixture
def open_bundle():
    """A copy of the demo bundle that nobody can read."""
    d = tempfile.mkdtemp(prefix="svfs-cli-bundle-")
    os.chmod(d, 0o755)
    shutil.copytree(DEMO, os.path.join(d, "demo"), symlinks=True)
    yield pathlib.Path(d) / "demo"
    shutil.rmtree(d)


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def tree(path):
    out = []
    for root, dirs, files in os.walk(path):
        for name in sorted(dirs + files):
            p = os.path.join(root, name)
            st = os.lstat(p)
            out.append((os.path.relpath(p, path), st.st_mode, st.st_size, st.st_mtime_ns))
    return sorted(out)


@pytest.fixture
def bundle(tmp_path):
    shutil.copytree(DEMO, tmp_path / "demo", symlinks=True)
    return tmp_path / "demo"


def test_runs_the_spec_process(bundle):
    before_mounts, before_tree = host_mounts(), tree(bundle)
    r = run("--bundle", str(bundle))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "demo\nhello\nscratch\n"
    assert host_mounts() == before_mounts
    assert tree(bundle) == before_tree


def test_argv_and_exit_status(bundle):
    assert run("--bundle", str(bundle), "--", "sh", "-c", "exit 42").returncode == 42
    r = run("--bundle", str(bundle), "--", "sh", "-c", "kill -9 $$")
    assert r.returncode == 128 + 9
    r = run("--bundle", str(bundle), "--", "sh", "-c", "echo $HOME $(pwd); id -u")
    assert r.stdout == "/root /\n0\n"


def test_config_overlay_none_writes_through(bundle):
    r = run("--config", "overlay2=none", "--bundle", str(bundle), "--", "sh", "-c", "echo x > /etc/written")
    assert r.returncode == 0, r.stderr
    assert (bundle / "rootfs" / "etc" / "written").read_text() == "x\n"


def test_failures(bundle):
    before = host_mounts()
    r = run()
    assert r.returncode == 2
    r = run("--bundle", str(bundle), "--config", "overlay2=bogus")
    assert r.returncode == 1 and r.stderr.startswith("sandboxvfs: ")

    doc = json.loads((bundle / "config.json").read_text())
    doc["mounts"].append({"destination": "/data", "type": "bind", "source": "/nonexistent-svfs",
                          "options": ["bind"]})
    (bundle / "config.json").write_text(json.dumps(doc))
    r = run("--bundle", str(bundle))
    assert r.returncode == 1
    assert r.stderr.startswith('sandboxvfs: mounts[8] "/data": ')
    assert "No such file or directory" in r.stderr

    doc["mounts"][-1] = {"destination": "/img", "type": "erofs", "source": "/nonexistent-svfs.erofs"}
    (bundle / "config.json").write_text(json.dumps(doc))
    r = run("--bundle", str(bundle))
    assert r.returncode == 1
    assert 'mounts[8] "/img"' in r.stderr

    r = run("--bundle", str(bundle), "--", "/no/such/program")
    assert r.returncode == 1
    assert host_mounts() == before


def test_demo_as_an_ordinary_user(open_bundle, as_nobody):
    prefix, env, cli = as_nobody
    before_mounts, before_tree = host_mounts(), tree(open_bundle)
    r = subprocess.run([*prefix, cli, "run", "--bundle", str(open_bundle), "--", "sh", "-c",
                        "id -u; echo x > /written; cat /written; test -c /dev/null && echo null; "
                        "grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ' /proc/self/mountinfo | grep -c nosuid,nodev"],
                       capture_output=True, timeout=60, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0\nx\nnull\n1\n"
    assert host_mounts() == before_mounts
    assert tree(open_bundle) == before_tree


def test_forbidden_user_namespaces_point_at_the_service(open_bundle, as_nobody):
    """A host that forbids unprivileged user namespaces (here: a user
    namespace whose user.max_user_namespaces is 0) gets an error that says
    so and names the D-Bus service."""
    prefix, env, cli = as_nobody
    script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run --bundle "$1"'
    r = subprocess.run([*prefix, "unshare", "--user", "--map-root-user", "sh", "-c", script, cli,
                        str(open_bundle)], capture_output=True, timeout=60, text=True, env=env)
    assert r.returncode == 1
    assert r.stderr.startswith("sandboxvfs: cannot create a user namespace")
    assert "max_user_namespaces is 0" in r.stderr
    assert "org.sandboxvfs.SandboxVfs1" in r.stderr


USERNS_MAPPINGS = {
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
}


def with_user_namespace(bundle):
    doc = json.loads((bundle / "config.json").read_text())
    doc["linux"]["namespaces"].append({"type": "user"})
    doc["linux"].update(USERNS_MAPPINGS)
    (bundle / "config.json").write_text(json.dumps(doc))


def test_spec_user_namespace(open_bundle, as_nobody):
    """As root, the spec's user namespace gets the spec's maps; as an
    ordinary user they are ignored (the caller is root inside), with a
    warning on stderr."""
    with_user_namespace(open_bundle)
    before = host_mounts()
    script = "read a b c </proc/self/uid_map; echo $a $b $c; id -u"
    if os.geteuid() == 0:
        r = run("--bundle", str(open_bundle), "--", "sh", "-c", script)
        assert r.returncode == 0, r.stderr
        assert r.stdout == "0 100000 65536\n0\n"
        assert "uidMappings" not in r.stderr
    prefix, env, cli = as_nobody
    r = subprocess.run([*prefix, cli, "run", "--bundle", str(open_bundle), "--", "sh", "-c", script],
                       capture_output=True, timeout=60, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0 65534 1\n0\n" if os.geteuid() == 0 else r.stdout == f"0 {os.geteuid()} 1\n0\n"
    assert "sandboxvfs: warning: linux.uidMappings and linux.gidMappings are ignored" in r.stderr
    assert host_mounts() == before


# The container process: one line per SIGINT/SIGQUIT delivered to it (the
# wakeup fd gets a byte per delivery, not per pending flag), until stdin
# closes.
SIGNAL_COUNTER = r"""
import os, select, signal
r, w = os.pipe()
os.set_blocking(w, False)
signal.set_wakeup_fd(w)
for s in (signal.SIGINT, signal.SIGQUIT):
    signal.signal(s, lambda *a: None)
print("ready", flush=True)
while True:
    ready = select.select([r, 0], [], [])[0]
    if r in ready:
        for b in os.read(r, 64):
            print(signal.Signals(b).name, flush=True)
    if 0 in ready and not os.read(0, 64):
        break
"""


class Lines:
    """The lines a process writes to a pipe, read with a deadline."""

    def __init__(self, fd):
        self.fd, self.buf = fd, b""

    def read(self, timeout):
        """All complete lines that arrive within @timeout seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    break
                self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        return [line.decode() for line in lines]

    def next(self, timeout=30):
        """The next line, waiting at most @timeout seconds for it."""
        while b"\n" not in self.buf:
            assert select.select([self.fd], [], [], timeout)[0], "timed out"
            chunk = os.read(self.fd, 4096)
            assert chunk, "end of output"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def process_gone(pid):
    """Gone, or a zombie nobody has reaped yet."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("pid_namespace", [True, False])
def test_killed_run_leaves_no_process(bundle, pid_namespace):
    """sandboxvfs run killed with SIGKILL leaves no process behind: with a
    PID namespace the holder (its init) takes the process along; without
    one the process is in the host's and dies with its parent."""
    config = json.loads((bundle / "config.json").read_text())
    if not pid_namespace:
        config["linux"]["namespaces"] = [ns for ns in config["linux"]["namespaces"] if ns["type"] != "pid"]
    (bundle / "config.json").write_text(json.dumps(config))
    duration = f"60.{os.getpid()}{int(pid_namespace)}"    # names this test's process
    proc = subprocess.Popen([CLI, "run", "--bundle", str(bundle), "--", "sleep", duration],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        sleeper = []
        while not sleeper and time.monotonic() < deadline and proc.poll() is None:
            sleeper = [int(p) for p in os.listdir("/proc") if p.isdigit() and
                       cmdline(p) == b"sleep\x00" + duration.encode() + b"\x00"]
            time.sleep(0.01)
        assert len(sleeper) == 1, (sleeper, proc.poll())
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while not process_gone(sleeper[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        gone = process_gone(sleeper[0])
        if not gone:
            os.kill(sleeper[0], signal.SIGKILL)
        assert gone, "the process outlived a killed sandboxvfs run"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_signal_during_spawn_is_not_lost(bundle):
    """A SIGTERM that comes while the process is being spawned (a
    supervisor stopping us early) waits and reaches the process once it
    exists, instead of being dropped while there is no one to forward it
    to.  The fault preload makes the spawn take long enough to aim at."""
    preload = os.environ["SVFS_CLI_FAULT_PRELOAD"]
    env = dict(os.environ, LD_PRELOAD=preload, SVFS_FAULT_SPAWN_DELAY_MS="1500")
    proc = subprocess.Popen([CLI, "run", "--bundle", str(bundle), "--", "sleep", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        time.sleep(1.0)   # set-up done (< 1 s here), the spawn under way
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 128 + signal.SIGTERM, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_signals_reach_the_process_once(bundle):
    """Ctrl-C and Ctrl-\\ on the terminal reach the process once: the
    terminal signals our whole foreground process group, which the process
    is in, so it is not forwarded again; a signal sent to sandboxvfs alone
    is forwarded, once."""
    master, slave = pty.openpty()

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([CLI, "run", "--bundle", str(bundle), "--", "python3", "-c", SIGNAL_COUNTER],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=controlling_terminal)
    os.close(slave)
    out = Lines(proc.stdout.fileno())
    try:
        assert out.next() == "ready"
        assert os.tcgetpgrp(master) == os.getpgid(proc.pid)
        for key, name in ((b"\x03", "SIGINT"), (b"\x1c", "SIGQUIT"), (b"\x03", "SIGINT")):
            os.write(master, key)
            assert out.next() == name
            assert out.read(0.5) == []
        for sig in (signal.SIGINT, signal.SIGQUIT):
            os.kill(proc.pid, sig)
            assert out.next() == sig.name
            assert out.read(0.5) == []
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)   # its own session: the process too
            proc.wait()
        os.close(master)
