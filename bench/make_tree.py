#!/usr/bin/python3
"""Writes issue 2's benchmark tree into DIR: 19,990 files of 0.2-20 KB of random content in
nested directories, plus ten files of 80 MB (about 1.1 GB in all). Deterministic (seeded)."""
import os
import random
import sys

root = sys.argv[1]
small = int(os.environ.get("BENCH_SMALL_FILES", "19990"))
large = int(os.environ.get("BENCH_LARGE_FILES", "10"))
large_mb = int(os.environ.get("BENCH_LARGE_MB", "80"))
rng = random.Random(20261126)
for i in range(small):
    # 20 top directories x 10 subdirectories x ~100 files: a source-tree-like fan-out.
    d = os.path.join(root, f"pkg{i % 20:02d}", f"mod{(i // 20) % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.dat"), "wb") as f:
        f.write(rng.randbytes(rng.randint(200, 20000)))
os.makedirs(os.path.join(root, "assets"), exist_ok=True)
for i in range(large):
    with open(os.path.join(root, "assets", f"big{i}.bin"), "wb") as f:
        for _ in range(large_mb):
            f.write(rng.randbytes(1 << 20))
