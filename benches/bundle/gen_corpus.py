#!/usr/bin/env python3
"""Writes a synthetic corpus of N records about one data subject (letters,
e-mails and rows of a rent CSV), each naming third parties, for the bundle
bench. Deterministic (seeded). Usage: gen_corpus.py OUT_DIR [N]"""
import os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rnd = random.Random(42)
FORENAMES = ["Janet", "Peter", "Aisha", "Tomasz", "Grace", "Liam", "Priya", "Owen", "Chloe", "Darius", "Zoë", "Ewan"]
SURNAMES = ["Smith", "Kowalski", "Patel", "Hughes", "Brennan", "Ahmed", "Walsh", "Ünal", "Fletcher", "Osei"]
os.makedirs(os.path.join(out, "letters"), exist_ok=True)
os.makedirs(os.path.join(out, "mail"), exist_ok=True)
os.makedirs(os.path.join(out, "rent"), exist_ok=True)
with open(os.path.join(out, "subject.toml"), "w") as f:
    f.write('name = "Margaret Anne Okafor"\naliases = ["Maggie Okafor"]\ndate_of_birth = "1979-06-14"\n'
            'ni_number = "JM482761C"\nemails = ["m.okafor79@example.net"]\nphones = ["07700 900461"]\n'
            'addresses = ["Flat 3, 18 Roundhay Road, Leeds, LS8 4HS"]\nreferences = ["TEN-0045127"]\n')

def person():
    return f"{rnd.choice(FORENAMES)} {rnd.choice(SURNAMES)}"

def para():
    tp = person()
    return (f"Mrs Okafor (tenancy TEN-0045127) reported that her neighbour {tp} at number {rnd.randint(1, 60)} "
            f"played loud music until {rnd.randint(1, 4)}am. {tp} can be reached on 07700 9{rnd.randint(10000, 99999)}. "
            f"Officer notes: the complaint was logged and a visit arranged for next week. "
            "The household was advised about the noise nuisance policy and mediation was offered. ")

rows = []
i = 0
while i < n:
    kind = i % 3
    if kind == 0:
        body = "\n\n".join(para() for _ in range(rnd.randint(3, 8)))
        with open(os.path.join(out, "letters", f"letter-{i:04}.txt"), "w") as f:
            f.write(f"Dear Mrs Okafor,\n\nRe: Flat 3, 18 Roundhay Road, Leeds, LS8 4HS\n\n{body}\n\nYours sincerely,\nHousing Officer\n")
    elif kind == 1:
        tp = person()
        addr = tp.lower().replace(" ", ".").replace("ö", "o").replace("ü", "u").replace("ë", "e")
        body = "\n\n".join(para() for _ in range(rnd.randint(2, 5)))
        with open(os.path.join(out, "mail", f"msg-{i:04}.eml"), "w") as f:
            f.write(f"From: \"{tp}\" <{addr}@example.org>\nTo: m.okafor79@example.net\n"
                    f"Subject: Noise complaint {i}\nDate: Mon, 3 Mar 2025 10:{i % 60:02}:00 +0000\n"
                    f"Message-ID: <bench-{i}@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n")
    else:
        rows.append(f"TEN-0045127,Margaret Okafor,{2020 + i % 5}-0{1 + i % 9}-15,{rnd.randint(300, 700)}.00,{person()},paid")
    i += 1
with open(os.path.join(out, "rent", "rent-ledger.csv"), "w") as f:
    f.write("reference,tenant,date,amount,collected_by_witness,status\n")
    f.write("\n".join(rows) + "\n")
print(f"wrote {n} records to {out}")
