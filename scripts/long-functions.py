#!/usr/bin/env python3
"""Functions over N lines in src/, outside #[cfg(test)] modules. Counts from the `fn` line
(doc comments and attributes excluded) to its closing brace, by brace matching that skips
strings, chars and comments."""
import os, re, sys
LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
root = sys.argv[2] if len(sys.argv) > 2 else "src"

def strip(src):
    # replace string/char/comment contents with spaces, keep newlines
    out = []; i = 0; n = len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i); j = n if j < 0 else j
            out.append(" " * (j - i)); i = j; continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2); j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j; continue
        m = re.match(r'(b?r)(#*)"', src[i:i+40])
        if m and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_')):
            hashes = m.group(2); end = '"' + hashes
            j = src.find(end, i + len(m.group(0))); j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j; continue
        if c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j; continue
        if c == "'":
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|\\x..|[^\\'])'", src[i:i+12])
            if m:
                out.append(" " * len(m.group(0))); i += len(m.group(0)); continue
        out.append(c); i += 1
    return "".join(out)

def match_brace(s, i):
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{": depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0: return j
    return len(s) - 1

res = []
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(dp, f)
        s = strip(open(p, encoding="utf-8").read())
        # test module spans
        skip = []
        for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", s):
            b = m.end() - 1; skip.append((m.start(), match_brace(s, b)))
        for m in re.finditer(r"\bfn\s+(\w+)", s):
            if any(a <= m.start() <= b for a, b in skip): continue
            # body brace: first '{' after signature not preceded by ';'
            k = m.end(); depth = 0
            while k < len(s) and s[k] not in "{;": k += 1
            if k >= len(s) or s[k] == ";": continue
            e = match_brace(s, k)
            start_line = s.count("\n", 0, m.start()) + 1
            end_line = s.count("\n", 0, e) + 1
            res.append((end_line - start_line + 1, p, m.group(1), start_line))
res.sort(reverse=True)
for n, p, name, line in res:
    if n > LIMIT: print(f"{n:4d} {p}:{line} {name}")
print("longest:", [(n, f"{p}:{name}") for n, p, name, _ in res[:5]], file=sys.stderr)
