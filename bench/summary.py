#!/usr/bin/env python3
"""Reads the `ROW name stoop=MS ref=MS ... mem=KB` lines the bench scripts print and prints issue
21's table: each row as a ratio to its reference and whether its target is met.

A row's target is decided here, by name, from the two measured numbers; the scripts' own ratio
fields are ignored so that every row is judged the same way.
"""
import sys

# name: (what is measured, reference, kind, bound, memory bound in MB or None)
#   kind "max_ratio": stoop/ref <= bound; "min_speedup": ref/stoop >= bound;
#   "max_ms": stoop <= bound milliseconds (the reference is shown for scale only).
TARGETS = {
    "get-table": ("rpkg get --offline, 12,000 revisions", "git for-each-ref", "max_ms", 300, None),
    "get-json": ("rpkg get --offline -o json", "the table", "max_ratio", 2.0, 150),
    "get-yaml": ("rpkg get --offline -o yaml", "the table", "max_ratio", 2.0, 150),
    "register-refs": ("repo register, 11,001 refs", "git clone --bare --no-local", "max_ratio", 1.5, None),
    "register-history": ("repo register, 5,000 commits", "git clone --bare", "max_ratio", 1.5, None),
    "pkg-get": ("pkg get of one tag", "kpt pkg get", "max_ratio", 1.0, None),
    "repo-sync": ("repo sync, 1,500 new commits", "git fetch", "max_ratio", 1.5, None),
    "source-sink": ("fn source | fn sink, 3,000 resources", "kpt", "min_speedup", 10.0, None),
}


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    rows = {}
    for line in sys.stdin:
        words = line.split()
        if len(words) < 2 or words[0] != "ROW":
            continue
        fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        fields["skipped"] = "skipped" in words
        rows[words[1]] = fields

    print()
    print(f"{'work':40} {'stoop':>9} {'reference':>30} {'ratio':>13} {'target':>19} {'peak':>8}  met")
    failures = 0
    for name, (what, ref_name, kind, bound, mem_bound) in TARGETS.items():
        row = rows.get(name)
        if row is None or row["skipped"]:
            print(f"{what:40} {'-':>9} {ref_name:>30} {'-':>13} {'':>19} {'':>8}  not measured")
            continue
        stoop, ref = number(row.get("stoop", "")), number(row.get("ref", ""))
        mem = number(row.get("mem", ""))
        ratio_text, target_text, met = "-", "", None
        if kind == "max_ms":
            target_text = f"<= {bound} ms"
            met = stoop is not None and stoop <= bound
            if stoop is not None and ref:
                ratio_text = f"{stoop / ref:.1f}x"
        elif stoop is not None and ref:
            if kind == "max_ratio":
                ratio = stoop / ref
                ratio_text, target_text, met = f"{ratio:.2f}x", f"<= {bound}x", ratio <= bound
            else:
                speedup = ref / max(stoop, 1)
                ratio_text = f"{speedup:.1f}x faster"
                target_text, met = f">= {bound:g}x faster", speedup >= bound
        if mem_bound is not None:
            target_text += f", < {mem_bound} MB"
            met = met and mem is not None and mem / 1024 < mem_bound
        ref_text = f"{ref_name} {row.get('ref', '-')} ms" if ref else f"{ref_name} -"
        mem_text = f"{mem / 1024:.0f} MB" if mem is not None else "-"
        verdict = "-" if met is None else ("yes" if met else "NO")
        failures += met is False
        stoop_text = f"{stoop:.0f} ms" if stoop is not None else "-"
        print(f"{what:40} {stoop_text:>9} {ref_text:>30} {ratio_text:>13} {target_text:>19} {mem_text:>8}  {verdict}")
    print(f"\n{failures} target(s) not met" if failures else "\nevery measured target met")


if __name__ == "__main__":
    main()
