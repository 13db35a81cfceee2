#!/usr/bin/env python3
"""Full maps and failing helpers, against bpftrace 0.17: map sizes from
BPFTRACE_MAP_KEYS_MAX (and sobt's config = { max_map_keys = N }, which 0.17
lacks), and the warnings of -k and -kk. stdout, stderr and the exit status
are compared byte for byte, in text and in JSON (-f json); only bpftrace's own noise (its RLIMIT_MEMLOCK
complaint, "Addrspace is not set") is left out of its stderr.

Usage: map_limits.py SOBT [NAME]...

A case that uses the config block runs bpftrace on the same program with
the config line blanked (line numbers stay put) and the limit in the
environment instead. Ends with "N passed, N failed"; needs root.
"""
import os
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

ASSIGNMENTS = "BEGIN { @[1]=1; @[2]=2; @[3]=3; exit(); }"
# Every kind of map, each given one key more than it may hold; no two
# entries of a map share a value (bpftrace orders ties arbitrarily). avg and
# stats are left out: 0.17 keeps each of their keys as two entries (count,
# total), so its avg and stats maps fill at half the keys; sobt keeps one.
EVERY_MAP = ("BEGIN { @c[1] = count(); @c[1] = count(); @c[2] = count(); @c[3] = count();"
             " @s[1] = sum(5); @s[2] = sum(6); @s[3] = sum(7);"
             " @mn[1] = min(5); @mn[2] = min(6); @mn[3] = min(7);"
             " @mx[1] = max(5); @mx[2] = max(6); @mx[3] = max(7);"
             " @h = hist(1); @h = hist(2); @h = hist(2); @h = hist(4);"
             " @l = lhist(1, 0, 10, 1); @l = lhist(2, 0, 10, 1); @l = lhist(2, 0, 10, 1);"
             " @l = lhist(3, 0, 10, 1);"
             " @str[1] = \"a\"; @str[2] = \"b\"; @str[3] = \"c\"; exit(); }")
FORMS = ("BEGIN { @a[1]=1; @a[2] = 3 + 4; @a[3]++; @a[4] += 5; @b[1]=count(); @b[2]=count();"
         " exit(); }")
READS = ("BEGIN { @x[1] = 1; $a = @x[5]; delete(@x[7]); @x[2] = @x[1] + 1;"
         " printf(\"%d\\n\", $a); exit(); }")

# name: (command-line options, environment, sobt's program, bpftrace's program or None
#        for the same)
CASES = {
    # the limit alone: the third key is dropped silently
    "keys_max_env": ([], {"BPFTRACE_MAP_KEYS_MAX": "2"}, ASSIGNMENTS, None),
    # -k says so, pointing at the '=' as 0.17 does (from the '@': 1:25-30)
    "keys_max_k": (["-k"], {"BPFTRACE_MAP_KEYS_MAX": "2"}, ASSIGNMENTS, None),
    "every_map_k": (["-k"], {"BPFTRACE_MAP_KEYS_MAX": "2"}, EVERY_MAP, None),
    "assignment_forms_k": (["-k"], {"BPFTRACE_MAP_KEYS_MAX": "1"}, FORMS, None),
    "multi_line_k": (["-k"], {"BPFTRACE_MAP_KEYS_MAX": "1"},
                     "BEGIN {\n  @[1] = 1;\n    @[2]=2;\n  exit();\n}", None),
    # -k leaves out reads and lookups; -kk reports them too
    "reads_k": (["-k"], {}, READS, None),
    "reads_kk": (["-kk"], {}, READS, None),
    "read_modify_kk": (["-kk"], {}, "BEGIN { @a[2]++; @b += 3; exit(); }", None),
    # config = { max_map_keys = N } sizes the maps...
    "config_max_map_keys": (["-k"], {}, "config = { max_map_keys = 2 }\n" + ASSIGNMENTS,
                            "\n" + ASSIGNMENTS),
    # ... and the environment wins over it, as in current bpftrace
    "env_over_config": (["-k"], {"BPFTRACE_MAP_KEYS_MAX": "2"},
                        "config = { max_map_keys = 100 }\n" + ASSIGNMENTS, "\n" + ASSIGNMENTS),
    # --no-warnings silences -k's warnings in text, as in 0.17
    "keys_max_k_no_warnings": (["-k", "--no-warnings"], {"BPFTRACE_MAP_KEYS_MAX": "2"},
                               ASSIGNMENTS, None),
}
# -f json: every case above again, the warnings as helper_error records
# (which --no-warnings leaves in, as 0.17 does).
for _name, (_options, _env, _program, _reference) in list(CASES.items()):
    CASES[_name + "_json"] = (_options + ["-f", "json"], _env, _program, _reference)
# bpftrace gets the limit the config block gives sobt.
BPFTRACE_ENV = {"config_max_map_keys": {"BPFTRACE_MAP_KEYS_MAX": "2"},
                "config_max_map_keys_json": {"BPFTRACE_MAP_KEYS_MAX": "2"}}

# A failed memory read is reported by -kk only. bpftrace 0.17 reads an
# address of unknown kind with the old probe_read_str (-EFAULT) where sobt
# reads kernel memory (-ERANGE below the kernel's addresses), so only the
# presence of the warning is checked here: name: (options, warning expected).
READ_FAILURE = 'BEGIN { $s = str(0); printf("[%s]\\n", $s); exit(); }'
READ_WARNING = r"^stdin:1:14-20: WARNING: Failed to probe_read_kernel_str: .* \(-\d+\)$"
READ_CASES = {"probe_read_k": (["-k"], False), "probe_read_kk": (["-kk"], True)}


def run(tool, options, env, program):
    full_env = dict(os.environ)
    full_env.pop("BPFTRACE_MAP_KEYS_MAX", None)
    full_env.update(env)
    result = harness.run([tool] + options + ["-e", program], 60, env=full_env)
    result.raise_if_timed_out()
    return result.status, result.out, harness.drop_noise(result.err)


def check_read(sobt, name, tally):
    options, expected = READ_CASES[name]
    status, out, err = run(sobt, options, {}, READ_FAILURE)
    found = re.search(READ_WARNING, out, re.M) is not None
    if status == 0 and found == expected and "[]" in out:
        tally.ok(name)
    else:
        tally.fail("%s: a read warning %s expected; exit status %s"
                   % (name, "was" if expected else "was not", status),
                   "stdout:\n%sstderr:\n%s" % (out, err))


def check_against_bpftrace(sobt, name, tally):
    options, env, program, reference = CASES[name]
    expected = run(harness.BPFTRACE, options, BPFTRACE_ENV.get(name, env),
                   reference if reference is not None else program)
    got = run(sobt, options, env, program)
    if got == expected:
        tally.ok(name)
    else:
        tally.fail(name, "\n".join("--- %s: exit status %s\nstdout:\n%sstderr:\n%s"
                                   % (label, status, out, err)
                                   for label, (status, out, err)
                                   in (("bpftrace", expected), ("sobt", got))))


def main():
    sobt, names = harness.sobt_and_names(list(CASES) + list(READ_CASES))
    harness.require(root="both tracers load BPF programs", executables=[sobt, harness.BPFTRACE])
    tally = harness.Tally()
    for name in names:
        check = check_read if name in READ_CASES else check_against_bpftrace
        try:
            check(sobt, name, tally)
        except harness.TestFailure as failure:  # a run timed out
            tally.fail(name, "  %s" % failure)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
