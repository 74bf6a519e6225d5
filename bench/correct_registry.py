#!/usr/bin/env python3
"""Makes next month's export from a registry CSV (as bench/gen_registry.py writes it): the same
records with deterministic corrections, as a registry re-sends them.

  python3 bench/correct_registry.py IN.csv OUT.csv [--fraction 0.01 | --count N] [--seed 7]

Picks about FRACTION of the records (or N of them; seeded, so the same arguments give the same
file) and applies one correction to each, in turn:
  date      diagnosis_date one day earlier
  grade     grade G1<->G2 (G3 -> G2) when present, and Ki-67 + 0.1
  code      histology 8240/3 <-> 8249/3 (records with another histology are passed over)
  treatment the record's last treatment removed (a fact removed)
  tumor     a tumor of a patient with two or more removed (a record removed)
  patient   every record of the patient removed (needs --delete-missing-patients to leave the server)
  add       a new patient (a copy of the record under a new patient_id, placed last)
Prints what it did (counts per kind) on stderr; no patient values.
"""
import argparse
import csv
import datetime
import random
import sys

KINDS = ["date", "grade", "code", "treatment", "tumor", "patient", "add"]


def earlier(date):
    try:
        return (datetime.date.fromisoformat(date) - datetime.timedelta(days=1)).isoformat()
    except ValueError:
        return None


def correct(row, kind):
    """Applies an in-place correction; False when the record offers nothing for this kind."""
    if kind == "date":
        d = earlier(row["diagnosis_date"])
        if d is None:
            return False
        row["diagnosis_date"] = d
    elif kind == "grade":
        if not row["ki67_percent"] and row["grade"] not in ("G1", "G2", "G3"):
            return False
        row["grade"] = {"G1": "G2", "G2": "G1", "G3": "G2"}.get(row["grade"], row["grade"])
        if row["ki67_percent"]:
            row["ki67_percent"] = f"{float(row['ki67_percent']) + 0.1:.1f}"
    elif kind == "code":
        swap = {"8240/3": "8249/3", "8249/3": "8240/3"}
        if row["histology"] not in swap:
            return False
        row["histology"] = swap[row["histology"]]
    elif kind == "treatment":
        items = [t for t in row["treatments"].split("|") if t]
        if not items:
            return False
        row["treatments"] = "|".join(items[:-1])
    return True


def pick(rows, args):
    rng = random.Random(args.seed)
    want = args.count if args.count is not None else max(len(KINDS), round(len(rows) * args.fraction))
    order = list(range(len(rows)))
    rng.shuffle(order)
    return order, want


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--fraction", type=float, default=0.01)
    ap.add_argument("--count", type=int)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with open(args.input, newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    tumors = {}
    for r in rows:
        tumors[r["patient_id"]] = tumors.get(r["patient_id"], 0) + 1
    order, want = pick(rows, args)
    drop_rows, drop_patients, added, done = set(), set(), [], {k: 0 for k in KINDS}
    touched = set()  # one correction per patient, so each is seen on its own
    k = 0
    for i in order:
        if sum(done.values()) >= want:
            break
        row, kind = rows[i], KINDS[k % len(KINDS)]
        pid = row["patient_id"]
        if pid in touched:
            continue
        if kind == "tumor":
            ok = tumors[pid] > 1
            if ok:
                drop_rows.add(i)
        elif kind == "patient":
            ok = True
            drop_patients.add(pid)
        elif kind == "add":
            ok = True
            new = dict(row, patient_id=f"ADD{len(added) + 1:08d}", tumor_id="1")
            added.append(new)
        else:
            ok = correct(row, kind)
        if ok:
            touched.add(pid)
            done[kind] += 1
            k += 1
    out = [r for i, r in enumerate(rows) if i not in drop_rows and r["patient_id"] not in drop_patients] + added
    with open(args.output, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print("corrections: " + " ".join(f"{k}={v}" for k, v in done.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
