#!/usr/bin/env python3
"""What `meson install` lays out, and the manual page it installs.

Usage: check_install.py --build DIR --source DIR [CHECK...]

  layout  `meson install --destdir TMP` puts bin/sobt (the built binary, byte
          for byte), share/man/man1/sobt.1 (man/sobt.1) and share/sobt/tools/
          with exactly the scripts/*.bt of the source tree, under the prefix.
  man     `man --warnings -l man/sobt.1` renders the page without a warning.
  options every option sobt parses (cli/options.c) is in `sobt --help`, in
          README.md's option table and in the manual page.

Prints "ok NAME" or "FAIL NAME" with the reason, then "N passed, N failed";
exits non-zero on any failure.
"""
import argparse
import filecmp
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import TestFailure  # noqa: E402


def meson_prefix(build):
    """The configured prefix, from meson's introspection data."""
    options = json.loads((build / "meson-info" / "intro-buildoptions.json").read_text())
    for option in options:
        if option["name"] == "prefix":
            return option["value"]
    raise TestFailure("no prefix in %s" % build)


def check_layout(build, source):
    prefix = meson_prefix(build).lstrip("/")
    with tempfile.TemporaryDirectory(prefix="sobt-install-") as dest:
        proc = subprocess.run(["meson", "install", "-C", str(build), "--no-rebuild",
                               "--destdir", dest], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise TestFailure("meson install failed:\n%s%s" % (proc.stdout, proc.stderr))
        root = pathlib.Path(dest) / prefix
        binary = root / "bin" / "sobt"
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            raise TestFailure("no executable %s" % binary)
        if not filecmp.cmp(binary, build / "cli" / "sobt", shallow=False):
            raise TestFailure("%s is not the sobt that was built" % binary)
        man = root / "share" / "man" / "man1" / "sobt.1"
        if not man.is_file() or man.read_bytes() != (source / "man" / "sobt.1").read_bytes():
            raise TestFailure("%s is missing or differs from man/sobt.1" % man)
        tools = root / "share" / "sobt" / "tools"
        installed = sorted(p.name for p in tools.glob("*")) if tools.is_dir() else []
        wanted = sorted(p.name for p in (source / "scripts").glob("*.bt"))
        if installed != wanted:
            raise TestFailure("%s holds %s, scripts/ has %s" % (tools, installed, wanted))
        for name in wanted:
            if (tools / name).read_bytes() != (source / "scripts" / name).read_bytes():
                raise TestFailure("%s differs from scripts/%s" % (tools / name, name))


def check_man(build, source):
    env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8")
    proc = subprocess.run(["man", "--warnings", "-l", str(source / "man" / "sobt.1")],
                          capture_output=True, text=True, env=env, timeout=60)
    if proc.returncode != 0 or proc.stderr:
        raise TestFailure("man exit status %d, stderr:\n%s" % (proc.returncode, proc.stderr))
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "OUTPUT FORMATS",
                    "EXIT STATUS", "FILES"):
        if not re.search(r"^%s$" % section, proc.stdout, re.M):
            raise TestFailure("the rendered page has no %s section" % section)


def parsed_options(source):
    """Every option cli/options.c gives getopt: short ones from its option
    string, long ones from its table."""
    text = (source / "cli" / "options.c").read_text()
    short = re.search(r'getopt_long\(argc, argv, "\+([^"]*)"', text)
    if not short:
        raise TestFailure("cannot find the getopt string in cli/options.c")
    options = ["-" + c for c in short.group(1) if c != ":"]
    options += ["--" + name for name in re.findall(r'\{"([a-z-]+)", (?:no|required)_argument',
                                                   text)]
    return options


def check_options(build, source):
    help_text = subprocess.run([str(build / "cli" / "sobt"), "--help"], capture_output=True,
                               text=True, timeout=60).stdout
    readme = (source / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `-"))
    man = (source / "man" / "sobt.1").read_text().replace("\\-", "-")
    missing = []
    for option in parsed_options(source):
        pattern = r"(?<![\w-])%s(?![\w-])" % re.escape(option)
        for where, text in (("--help", help_text), ("README.md's table", table),
                            ("man/sobt.1", man)):
            if not re.search(pattern, text):
                missing.append("%s not in %s" % (option, where))
    if missing:
        raise TestFailure("; ".join(missing))


CHECKS = {"layout": check_layout, "man": check_man, "options": check_options}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True, type=pathlib.Path)
    parser.add_argument("--source", required=True, type=pathlib.Path)
    parser.add_argument("checks", nargs="*")
    args = parser.parse_args()
    build, source = args.build.resolve(), args.source.resolve()
    sys.exit(harness.run_cases(args.checks or list(CHECKS),
                               lambda name: CHECKS[name](build, source)))


if __name__ == "__main__":
    main()
