#!/usr/bin/python3
"""`meson install` into a temporary DESTDIR gives a working library: every
part is installed, and a Python script and a C program built with
pkg-config use the installed copy."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

E = os.environ
EXPECT = set(E["SVFS_EXPECT"].split())
DEMO = os.path.join(E["SVFS_SOURCE_ROOT"], "data", "examples", "demo")

failures = []


def check(condition, what):
    print(("ok - " if condition else "not ok - ") + what)
    if not condition:
        failures.append(what)


def under(destdir, path):
    """Where an install path lands in DESTDIR (relative ones are under the prefix)."""
    if not os.path.isabs(path):
        path = os.path.join(E["SVFS_PREFIX"], path)
    return destdir + path


def clean_env(**extra):
    """An environment without the build tree's paths."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GI_TYPELIB_PATH", "LD_LIBRARY_PATH", "PYTHONPATH", "PKG_CONFIG_PATH",
                        "LD_PRELOAD")}
    env.update(extra)
    return env


PY_SCRIPT = textwrap.dedent("""
    import sys
    import gi
    gi.require_version("Svfs", "1")
    from gi.repository import Svfs
    import gi.overrides.Svfs as overrides
    destdir = sys.argv[1]
    assert overrides.__file__.startswith(destdir), overrides.__file__
    maps = open("/proc/self/maps").read()
    libs = {l.split()[-1] for l in maps.splitlines() if "libsandboxvfs-1.so" in l}
    assert libs and all(p.startswith(destdir) for p in libs), libs
    spec = Svfs.Spec.from_file(sys.argv[2] + "/config.json")
    plan = Svfs.Mounter.new(spec, Svfs.Config.from_dict({"overlay2": "none"})).compile()
    doc = plan.to_dict()
    assert "/proc" in [m["destination"] for m in doc["mounts"]], doc
    try:
        Svfs.Spec.from_dict({"ociVersion": "1.2.0", "root": {}})
    except Svfs.SvfsError as e:
        assert e.code == Svfs.Error.INVALID_SPEC
    print(len(plan), "mounts")
""")

C_PROGRAM = textwrap.dedent("""
    #define _GNU_SOURCE  /* dladdr */
    #include <dlfcn.h>
    #include <libsandboxvfs.h>

    int
    main (int argc, char **argv)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *config_json = g_build_filename (argv[1], "config.json", NULL);
      g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file (config_json, &error);
      g_autoptr(SvfsConfig) config = svfs_config_new ();
      g_autoptr(SvfsMounter) mounter = NULL;
      g_autoptr(SvfsMountPlan) plan = NULL;
      Dl_info info;

      if (spec == NULL)
        g_error ("%s", error->message);
      mounter = svfs_mounter_new (spec, config);
      plan = svfs_mounter_compile (mounter, &error);
      if (plan == NULL)
        g_error ("%s", error->message);
      if (!dladdr ((void *) svfs_spec_new_from_file, &info))
        return 1;
      g_print ("%s\\n%u\\n", info.dli_fname, g_list_model_get_n_items (G_LIST_MODEL (plan)));
      return 0;
    }
""")


def main():
    destdir = tempfile.mkdtemp(prefix="svfs-install-")
    try:
        run_checks(destdir)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)
    if failures:
        print(f"\n{len(failures)} failed:", *failures, sep="\n  ")
        return 1
    return 0


