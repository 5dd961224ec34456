#!/usr/bin/env python3
"""Two smtp-probe builds side by side on every lab case: their JSON must be the same.

For a change that must not change behaviour (a restructuring), run the previous build and the
new one on each case of lab_test.py (check and diagnose) and compare their --format json output
after removing what differs from run to run: timings, the queue ids Postfix assigns, ports of
diagnose's own choosing are the lab's and stay. Cases that probe a rate limit (attempts > 1) are
skipped: their verdict depends on what ran before them.

    compare_json.py --old PATH --new PATH [--lab SCRIPT] [CASE...]

Exit 0 when every case gives the same JSON; else each difference is printed as a JSON path.
"""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_test  # noqa: E402

TIMING_KEYS = {"duration_ms", "at_ms", "took_ms", "elapsed_ms"}
QUEUE_ID = re.compile(r"(queued as |queue id )[0-9A-Za-z]+")


def normalised(value):
    if isinstance(value, dict):
        return {k: ("<timing>" if k in TIMING_KEYS else normalised(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str):
        return QUEUE_ID.sub(r"\1<id>", value)
    return value


def differences(a, b, path="$"):
    if type(a) is not type(b):
        return [f"{path}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"]
    if isinstance(a, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'new' if key in b else 'old'}")
            else:
                out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"]


def run(case, probe, env, command):
    _, result, _ = lab_test.probe_once(case, probe, env, command, timeout=100)
    try:
        return result.returncode, normalised(json.loads(result.stdout))
    except json.JSONDecodeError:
        return result.returncode, {"stdout": result.stdout[:2000], "stderr": result.stderr[:2000]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", required=True)
    parser.add_argument("--lab", default=str(Path(__file__).resolve().parents[2] / "scripts/lab"))
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    env = lab_test.lab_env(args.lab)
    cases = [(c, "check") for c in lab_test.CASES] + \
            [(c, "diagnose") for c in lab_test.DIAGNOSE_CASES]
    if args.cases:
        cases = [(c, k) for c, k in cases if c.name in args.cases]
    compared = skipped = 0
    failed = []
    for case, command in cases:
        if getattr(case, "attempts", 1) > 1:
            skipped += 1
            continue
        old_exit, old = run(case, args.old, env, command)
        new_exit, new = run(case, args.new, env, command)
        diffs = differences(old, new)
        if old_exit != new_exit:
            diffs.insert(0, f"exit: {old_exit} != {new_exit}")
        compared += 1
        if diffs:
            failed.append(case.name)
            print(f"DIFFERENT {command} {case.name}:")
            for d in diffs[:40]:
                print(f"  {d}")
        else:
            print(f"same      {command} {case.name}")
    print(f"compare_json: {compared} cases compared, {skipped} skipped (rate limits), "
          f"{len(failed)} different{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
