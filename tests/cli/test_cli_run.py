#!/usr/bin/python3
"""`sandboxvfs run` (shared/design/CONTRACT.md §3): builds the bundle's view
in new namespaces, runs the process, exits with its status and leaves
nothing on the host.  As root (CI) and as an ordinary user: in a user
namespace of its own (as root, the CLI is also run as nobody)."""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile

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
    libdir = os.environ["LD_LIBRARY_PATH"].split(":")[0]
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