def run_checks(destdir):
    r = subprocess.run([E["MESON"], "install", "-C", E["SVFS_BUILD_ROOT"], "--no-rebuild",
                        "--quiet", "--destdir", destdir], capture_output=True, text=True)
    check(r.returncode == 0, f"meson install: {r.stderr.strip()[-2000:]}")
    if r.returncode != 0:
        return

    libdir = under(destdir, E["SVFS_LIBDIR"])
    datadir = under(destdir, E["SVFS_DATADIR"])
    bindir = under(destdir, E["SVFS_BINDIR"])
    mandir = under(destdir, E["SVFS_MANDIR"])
    python_dir = destdir + E["SVFS_PYTHON_DIR"]

    # What must be there
    expected = {
        "library": os.path.join(libdir, "libsandboxvfs-1.so.0"),
        "development symlink": os.path.join(libdir, "libsandboxvfs-1.so"),
        "umbrella header": os.path.join(under(destdir, E["SVFS_INCLUDEDIR"]), "libsandboxvfs-1", "libsandboxvfs.h"),
        "pkg-config file": os.path.join(libdir, "pkgconfig", "libsandboxvfs-1.pc"),
        "GIR": os.path.join(datadir, "gir-1.0", "Svfs-1.gir"),
        "typelib": os.path.join(libdir, "girepository-1.0", "Svfs-1.typelib"),
        "Python overrides": os.path.join(python_dir, "gi", "overrides", "Svfs.py"),
        "CLI": os.path.join(bindir, "sandboxvfs"),
        "bash completion": os.path.join(destdir + E["SVFS_BASH_COMPLETIONS_DIR"]
                                        if os.path.isabs(E["SVFS_BASH_COMPLETIONS_DIR"])
                                        else under(destdir, E["SVFS_BASH_COMPLETIONS_DIR"]), "sandboxvfs"),
    }
    if "vapi" in EXPECT:
        expected["vapi"] = os.path.join(datadir, "vala", "vapi", "libsandboxvfs-1.vapi")
    if "docs" in EXPECT:
        expected["API reference"] = os.path.join(datadir, "doc", "libsandboxvfs-1", "index.html")
        expected["Python tutorial page"] = os.path.join(datadir, "doc", "libsandboxvfs-1", "python-tutorial.html")
    if "man" in EXPECT:
        expected["sandboxvfs(1)"] = os.path.join(mandir, "man1", "sandboxvfs.1")
    if "man" in EXPECT and "daemon" in EXPECT:
        expected["sandboxvfsd(8)"] = os.path.join(mandir, "man8", "sandboxvfsd.8")
    if "daemon" in EXPECT:
        found = glob.glob(destdir + "/**/sandboxvfsd", recursive=True)
        check(any(os.access(p, os.X_OK) and os.path.isfile(p) for p in found), "sandboxvfsd installed")
    if "holder" in EXPECT:
        # where the library looks for it (config.h: SVFS_HOLDER_PATH)
        expected["holder program"] = os.path.join(under(destdir, E["SVFS_LIBEXECDIR"]), "sandboxvfs-holder")
    if "dbus-xml" in EXPECT:
        expected["D-Bus interface XML"] = os.path.join(datadir, "dbus-1", "interfaces",
                                                       "org.sandboxvfs.SandboxVfs1.xml")
    for what, path in expected.items():
        check(os.path.exists(path), f"{what} installed at {path[len(destdir):]}")

    # The installed CLI runs against the installed library
    r = subprocess.run([os.path.join(bindir, "sandboxvfs"), "validate", "--bundle", DEMO],
                       env=clean_env(LD_LIBRARY_PATH=libdir), capture_output=True, text=True)
    check(r.returncode == 0, f"installed sandboxvfs validate: {r.stdout}{r.stderr}")

    # Python, through the installed typelib, library and overrides
    r = subprocess.run(["/usr/bin/python3", "-c", PY_SCRIPT, destdir, DEMO],
                       env=clean_env(GI_TYPELIB_PATH=os.path.join(libdir, "girepository-1.0"),
                                     LD_LIBRARY_PATH=libdir, PYTHONPATH=python_dir),
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.endswith("mounts\n"),
          f"Python against the installed copy: {r.stdout}{r.stderr}")

    # C, built with pkg-config from the installed .pc. pkg-config cannot
    # relocate a multiarch libdir by itself (--define-prefix would also move
    # GLib's paths), so a copy of the .pc gets the DESTDIR prefix: which also
    # checks that every path in it derives from ${prefix}.
    pc_dir = os.path.join(destdir, "pkgconfig")
    os.makedirs(pc_dir)
    with open(os.path.join(libdir, "pkgconfig", "libsandboxvfs-1.pc")) as f:
        pc = f.read().splitlines()
    prefix_line = f"prefix={E['SVFS_PREFIX']}"
    check(pc[0] == prefix_line, f".pc starts with {prefix_line}")
    check(not any(E["SVFS_PREFIX"] in line for line in pc[1:] if not line.startswith("#")),
          ".pc has no path that bypasses ${prefix}")
    pc[0] = f"prefix={destdir}{E['SVFS_PREFIX']}"
    with open(os.path.join(pc_dir, "libsandboxvfs-1.pc"), "w") as f:
        f.write("\n".join(pc) + "\n")
    r = subprocess.run(["pkg-config", "--cflags", "--libs", "libsandboxvfs-1"],
                       env=clean_env(PKG_CONFIG_PATH=pc_dir), capture_output=True, text=True)
    check(r.returncode == 0, f"pkg-config --cflags --libs libsandboxvfs-1: {r.stderr}")
    flags = r.stdout.split()
    include = "-I" + os.path.join(under(destdir, E["SVFS_INCLUDEDIR"]), "libsandboxvfs-1")
    check(include in flags and "-L" + libdir in flags and "-lsandboxvfs-1" in flags,
          f"pkg-config points into DESTDIR: {r.stdout.strip()}")
    source = os.path.join(destdir, "consumer.c")
    program = os.path.join(destdir, "consumer")
    with open(source, "w") as f:
        f.write(C_PROGRAM)
    r = subprocess.run([E["SVFS_CC"], "-o", program, source, *flags], capture_output=True, text=True,
                       env=clean_env())
    check(r.returncode == 0, f"compile a C program with pkg-config flags: {r.stderr}")
    if r.returncode == 0:
        r = subprocess.run([program, DEMO], env=clean_env(LD_LIBRARY_PATH=libdir),
                           capture_output=True, text=True)
        lines = r.stdout.split()
        check(r.returncode == 0 and len(lines) == 2 and lines[0].startswith(destdir) and int(lines[1]) > 4,
              f"the C program uses the installed library: {r.stdout}{r.stderr}")


if __name__ == "__main__":
    sys.exit(main())
