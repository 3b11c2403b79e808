#!/usr/bin/env python3
"""How well the régua reads customers' replies: ``benchmarks/replies.py``.

Reads the labelled corpus (``benchmarks/replies/corpus.jsonl``: replies written
for the project, each with ``text``, ``channel``, ``sent_on``, the expected
``intent`` and ``date``, and its ``split``; ``--corpus
benchmarks/replies/dev.jsonl --split dev``: a second corpus by another writer,
used for tuning) with the plain reader
(``l10n_br_dunning/tools/reply_reader.py``) and prints, on the test part
(``--split``), per intent: precision and recall of what would be done
automatically (a reading the reader is sure of), the exact-date rate of the
recognised promises and paid claims, and the confusions.

``--classify-jsonl IN OUT`` reads any file of JSON lines with ``text``,
``channel`` (sms, whatsapp, email) and ``sent_on`` (ISO date) and writes the
same lines with ``intent`` (promise, paid, dispute, who, negotiate, paylink,
optout, other) and ``date`` (ISO or null), so other corpora are scored the same way.
A reading the reader is not sure of is written as ``other`` (a person reads
it), as the régua does.

No Odoo needed.
"""

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "l10n_br_dunning" / "tools"))
import reply_reader  # noqa: E402

CORPUS = ROOT / "benchmarks" / "replies" / "corpus.jsonl"
# What the régua does by itself with a sure reading (a promise only with its day).
AUTOMATIC = ("promise", "paid", "dispute", "negotiate", "paylink", "optout")


def decide(text, sent_on, channel=None):
    """(intent, date) as the régua acts on it: unsure readings go to a person;
    an e-mail is read without what it quotes, as dunning.reply reads it."""
    reading = reply_reader.read_message(text, date.fromisoformat(sent_on), channel)
    if not reading.sure:
        return "other", None
    return reading.intent, reading.day.isoformat() if reading.day else None


def classify_file(source, target):
    count = 0
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            row["intent"], row["date"] = decide(
                row.get("text") or "", row["sent_on"], row.get("channel")
            )
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} replies classified into {target}")


def score(rows):
    predicted = [decide(row["text"], row["sent_on"], row.get("channel")) for row in rows]
    print(f"\n{len(rows)} replies")
    print(f"{'intent':<10} {'expected':>8} {'precision':>10} {'recall':>8}")
    results = {}
    for intent in reply_reader.INTENTS:
        expected = [i for i, row in enumerate(rows) if row["intent"] == intent]
        got = [i for i, (p, _d) in enumerate(predicted) if p == intent]
        hit = len(set(expected) & set(got))
        precision = hit / len(got) if got else float("nan")
        recall = hit / len(expected) if expected else float("nan")
        results[intent] = (precision, recall)
        print(f"{intent:<10} {len(expected):>8} {precision:>10.3f} {recall:>8.3f}")
    for intent in ("promise", "paid"):
        recognised = [
            i
            for i, row in enumerate(rows)
            if row["intent"] == intent and predicted[i][0] == intent and row["date"]
        ]
        exact = sum(1 for i in recognised if predicted[i][1] == rows[i]["date"])
        rate = exact / len(recognised) if recognised else float("nan")
        print(
            f"exact date, {intent}s recognised with a date: {exact}/{len(recognised)} = {rate:.3f}"
        )
    confusions = Counter(
        (row["intent"], predicted[i][0])
        for i, row in enumerate(rows)
        if row["intent"] != predicted[i][0]
    )
    if confusions:
        print("confusions (expected -> read):")
        for (expected, got), count in confusions.most_common():
            print(f"  {expected} -> {got}: {count}")
    # What the régua does by itself: a sure reading of an automatic intent, a
    # promise only with its day (a promise without one goes to a person, as
    # dunning.reply does). Precision here is the measure: how often an
    # automatic pause, claim, dispute, link or opt-out was the right one.
    print("automatic actions (a promise only with its day):")
    actions = {}
    for intent in AUTOMATIC:
        done = [i for i, (p, d) in enumerate(predicted) if p == intent and automatic(p, d)]
        right = sum(1 for i in done if rows[i]["intent"] == intent)
        precision = right / len(done) if done else float("nan")
        actions[intent] = precision
        print(f"  {intent:<10} done {len(done):>4}, right {right:>4}: precision {precision:.3f}")
    worst = min(actions.values())
    print(
        f"lowest precision of an automatic action: {worst:.3f} (goal 0.95); "
        f"recall promise {results['promise'][1]:.3f}, paid {results['paid'][1]:.3f} (goal 0.8)"
    )
    return predicted


def automatic(intent, day):
    """Whether the régua acts by itself on this reading (dunning.reply)."""
    return intent in AUTOMATIC and (intent != "promise" or day is not None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classify-jsonl", nargs=2, metavar=("IN", "OUT"))
    parser.add_argument(
        "--split",
        default="test",
        choices=(
            "test",
            "train",
            "dev",
            "tune",
            "holdout",
            "probe",
            "probe2",
            "probe3",
            "probe4",
            "probe5",
            "probe6",
            "all",
        ),
    )
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    if args.classify_jsonl:
        classify_file(*args.classify_jsonl)
        return
    rows = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    if args.split != "all":
        rows = [row for row in rows if row["split"] == args.split]
    print(f"Corpus {Path(args.corpus).name}, {args.split} part")
    predicted = score(rows)
    if args.show_errors:
        for row, (intent, day) in zip(rows, predicted, strict=True):
            if intent != row["intent"] or (intent == row["intent"] and day != row["date"]):
                label = f"[{row['intent']} {row['date']} | {intent} {day}]"
                print(f"  {label} {row['sent_on']} {row['text']}")


if __name__ == "__main__":
    main()
