#!/usr/bin/python3
"""The docs check: prints one line per finding ("FILE:LINE: problem") and exits 1 if there is any.

    scripts/check-docs.py [--root DIR] [--gpiqa BINARY] [--skip-cli]

- every relative link and image in README.md, CHANGELOG.md and docs/**/*.md resolves to a file or folder of
  the repository, and every #anchor to a heading of its page;
- docs/reference/cli.md equals what scripts/make-cli-reference.sh writes from the binary's help;
- the keys documented in docs/reference/campaign.md (the backticked key paths in the first column of its
  tables) are exactly the keys the campaign parser accepts (its only_keys(...) lists in
  src/campaign/campaign_spec.cpp);
- no file of the repository holds an absolute path of a build machine (under /work, /home/USER, /root or
  /Users/USER), except on lines marked as an example with the text "docs-check: allow-path" (in whatever
  comment syntax the file has, e.g. `<!-- docs-check: allow-path -->` in Markdown);
- README.md starts with "# gpiqa" and has at most 250 lines;
- no issue numbers ("#14") in README.md or the docs, outside code.
The files checked are the files git tracks or would track (not ignored) when DIR is a git work tree, else every file under DIR (build
folders and results excepted).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

README_MAX_LINES = 250
ALLOW_PATH_MARKER = "docs-check: allow-path"
MACHINE_PATH = re.compile(r"(?<![\w.~-])(/work/|/root/|/home/[A-Za-z0-9_.-]+/|/Users/[A-Za-z0-9_.-]+/)")  # docs-check: allow-path
SKIPPED_DIRS = {".git", "results", "__pycache__", "Testing"}
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)")
HTML_SOURCE = re.compile(r"<(?:img|a)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", re.I)
ISSUE_NUMBER = re.compile(r"(?<![\w/&#])#\d+\b")
KEY_ROW = re.compile(r"^\|\s*`([A-Za-z_][A-Za-z0-9_.]*)`\s*\|")
ONLY_KEYS = re.compile(r"only_keys\(\s*(\w+)\s*,\s*(\"[^\"]*\"|\w+)\s*,\s*\{([^}]*)\}", re.S)
FUNCTION = re.compile(r"^\w[\w:<>]*\s+(\w+)\(const Reader&", re.M)
# Where each only_keys list of the parser sits in the documented key paths.
SECTIONS = {"the campaign": "", "md": "md.", "md.thermostat": "md.thermostat.", "start": "start.",
            "stability": "stability.", "output": "output."}
FUNCTION_SECTIONS = {"parse_variant": "models.NAME.", "parse_molecule": "molecules.NAME."}


class Findings:
    def __init__(self, root: str):
        self.root = root
        self.lines: list[str] = []

    def add(self, path: str, line: int | None, problem: str) -> None:
        where = os.path.relpath(path, self.root) if os.path.isabs(path) else path
        self.lines.append(f"{where}:{line}: {problem}" if line else f"{where}: {problem}")


def repository_files(root: str) -> list[str]:
    """The files git tracks or would track when root is a git work tree, else every file below root."""
    if os.path.exists(os.path.join(root, ".git")):
        r = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True)
        if r.returncode == 0:
            return [os.path.join(root, p) for p in r.stdout.decode().split("\0") if p]
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and d != "build" and not d.startswith("build-")]
        files += [os.path.join(folder, n) for n in names]
    return files


def markdown_pages(root: str) -> list[str]:
    pages = [os.path.join(root, p) for p in ("README.md", "CHANGELOG.md") if os.path.exists(os.path.join(root, p))]
    for folder, _, names in os.walk(os.path.join(root, "docs")):
        pages += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".md")]
    return sorted(pages)


def prose_lines(text: str):
    """(line number, line) of a Markdown text outside fenced code blocks, with inline code blanked."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if fence is None and (stripped.startswith("```") or stripped.startswith("~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        yield number, re.sub(r"(`+)(?:(?!\1).)+\1", lambda m: " " * len(m.group(0)), line)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: str) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    fence = None
    for line in open(path, encoding="utf-8").read().splitlines():
        stripped = line.lstrip()
        if stripped.startswith("```"):
            fence = None if fence else "```"
            continue
        if fence:
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            result.add(base if n == 0 else f"{base}-{n}")
    return result


def check_links(root: str, findings: Findings) -> None:
    root_real = os.path.realpath(root)
    for page in markdown_pages(root):
        text = open(page, encoding="utf-8").read()
        for number, line in prose_lines(text):
            targets = [m.group(1) for m in LINK.finditer(line)] + [m.group(1) for m in HTML_SOURCE.finditer(line)]
            m = REFERENCE_LINK.match(line)
            if m:
                targets.append(m.group(1))
            for target in targets:
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
                    continue
                path_part, _, fragment = target.partition("#")
                resolved = page if not path_part else os.path.normpath(os.path.join(os.path.dirname(page), path_part))
                if not os.path.realpath(resolved).startswith(root_real + os.sep) and \
                        os.path.realpath(resolved) != root_real:
                    findings.add(page, number, f"link '{target}' points outside the repository")
                    continue
                if not os.path.exists(resolved):
                    findings.add(page, number, f"link '{target}' does not resolve ({os.path.relpath(resolved, root)} "
                                               f"does not exist)")
                    continue
                if fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                    findings.add(page, number, f"link '{target}': no heading with anchor '#{fragment}' in "
                                               f"{os.path.relpath(resolved, root)}")


