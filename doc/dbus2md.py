#!/usr/bin/python3
# dbus2md.py: write a gi-docgen content page from a D-Bus introspection XML
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: dbus2md.py INTERFACE.xml OUTPUT.md

Documentation comes from the gdbus-codegen style comments that precede each
element:

    <!--
      MethodName:
      @arg: what the argument is

      What the method does.
    -->

A comment before an <interface> describes the interface, a comment before
<node> (the file's first comment) the whole API.
"""

import re
import sys
import xml.etree.ElementTree as ET


def parse_comment(text):
    """Returns (description, {arg: description}) from a comment body."""
    lines = [line.strip() for line in text.strip("\n").splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    if lines:
        # "Name:" on its own line, or "Name: description" for a short one
        m = re.fullmatch(r"([A-Z][\w.]*):\s*(.*)", lines[0])
        if m:
            lines[0] = m.group(2)
    args = {}
    body = []
    current = None
    for line in lines:
        m = re.match(r"@(\w+):\s*(.*)", line)
        if m:
            current = m.group(1)
            args[current] = m.group(2)
        elif current is not None and line:
            args[current] += " " + line
        else:
            current = None
            body.append(line)
    paragraphs = escape("\n".join(body).strip())
    args = {k: escape(v) for k, v in args.items()}
    paragraphs = re.sub(r"SPDX-License-Identifier:.*", "", paragraphs).strip()
    return paragraphs, args


def escape(text):
    """Escapes < and > outside `code`, so markdown does not take them for HTML."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def with_comments(element):
    """Yields (child, comment text or None) for the element children."""
    pending = None
    for child in element:
        if child.tag is ET.Comment:
            pending = child.text
            continue
        yield child, pending
        pending = None


def signature(args):
    return ", ".join(f"{a.get('type')} {a.get('name', '')}".strip() for a in args)


def describe_args(out, args, docs):
    for a in args:
        direction = a.get("direction", "")
        label = f"{direction} " if direction else ""
        doc = docs.get(a.get("name", ""), "")
        out.append(f"- `{label}{a.get('type')} {a.get('name', '')}`" + (f": {doc}" if doc else ""))
    if args:
        out.append("")


def main(argv):
    source, output = argv[1], argv[2]
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    with open(source, "rb") as f:
        text = f.read()
    root = ET.fromstring(text, parser=parser)

    head = re.search(rb"<!--(.*?)-->", text, re.S)
    intro = parse_comment(head.group(1).decode())[0] if head else ""

    out = ["Title: D-Bus API", "Slug: dbus-api", "", "# D-Bus API", ""]
    out.append(f"This page is generated from `{source.rsplit('/', 1)[-1]}`, which is installed "
               "to `$datadir/dbus-1/interfaces`.")
    out.append("")
    if intro:
        out += [intro, ""]

    for iface, comment in with_comments(root):
        if iface.tag != "interface":
            continue
        name = iface.get("name")
        out += [f"## {name}", ""]
        if comment:
            out += [parse_comment(comment)[0], ""]
        for kind, title in (("method", "Methods"), ("signal", "Signals"), ("property", "Properties")):
            members = [(m, c) for m, c in with_comments(iface) if m.tag == kind]
            if not members:
                continue
            out += [f"### {title}", ""]
            for member, mcomment in members:
                desc, argdocs = parse_comment(mcomment) if mcomment else ("", {})
                mname = member.get("name")
                if kind == "property":
                    out += [f"#### `{mname}` ({member.get('type')}, {member.get('access')})", ""]
                else:
                    args = [a for a in member if a.tag == "arg"]
                    ins = [a for a in args if a.get("direction", "in") == "in" or kind == "signal"]
                    outs = [a for a in args if a.get("direction") == "out"]
                    sig = f"{mname} ({signature(ins)})"
                    if outs:
                        sig += f" → ({signature(outs)})"
                    out += [f"#### `{mname}`", "", f"    {sig}", ""]
                    describe_args(out, args, argdocs)
                if desc:
                    out += [desc, ""]

    with open(output, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
