#!/usr/bin/env python3
"""Person-name scorer: gold JSONL + predictions JSONL -> P/R/F1.

Usage: score.py GOLD.jsonl PRED.jsonl [--json OUT.json] [--verbose]

GOLD lines: {"id": str, "text": str, "persons": [[s, e], ...], "kind": str?,
             "initials": [[s, e], ...]?, "pseudonyms": [[s, e], ...]?}
PRED lines: {"id": str, "persons": [[s, e], ...]}
Offsets are Unicode code points (Python str indexes), end exclusive.

Overlap matching (as benches/presidio/compare.py):
  precision = predictions that overlap some gold span / predictions
  recall    = gold spans that some prediction overlaps / gold spans
  F1        = harmonic mean of the two
  (null in the JSON, "—" in tables, where undefined: no prediction, no gold)
  false names per 1,000 words = predictions overlapping no gold span per
              1,000 whitespace-separated words of text
Spans listed under "initials" (e.g. "JH" for an action's owner in minutes)
or "pseudonyms" are neutral: a prediction overlapping one and no person
span is left out of the counts (it is neither right nor wrong), and they
are not in the recall; "neutral_pred" and "neutral_found" count those
predictions and the neutral spans found.
"mid_word_pred_spans" counts predictions that start or end inside a word
(a sign of byte offsets). "exact" in the JSON gives the same with exact boundaries. Scores are given
for the whole file and, when gold rows have a "kind", per kind. The 30 most
frequent false-positive surface strings and missed gold strings go into the
JSON (printed only with --verbose). Gold ids with no prediction line count
as predicting nothing; a prediction id not in the gold is an error.
"""
import collections
import json
import sys

TOP = 30
NEUTRAL_KEYS = ("initials", "pseudonyms")


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def spans(row):
    out = []
    for sp in row.get("persons") or []:
        if isinstance(sp, dict):
            sp = (sp["start"], sp["end"])
        out.append((int(sp[0]), int(sp[1])))
    return out


def overlaps(a, b, c, d):
    return a < d and c < b


def prf(tp_pred, n_pred, tp_gold, n_gold):
    """None where undefined: P with no prediction, R with no gold span, F1
    when either is."""
    p = tp_pred / n_pred if n_pred else None
    r = tp_gold / n_gold if n_gold else None
    f = None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
    return p, r, f


def f3(x):
    return "—" if x is None else f"{x:.3f}"


class Tally:
    def __init__(self):
        self.docs = self.words = self.gold = self.pred = 0
        self.tp_pred = self.tp_gold = self.ex_pred = self.ex_gold = 0
        self.fp = collections.Counter()
        self.fn = collections.Counter()
        self.bad = self.mid = 0
        self.neutral = self.neutral_pred = self.neutral_found = 0

    def add(self, text, gold, pred, neutral=()):
        n = len(text)
        if neutral:
            self.neutral_found += sum(1 for c, d in neutral if any(overlaps(s, e, c, d) for s, e in pred))
            keep = [(s, e) for s, e in pred
                    if any(overlaps(s, e, c, d) for c, d in gold)
                    or not any(overlaps(s, e, c, d) for c, d in neutral)]
            self.neutral_pred += len(pred) - len(keep)
            self.neutral += len(neutral)
            pred = keep
        # A span outside its text (byte offsets, say) is still scored, and counted.
        self.bad += sum(1 for s, e in pred if not 0 <= s < e <= n)
        # A span that starts or ends inside a word: a sign of byte offsets.
        self.mid += sum(1 for s, e in pred if 0 < s < n and text[s - 1].isalnum() and text[s].isalnum()
                        or 0 < e < n and text[e - 1].isalnum() and text[e].isalnum())
        self.docs += 1
        self.words += len(text.split())
        self.gold += len(gold)
        self.pred += len(pred)
        gset, pset = set(gold), set(pred)
        for s, e in pred:
            if any(overlaps(s, e, c, d) for c, d in gold):
                self.tp_pred += 1
            else:
                self.fp[text[s:e]] += 1
            self.ex_pred += (s, e) in gset
        for c, d in gold:
            if any(overlaps(s, e, c, d) for s, e in pred):
                self.tp_gold += 1
            else:
                self.fn[text[c:d]] += 1
            self.ex_gold += (c, d) in pset

    def result(self):
        p, r, f = prf(self.tp_pred, self.pred, self.tp_gold, self.gold)
        ep, er, ef = prf(self.ex_pred, self.pred, self.ex_gold, self.gold)
        false = self.pred - self.tp_pred
        out = {
            "docs": self.docs, "words": self.words, "gold": self.gold, "pred": self.pred,
            "tp_pred": self.tp_pred, "found_gold": self.tp_gold, "false_pred": false,
            "precision": p, "recall": r, "f1": f,
            "false_per_1k_words": 1000 * false / self.words if self.words else 0.0,
            "pred_per_1k_words": 1000 * self.pred / self.words if self.words else 0.0,
            "exact": {"precision": ep, "recall": er, "f1": ef},
            "top_false_positives": self.fp.most_common(TOP),
            "top_missed": self.fn.most_common(TOP),
        }
        if self.bad:
            out["invalid_pred_spans"] = self.bad
        out["mid_word_pred_spans"] = self.mid
        if self.neutral:
            out.update(neutral=self.neutral, neutral_pred=self.neutral_pred, neutral_found=self.neutral_found)
        return out


