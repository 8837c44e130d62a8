#!/usr/bin/env python3
"""Writes CIFAR-10-format binaries (data_batch_1..5.bin, test_batch.bin, batches.meta.txt) of synthetic
32x32 colour images, for comparing training from CIFAR binaries with training from a pack of them.
Needs NumPy.

    /usr/bin/python3 benchmarks/data/make_cifar_like.py OUT [--per-file 1000] [--seed 0]
"""
import argparse
import os

import numpy as np

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--per-file", type=int, default=1000, help="records per batch file (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        labels = rng.integers(0, 10, size=(a.per_file, 1), dtype=np.uint8)
        # Class-dependent colour plus noise, so that a network has something to learn.
        base = (labels[:, :, None] * 25).astype(np.int16)
        pixels = np.clip(base + rng.normal(0, 40, size=(a.per_file, 1, 3072)), 0, 255).astype(np.uint8)
        np.concatenate([labels, pixels[:, 0, :]], axis=1).tofile(os.path.join(a.out, name))
    with open(os.path.join(a.out, "batches.meta.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    print(f"CIFAR-10 binaries of {5 * a.per_file} training and {a.per_file} test images under {a.out}")


if __name__ == "__main__":
    main()
