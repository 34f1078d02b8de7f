#!/usr/bin/python3
"""data/bash-completion/sandboxvfs: what TAB offers for sandboxvfs."""

import os
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
SCRIPT = os.path.join(os.environ["SVFS_SOURCE_ROOT"], "data", "bash-completion", "sandboxvfs")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

# With bash-completion's helpers (_filedir) and without them.
MODES = ["plain"] + (["bash-completion"] if os.path.exists(BASH_COMPLETION) else [])


def complete(mode, *words, cwd=None):
    """COMPREPLY for the command line `words`; the last word is the one
    being completed."""
    prelude = f'source "{BASH_COMPLETION}"\n' if mode == "bash-completion" else ""
    script = prelude + f'''
source "{SCRIPT}"
COMP_WORDS=("$@")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
_sandboxvfs
printf '%s\\n' "${{COMPREPLY[@]}}"
'''
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", CLI, *words],
                       capture_output=True, text=True, timeout=60, cwd=cwd)
    assert r.returncode == 0, r
    return sorted(line for line in r.stdout.splitlines() if line)


def help_commands():
    out = subprocess.run([CLI, "--help"], capture_output=True, text=True, check=True).stdout
    section = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return sorted(line.split()[0] for line in section.splitlines())


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


def test_script_registers_for_sandboxvfs():
    r = subprocess.run(["bash", "--norc", "-c", f'source "{SCRIPT}"; complete -p sandboxvfs'],
                       capture_output=True, text=True, check=True)
    assert "-F _sandboxvfs" in r.stdout


def test_commands_are_those_of_help(mode):
    offered = complete(mode, "")
    assert {"validate", "plan", "fstypes"} <= set(offered)
    assert offered == help_commands()
    assert complete(mode, "pl") == ["plan"]


def test_global_options(mode):
    assert complete(mode, "--") == ["--help", "--version"]


@pytest.mark.parametrize("command, options", [
    ("validate", ["--bundle", "--config", "--format", "--help", "--version"]),
    ("plan", ["--bundle", "--config", "--format", "--help", "--version"]),
    ("fstypes", ["--format", "--help", "--version"]),
])
def test_command_options(mode, command, options):
    assert complete(mode, command, "--") == options
    assert complete(mode, command, "--f") == [o for o in options if o.startswith("--f")]


@pytest.mark.parametrize("command, formats", [
    ("validate", ["json", "text"]),
    ("plan", ["json", "table", "tree"]),
    ("fstypes", ["json", "table"]),
])
def test_format_values(mode, command, formats):
    assert complete(mode, command, "--format", "") == formats
    assert complete(mode, command, "-f", "") == formats
    # --format=VALUE, split at "=" by bash
    assert complete(mode, command, "--format", "=", "") == formats
    assert complete(mode, command, "--format", "=", "j") == ["json"]


def test_values_named_in_help(mode):
    # Read from the option's --help line, so new commands need no changes.
    assert "devices" in help_commands()
    assert complete(mode, "devices", "--format", "") == ["cdi", "json", "table"]
    assert complete(mode, "devices", "--cdi-kind", "") == ["google.com/tpu", "nvidia.com/gpu"]
    assert complete(mode, "devices", "--sysfs-root", "/u") == ["/usr"]


def test_config_keys_and_values(mode):
    keys = complete(mode, "plan", "--config", "")
    assert "overlay2=" in keys and "nvproxy=" in keys and "container-name=" in keys
    assert complete(mode, "plan", "-c", "file-") == ["file-access-mounts=", "file-access="]
    assert complete(mode, "plan", "--config", "nvproxy=") == ["nvproxy=false", "nvproxy=true"]
    assert "overlay2=root:memory" in complete(mode, "plan", "--config", "overlay2=r")


def test_bundle_completes_directories(mode, tmp_path):
    (tmp_path / "bundle-a").mkdir()
    (tmp_path / "bundle-file").write_text("")
    offered = complete(mode, "plan", "--bundle", "bun", cwd=tmp_path)
    assert offered == ["bundle-a"]


def test_spec_completes_files_and_stdin(mode, tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert complete(mode, "validate", "con", cwd=tmp_path) == ["config.json"]
    assert "-" in complete(mode, "plan", "", cwd=tmp_path)
    # fstypes takes no SPEC
    assert complete(mode, "fstypes", "", cwd=tmp_path) == []


def test_after_double_dash_commands_complete(mode):
    assert "bash" in complete(mode, "run", "--bundle", "b", "--", "bas")