def score(gold_rows, pred_rows):
    """Returns {"all": {...}, "by_kind": {kind: {...}}} (by_kind only when
    some gold row has a kind), plus "missing_ids" when gold ids had no
    prediction line."""
    preds = {}
    for r in pred_rows:
        rid = str(r["id"])
        if rid in preds:
            raise ValueError(f"duplicate prediction id {rid!r}")
        preds[rid] = spans(r)
    gold_ids = {str(r["id"]) for r in gold_rows}
    extra = [i for i in preds if i not in gold_ids]
    if extra:
        raise ValueError(f"{len(extra)} prediction id(s) not in the gold, e.g. {extra[0]!r}")
    total, kinds, missing = Tally(), collections.defaultdict(Tally), 0
    for r in gold_rows:
        rid = str(r["id"])
        if rid not in preds:
            missing += 1
        g, p = spans(r), preds.get(rid, [])
        neutral = [(int(a), int(b)) for key in NEUTRAL_KEYS for a, b in (r.get(key) or [])]
        total.add(r["text"], g, p, neutral)
        if r.get("kind") is not None:
            kinds[str(r["kind"])].add(r["text"], g, p, neutral)
    out = {"all": total.result()}
    if kinds:
        out["by_kind"] = {k: kinds[k].result() for k in sorted(kinds)}
    if missing:
        out["missing_ids"] = missing
    return out


def fmt_row(label, s):
    return (f"| {label} | {s['docs']} | {s['words']} | {s['gold']} | {s['pred']} | "
            f"{f3(s['precision'])} | {f3(s['recall'])} | {f3(s['f1'])} | {s['false_per_1k_words']:.2f} |")


HEADER = ("| set | texts | words | gold | pred | P | R | F1 | false names /1k words |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def print_errors(s, indent=""):
    print(f"{indent}top false positives: " + ", ".join(f"{t!r}×{n}" for t, n in s["top_false_positives"]))
    print(f"{indent}top missed:          " + ", ".join(f"{t!r}×{n}" for t, n in s["top_missed"]))


def main():
    args = [a for a in sys.argv[1:]]
    verbose = "--verbose" in args
    out_json = args[args.index("--json") + 1] if "--json" in args else None
    pos = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--json")]
    if len(pos) != 2:
        raise SystemExit(__doc__)
    res = score(load_jsonl(pos[0]), load_jsonl(pos[1]))
    print(HEADER)
    print(fmt_row("all", res["all"]))
    for k, s in res.get("by_kind", {}).items():
        print(fmt_row(f"kind={k}", s))
    if res.get("missing_ids"):
        print(f"\nwarning: {res['missing_ids']} gold id(s) had no prediction line (scored as no names)")
    if res["all"].get("invalid_pred_spans"):
        print(f"warning: {res['all']['invalid_pred_spans']} predicted span(s) lay outside their text (byte offsets instead of code points?)")
    mid = res["all"]["mid_word_pred_spans"]
    if mid > max(2, res["all"]["pred"] // 20):
        print(f"warning: {mid} predicted span(s) start or end inside a word (byte offsets instead of code points?)")
    if verbose:
        print()
        print_errors(res["all"])
    if out_json:
        json.dump(res, open(out_json, "w", encoding="utf-8"), indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
