#!/usr/bin/python3
"""check_man_page.py HALLMARK MAN: hallmark(1) against the binary's --help.

Subcommands are discovered from `hallmark --help` (and each command's own Subcommands: list), so
a new subcommand without its section fails here. Checks:
  - every top-level subcommand X has its section `.SH "HALLMARK X"`, every nested one X Y its
    `.SS "hallmark X Y"`, and no such heading names a command the binary lacks;
  - every long option in `hallmark X --help` appears in X's section (options every command has
    may be documented once, in COMMON OPTIONS);
  - every option a section defines (the tag line after .TP) exists in that command's --help.
Prints one line per problem; exits 1 if there is any.
"""
import re
import subprocess
import sys

LONG = re.compile(r"(?<![\w-])--[a-z0-9][a-z0-9-]*")


def help_sections(cmd):
    text = subprocess.run(cmd + ["--help"], capture_output=True, text=True, check=True).stdout
    sections, current = {}, None
    for line in text.splitlines():
        if re.fullmatch(r"[A-Za-z]+:", line):
            current = line[:-1]
            sections[current] = []
        elif current and re.match(r"  \S", line):
            sections[current].append(line.split()[0])
    return sections


def commands(hm, path=()):
    """Every command path under hallmark, with the long options of its --help."""
    sections = help_sections([hm, *path])
    found = {}
    if path:
        found[path] = {f for col in sections.get("Options", []) for f in col.split(",") if f.startswith("--")}
    for sub in sections.get("Subcommands", []):
        found.update(commands(hm, path + (sub,)))
    return found


def man_sections(text):
    """Heading -> body, for .SH and .SS headings; an .SH body includes its .SS subsections."""
    text = text.replace("\\-", "-")
    bodies, open_sh, open_ss = {}, None, None
    for line in text.splitlines():
        m = re.match(r'\.(SH|SS)\s+"?([^"]*)"?\s*$', line)
        if m:
            if m.group(1) == "SH":
                open_sh, open_ss = m.group(2), None
                bodies[open_sh] = []
            else:
                if open_sh is not None:
                    bodies[open_sh].append(line)  # own_part() stops at it
                open_ss = m.group(2)
                bodies[open_ss] = []
            continue
        for heading in (open_sh, open_ss):
            if heading is not None:
                bodies[heading].append(line)
    return bodies


def own_part(body):
    """The lines of an .SH body before its first .SS (its own options, not its children's)."""
    out = []
    for line in body:
        if line.startswith(".SS"):
            break
        out.append(line)
    return out


def defined_options(lines):
    return {f for prev, line in zip(lines, lines[1:]) if prev.startswith(".TP") for f in LONG.findall(line)}


def heading(path):
    return "HALLMARK " + path[0].upper() if len(path) == 1 else "hallmark " + " ".join(path)


def main():
    hm, man = sys.argv[1], sys.argv[2]
    cmds = commands(hm)
    bodies = man_sections(open(man).read())
    problems = []
    # Options every top-level command has (nested ones may leave them to their parent).
    tops = [flags for path, flags in cmds.items() if len(path) == 1]
    common = set.intersection(*tops) if tops else set()
    common_doc = set(LONG.findall("\n".join(bodies.get("COMMON OPTIONS", []))))
    for path, flags in sorted(cmds.items()):
        h = heading(path)
        if h not in bodies:
            problems.append(f"no section {h!r} for `hallmark {' '.join(path)}`")
            continue
        body = bodies[h] if len(path) > 1 else own_part(bodies[h])
        mentioned = set(LONG.findall("\n".join(body)))
        for flag in sorted(flags - {"--help"}):
            if flag not in mentioned and not (flag in common and flag in common_doc):
                problems.append(f"section {h!r} lacks {flag} (in `hallmark {' '.join(path)} --help`)")
        for flag in sorted(defined_options(body) - flags):
            problems.append(f"section {h!r} documents {flag}, which `hallmark {' '.join(path)} --help` lacks")
    known = {heading(p) for p in cmds}
    for h in bodies:
        if re.match(r"(HALLMARK|hallmark) ", h) and h not in known:
            problems.append(f"section {h!r} names no command of `hallmark --help`")
    top = {f for col in help_sections([hm]).get("Options", []) for f in col.split(",") if f.startswith("--")}
    for flag in sorted(top - common_doc):
        problems.append(f"COMMON OPTIONS lacks {flag} (in `hallmark --help`)")
    for p in problems:
        print(p)
    if not cmds:
        print("no subcommands found in `hallmark --help`")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
