#!/usr/bin/python3
# check-abi.py: compare the symbols a library exports with the list kept in
# the tree, or update that list.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage:
    check-abi.py LIBRARY SYMBOLS-FILE            compare; exit 1 on a difference
    check-abi.py --update LIBRARY SYMBOLS-FILE   rewrite SYMBOLS-FILE

The list holds one exported symbol per line as `nm -D --defined-only`
prints it, with its symbol version (`svfs_spec_new_from_file@@LIBSANDBOXVFS_1_0`).
Lines starting with # are comments and are kept by --update.
"""

import difflib
import os
import subprocess
import sys

UPDATE_HINT = os.environ.get("SVFS_ABI_UPDATE_COMMAND")


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         capture_output=True, text=True, check=True).stdout
    symbols = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        kind, name = fields[1], fields[2]
        if kind == "A":  # the version node itself (LIBSANDBOXVFS_1_0)
            continue
        symbols.add(name)
    return sorted(symbols)


def read_list(path):
    comments, symbols = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                if not symbols:
                    comments.append(line)
            else:
                symbols.append(line.strip())
    return comments, symbols


def main(argv):
    update = "--update" in argv
    args = [a for a in argv[1:] if a != "--update"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    library, symbols_file = args
    actual = exported(library)

    if update:
        comments = read_list(symbols_file)[0] if os.path.exists(symbols_file) else []
        with open(symbols_file, "w", encoding="utf-8") as f:
            for c in comments:
                f.write(c + "\n")
            for s in actual:
                f.write(s + "\n")
        print(f"{symbols_file}: {len(actual)} symbols")
        return 0

    recorded = read_list(symbols_file)[1]
    if recorded == actual:
        print(f"{len(actual)} exported symbols, as recorded in {symbols_file}")
        return 0

    added = sorted(set(actual) - set(recorded))
    removed = sorted(set(recorded) - set(actual))
    print(f"The symbols {os.path.basename(library)} exports differ from {symbols_file}:\n")
    sys.stdout.writelines(difflib.unified_diff(
        [s + "\n" for s in recorded], [s + "\n" for s in actual],
        fromfile=symbols_file, tofile=f"nm -D {os.path.basename(library)}"))
    print()
    if added:
        print(f"{len(added)} new. New public API is fine: record it.")
    if removed:
        print(f"{len(removed)} gone or renamed. That breaks the ABI of "
              "libsandboxvfs-1.so.0; put the symbols back unless the soname changes.")
    if recorded != sorted(recorded) and not added and not removed:
        print("The list is not sorted.")
    hint = UPDATE_HINT or f"{sys.argv[0]} --update {library} {symbols_file}"
    print(f"\nTo accept the library's symbols as the new list, run:\n    {hint}")
    print("and commit the changed list with the API change.")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
