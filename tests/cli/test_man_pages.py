#!/usr/bin/python3
"""The man pages and --help agree: every command and option that
doc/sandboxvfs.1.rst (and doc/sandboxvfsd.8.rst) documents is in the
program's --help, and every one --help shows is documented."""

import os
import re
import subprocess

import pytest

CLI = os.environ["SVFS_CLI"]
DAEMON = os.environ.get("SVFS_DAEMON")
DOC = os.path.join(os.environ["SVFS_SOURCE_ROOT"], "doc")

# Commands the man page documents from CONTRACT §3 before the CLI has them.
# Once `sandboxvfs --help` lists one, it is checked like every other.

OPTION_RE = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)")


def options_in(line):
    """The option names in an option-list or --help line: `-b DIR,
    --bundle=DIR  Read …` gives {'-b', '--bundle'}."""
    head = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
    names = set()
    for part in head.split(","):
        m = OPTION_RE.match(part.strip())
        if m:
            names.add(m.group(1))
    return names


def rst_sections(path):
    """{title: (level char, [lines])} for a reStructuredText file; the level
    char is the underline character."""
    lines = open(path, encoding="utf-8").read().splitlines()
    sections = []
    i = 0
    current = None
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (line.strip() and not line.startswith((" ", "-", "=")) and
                re.fullmatch(r"([=-])\1+", nxt) and len(nxt) >= len(line.strip())):
            current = (line.strip(), nxt[0], [])
            sections.append(current)
            i += 2
            continue
        if current is not None:
            current[2].append(line)
        i += 1
    return sections


def man_options(lines):
    """Options of the option list in a section: lines that start with '-'."""
    names = set()
    for line in lines:
        if line.startswith("-") and not re.fullmatch(r"-+", line):
            names |= options_in(line)
    return names


def man_page(path):
    """(global options, {command: options}) from a man page source."""
    global_options = set()
    commands = {}
    in_commands = False
    for title, level, lines in rst_sections(path):
        if level == "=":
            in_commands = title == "COMMANDS"
            if title == "OPTIONS":
                global_options = man_options(lines)
        elif in_commands and level == "-":
            commands[title] = man_options(lines)
    return global_options, commands


def help_text(*args, program=CLI):
    r = subprocess.run([program, *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{program} {' '.join(args)}: {r}"
    return r.stdout


def help_options(text):
    names = set()
    for line in text.splitlines():
        if re.match(r"\s+-", line):
            names |= options_in(line)
    return names


def help_commands(text):
    """Commands listed under 'Commands:' in the top-level --help."""
    m = re.search(r"^Commands:\n((?:[ \t]+\S.*\n)+)", text, re.M)
    assert m, f"no 'Commands:' section in:\n{text}"
    return {line.split()[0] for line in m.group(1).splitlines()}


CLI_MAN = man_page(os.path.join(DOC, "sandboxvfs.1.rst"))


def test_man_page_documents_commands():
    assert set(CLI_MAN[1]) >= {"validate", "plan", "run", "devices", "fstypes"}


def test_every_command_in_help_is_documented_and_back():
    listed = help_commands(help_text("--help"))
    documented = set(CLI_MAN[1])
    assert listed - documented == set(), "commands in --help missing from doc/sandboxvfs.1.rst"
    assert documented - listed == set(), \
        "commands in doc/sandboxvfs.1.rst that `sandboxvfs --help` does not list"


def test_global_options_match():
    assert help_options(help_text("--help")) == CLI_MAN[0]


@pytest.mark.parametrize("command", sorted(CLI_MAN[1]))
def test_command_options_match(command):
    assert command in help_commands(help_text("--help"))
    in_help = help_options(help_text(command, "--help"))
    in_man = CLI_MAN[1][command]
    assert in_help - in_man == set(), \
        f"`sandboxvfs {command} --help` options missing from doc/sandboxvfs.1.rst"
    assert in_man - in_help == set(), \
        f"doc/sandboxvfs.1.rst options that `sandboxvfs {command} --help` lacks"


def test_parsers_see_known_options():
    # Guards the parsers above: a parser that finds nothing would make the
    # comparisons pass vacuously.
    assert {"-b", "--bundle", "-c", "--config", "-f", "--format", "-h", "--help"} <= CLI_MAN[1]["plan"]
    assert {"--sysfs-root", "--dev-root", "--proc-root", "--format"} <= CLI_MAN[1]["devices"]
    assert {"-b", "--bundle", "-c", "--config", "-f", "--format"} <= help_options(help_text("plan", "--help"))
    assert {"validate", "plan", "fstypes"} <= help_commands(help_text("--help"))


def test_daemon_man_page_matches_help():
    in_man = man_page(os.path.join(DOC, "sandboxvfsd.8.rst"))[0]
    assert {"--session", "--system", "--address", "--max-containers-per-client"} <= in_man
    assert DAEMON, "sandboxvfsd is not built"
    in_help = help_options(help_text("--help", program=DAEMON))
    assert in_help - in_man == set(), "`sandboxvfsd --help` options missing from doc/sandboxvfsd.8.rst"
    assert in_man - in_help == set(), "doc/sandboxvfsd.8.rst options that `sandboxvfsd --help` lacks"
