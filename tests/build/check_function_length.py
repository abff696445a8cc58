#!/usr/bin/python3
"""Fails when a function in src/ is longer than LIMIT lines (docs/ARCHITECTURE.md: small
functions, one job each) and its comment does not say why.

  check_function_length.py SOURCE_ROOT [LIMIT]

A function is a brace block opened at namespace or class scope after a parenthesised head, so
signatures spread over several lines are found too. Its length runs from the line of its
opening brace to the line of its closing one. A function may stay long when the line just
above its signature holds `long-function:` and the reason (e.g. a hot loop a split would slow).
"""
import glob
import os
import re
import sys

STR = re.compile(r'"(?:\\.|[^"\\])*"')
CHR = re.compile(r"'(?:\\.|[^'\\])'")
RAW = re.compile(r'R"(\w*)\((.*?)\)\1"', re.S)


def code_lines(text):
    """The text with string literals and comments blanked, line numbers kept."""
    text = RAW.sub('""', text)
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    out = []
    for line in text.split('\n'):
        line = CHR.sub("''", STR.sub('""', line))
        cut = line.find('//')
        out.append(line if cut < 0 else line[:cut])
    return out


def long_functions(path, limit):
    raw = open(path, errors='replace').read().split('\n')
    stack, head, head_line, start = [], '', 0, None
    for number, line in enumerate(code_lines('\n'.join(raw)), 1):
        if line.strip().startswith('#'):
            continue
        for ch in line:
            if ch == '{':
                h = head.strip()
                if all(k in ('ns', 'cls') for k in stack):
                    if re.search(r'\bnamespace\b', h) or h.startswith('extern'):
                        kind = 'ns'
                    elif re.search(r'\b(struct|class|union|enum)\b', h) and '(' not in h.split(':')[0]:
                        kind = 'cls'
                    elif '(' in h and not h.endswith('='):
                        kind = 'fn'
                        start = (number, head_line or number)
                    else:
                        kind = 'other'
                else:
                    kind = 'inner'
                stack.append(kind)
                head, head_line = '', 0
            elif ch == '}':
                if stack and stack.pop() == 'fn' and start:
                    length = number - start[0] + 1
                    above = raw[start[1] - 2] if start[1] >= 2 else ''
                    if length > limit and 'long-function:' not in above:
                        yield length, start[1], raw[start[1] - 1].strip()[:90]
                    start = None
                head, head_line = '', 0
            elif ch == ';' and all(k in ('ns', 'cls') for k in stack):
                head, head_line = '', 0
            else:
                if not head.strip() and not ch.isspace():
                    head_line = number
                head += ch
        head += ' '


def main():
    root = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    found = []
    for path in sorted(glob.glob(os.path.join(root, 'src', '**', '*.[ch]pp'), recursive=True)):
        for length, line, text in long_functions(path, limit):
            found.append(f'{os.path.relpath(path, root)}:{line}: {length} lines (limit {limit}): {text}')
    for f in found:
        print(f)
    print(f'{len(found)} function(s) over {limit} lines')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
