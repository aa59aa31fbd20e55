#!/usr/bin/env python3
"""Converts the person-name benchmark's datasets to the common JSONL format.

Usage: convert.py OUTDIR [--devset DIR] [--pii DIR] [--notices DIR] [--limit N]

Writes OUTDIR/<set>.jsonl, one line per text:
    {"id": str, "text": str, "persons": [[start, end], ...], "kind": str?}
with Unicode code-point offsets (Python str indexes), and prints one line
per set written (name, texts, words, gold person spans) on stderr. A source
that is missing is skipped with a note.

Sets:
  names-dev, names-test   DIR/names-dev.jsonl, DIR/names-test.jsonl: already
                          in the common format (validated and copied; their
                          "kind" field, if any, is kept, and so are its
                          "initials" and "pseudonyms" span lists)
  pr-synth-v2             presidio-research-synth_dataset_v2.json (1,500
                          synthetic sentences)
  pr-generated-small      presidio-research-generated_small.json (100)
                          For both: PERSON spans are the gold; every other
                          entity type is unlabelled text.
  privacy-notices         the five UK housing privacy notices, one text each;
                          the only real person named in them is Wolverhampton
                          Homes' data protection officer ("Data Protection
                          Officer: Nicky Devey" in 003_*), the single gold span.
"""
import json
import os
import sys

PR_SETS = [
    ("pr-synth-v2", "presidio-research-synth_dataset_v2.json"),
    ("pr-generated-small", "presidio-research-generated_small.json"),
]
# Optional span lists of the devset that are neither names nor non-names
# (see score.py): kept as they are.
NEUTRAL_KEYS = ("initials", "pseudonyms")
# Real people named in ../shared/privacy-notices (checked by reading all
# five): file prefix -> list of names. Every occurrence of each is gold.
NOTICE_PEOPLE = {"003_": ["Nicky Devey"]}


def note(msg):
    print(msg, file=sys.stderr)


def validate(rows, where):
    seen = set()
    for r in rows:
        if not isinstance(r.get("id"), str) or not isinstance(r.get("text"), str):
            raise SystemExit(f"{where}: a row without a string id and text: {str(r)[:200]}")
        if r["id"] in seen:
            raise SystemExit(f"{where}: duplicate id {r['id']!r}")
        seen.add(r["id"])
        n = len(r["text"])
        for sp in [sp for key in ("persons",) + NEUTRAL_KEYS for sp in r.get(key, [])]:
            s, e = sp[0], sp[1]
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n):
                raise SystemExit(f"{where}: id {r['id']!r}: bad span {sp} (text length {n})")


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{ln}: {e}")
    return rows


def devset(path):
    rows = load_jsonl(path)
    out = []
    for r in rows:
        row = {"id": str(r["id"]), "text": r["text"],
               "persons": [[int(sp[0]), int(sp[1])] for sp in r.get("persons", [])]}
        if r.get("kind") is not None:
            row["kind"] = str(r["kind"])
        for key in NEUTRAL_KEYS:
            if r.get(key):
                row[key] = [[int(sp[0]), int(sp[1])] for sp in r[key]]
        out.append(row)
    return out


def presidio_research(path, prefix):
    rows = json.load(open(path, encoding="utf-8"))
    out, realigned, dropped = [], 0, 0
    for i, r in enumerate(rows):
        text = r["full_text"]
        persons = []
        for sp in r["spans"]:
            if sp["entity_type"] != "PERSON":
                continue
            s, e, val = sp["start_position"], sp["end_position"], sp["entity_value"]
            if text[s:e] != val:
                # One span in generated_small is off by one ("Mrs. Ayers"):
                # take the occurrence of the value nearest the stated start.
                cands = [j for j in range(len(text)) if text.startswith(val, j)]
                if not cands:
                    dropped += 1
                    continue
                s = min(cands, key=lambda j: abs(j - s))
                e = s + len(val)
                realigned += 1
            persons.append([s, e])
        out.append({"id": f"{prefix}-{i:04d}", "text": text, "persons": sorted(persons)})
    if realigned or dropped:
        note(f"  {os.path.basename(path)}: {realigned} PERSON span(s) realigned to their value, {dropped} dropped")
    return out


def notices(d):
    out = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".txt"):
            continue
        text = open(os.path.join(d, name), encoding="utf-8").read()
        persons = []
        for prefix, people in NOTICE_PEOPLE.items():
            if name.startswith(prefix):
                for who in people:
                    j = text.find(who)
                    if j < 0:
                        note(f"  {name}: expected {who!r}, not found")
                    while j >= 0:
                        persons.append([j, j + len(who)])
                        j = text.find(who, j + 1)
        out.append({"id": name, "text": text, "persons": sorted(persons), "kind": "privacy-notice"})
    return out


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        raise SystemExit(__doc__)
    outdir = args[0]

    def opt(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    limit = int(opt("--limit", "0"))
    os.makedirs(outdir, exist_ok=True)
    sets = []
    dev = opt("--devset")
    if dev:
        for name in ["names-dev", "names-test"]:
            p = os.path.join(dev, name + ".jsonl")
            if os.path.exists(p):
                sets.append((name, devset(p)))
            else:
                note(f"  no {p}: set {name} skipped")
    pii = opt("--pii")
    if pii:
        for name, fname in PR_SETS:
            p = os.path.join(pii, fname)
            if os.path.exists(p):
                sets.append((name, presidio_research(p, name)))
            else:
                note(f"  no {p}: set {name} skipped")
    nd = opt("--notices")
    if nd:
        if os.path.isdir(nd):
            sets.append(("privacy-notices", notices(nd)))
        else:
            note(f"  no {nd}: set privacy-notices skipped")
    for name, rows in sets:
        if limit:
            rows = rows[:limit]
        validate(rows, name)
        with open(os.path.join(outdir, name + ".jsonl"), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        words = sum(len(r["text"].split()) for r in rows)
        gold = sum(len(r["persons"]) for r in rows)
        note(f"  {name}: {len(rows)} texts, {words} words, {gold} gold person spans")
        print(name)


if __name__ == "__main__":
    main()