def check_cli(root: str, gpiqa: str, findings: Findings) -> None:
    page = os.path.join(root, "docs", "reference", "cli.md")
    script = os.path.join(root, "scripts", "make-cli-reference.sh")
    if not os.access(gpiqa, os.X_OK):
        findings.add(page, None, f"cannot check it against the binary's help: {gpiqa} is not built "
                                 f"(build it, or give --gpiqa BINARY or --skip-cli)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "cli.md")
        r = subprocess.run(["bash", script, gpiqa, fresh], capture_output=True, text=True)
        if r.returncode != 0:
            findings.add(script, None, f"failed: {r.stderr.strip() or r.returncode}")
            return
        want = open(fresh, encoding="utf-8").read().splitlines()
    if not os.path.exists(page):
        findings.add(page, None, "missing (write it with scripts/make-cli-reference.sh)")
        return
    have = open(page, encoding="utf-8").read().splitlines()
    if have != want:
        line = next((i + 1 for i, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want)) + 1)
        findings.add(page, line, "differs from the binary's help (regenerate it: scripts/make-cli-reference.sh)")


def parser_keys(source: str, findings: Findings) -> dict[str, int]:
    """Every key path the campaign parser accepts, with the line of its only_keys list."""
    text = open(source, encoding="utf-8").read()
    functions = [(m.start(), m.group(1)) for m in FUNCTION.finditer(text)]
    keys: dict[str, int] = {}
    for m in ONLY_KEYS.finditer(text):
        if m.group(1) == "n" and m.group(2) == "what" and m.group(3).strip() == "allowed":
            continue  # the definition of only_keys itself
        line = text.count("\n", 0, m.start()) + 1
        label = m.group(2)
        if label.startswith('"'):
            prefix = SECTIONS.get(label.strip('"'))
        else:
            enclosing = [name for start, name in functions if start < m.start()]
            prefix = FUNCTION_SECTIONS.get(enclosing[-1]) if enclosing else None
        if prefix is None:
            findings.add(source, line, f"cannot tell which section of the campaign only_keys({label}, ...) checks "
                                       f"(scripts/check-docs.py knows {', '.join(SECTIONS)} and "
                                       f"{', '.join(FUNCTION_SECTIONS)})")
            continue
        for key in re.findall(r"\"([^\"]+)\"", m.group(3)):
            keys[prefix + key] = line
    if not keys:
        findings.add(source, None, "found no only_keys(...) lists: the check of docs/reference/campaign.md "
                                   "needs another source of the accepted keys")
    return keys


def check_campaign_keys(root: str, findings: Findings) -> None:
    source = os.path.join(root, "src", "campaign", "campaign_spec.cpp")
    page = os.path.join(root, "docs", "reference", "campaign.md")
    if not os.path.exists(source):
        findings.add(source, None, "missing: the check of docs/reference/campaign.md reads the accepted keys there")
        return
    accepted = parser_keys(source, findings)
    if not os.path.exists(page):
        findings.add(page, None, f"missing: it must document the {len(accepted)} keys the campaign parser accepts")
        return
    documented: dict[str, int] = {}
    for number, line in enumerate(open(page, encoding="utf-8").read().splitlines(), 1):
        m = KEY_ROW.match(line)
        if m:
            documented.setdefault(m.group(1), number)
    for key in sorted(set(accepted) - set(documented)):
        findings.add(page, None, f"key '{key}' is accepted by the campaign parser "
                                 f"(src/campaign/campaign_spec.cpp:{accepted[key]}) but not documented")
    for key in sorted(set(documented) - set(accepted)):
        findings.add(page, documented[key], f"key '{key}' is documented but the campaign parser does not accept it")


def check_machine_paths(root: str, findings: Findings) -> None:
    for path in repository_files(root):
        try:
            data = open(path, "rb").read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue  # binary (figures)
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            m = MACHINE_PATH.search(line)
            if m and ALLOW_PATH_MARKER not in line:
                findings.add(path, number, f"absolute path of a build machine ('{m.group(1)}...'); write it "
                                           f"relative, or mark the line as an example with '{ALLOW_PATH_MARKER}'")


def check_readme(root: str, findings: Findings) -> None:
    readme = os.path.join(root, "README.md")
    if not os.path.exists(readme):
        findings.add(readme, None, "missing")
        return
    lines = open(readme, encoding="utf-8").read().splitlines()
    if not lines or lines[0] != "# gpiqa":
        findings.add(readme, 1, "does not start with '# gpiqa'")
    if len(lines) > README_MAX_LINES:
        findings.add(readme, None, f"has {len(lines)} lines, more than {README_MAX_LINES}: move the detail into docs/")


def check_issue_numbers(root: str, findings: Findings) -> None:
    for page in markdown_pages(root):
        for number, line in prose_lines(open(page, encoding="utf-8").read()):
            if line.lstrip().startswith("#"):
                line = line.lstrip().lstrip("#")
            m = ISSUE_NUMBER.search(line)
            if m:
                findings.add(page, number, f"issue number '{m.group(0)}': the docs describe the product, not its "
                                           f"tracker")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--gpiqa", default=None, help="the gpiqa binary (default: $GPIQA_BINARY, else build/bin/gpiqa)")
    parser.add_argument("--skip-cli", action="store_true", help="do not compare docs/reference/cli.md with the binary")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    gpiqa = args.gpiqa or os.environ.get("GPIQA_BINARY") or os.path.join(root, "build", "bin", "gpiqa")
    findings = Findings(root)
    check_readme(root, findings)
    check_links(root, findings)
    check_issue_numbers(root, findings)
    check_campaign_keys(root, findings)
    if not args.skip_cli:
        check_cli(root, gpiqa, findings)
    check_machine_paths(root, findings)
    for line in findings.lines:
        print(line)
    if findings.lines:
        print(f"check-docs: {len(findings.lines)} finding(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
