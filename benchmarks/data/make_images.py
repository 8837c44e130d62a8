#!/usr/bin/env python3
"""Writes a folder of synthetic JPEGs in class subfolders, for input-pipeline benchmarks.

Each image is a smooth random colour field with noise and a few shapes, so that JPEG decoding costs
what it costs on photographs (flat synthetic images decode several times faster). Deterministic per
--seed. Needs Pillow and NumPy (Debian: python3-pil python3-numpy).

    /usr/bin/python3 benchmarks/data/make_images.py OUT [--count 200] [--classes 2] [--size 500x375]
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw


def image(rng, width, height):
    # A low-resolution random field, upsampled bicubically: colour regions like a photograph's.
    coarse = rng.integers(0, 256, size=(height // 32 + 2, width // 32 + 2, 3), dtype=np.uint8)
    field = Image.fromarray(coarse).resize((width, height), Image.BICUBIC)
    pixels = np.asarray(field, dtype=np.int16) + rng.normal(0, 12, size=(height, width, 3)).astype(np.int16)
    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        x1, y1 = x0 + rng.integers(10, width // 3), y0 + rng.integers(10, height // 3)
        draw.ellipse((x0, y0, x1, y1), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return img


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--count", type=int, default=200, help="images in all (default 200)")
    p.add_argument("--classes", type=int, default=2, help="class subfolders (default 2)")
    p.add_argument("--size", default="500x375", help="WIDTHxHEIGHT (default 500x375)")
    p.add_argument("--quality", type=int, default=90, help="JPEG quality (default 90)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    width, height = (int(v) for v in a.size.lower().split("x"))
    rng = np.random.default_rng(a.seed)
    for c in range(a.classes):
        os.makedirs(os.path.join(a.out, f"class{c}"), exist_ok=True)
    for i in range(a.count):
        path = os.path.join(a.out, f"class{i % a.classes}", f"{i:06d}.jpg")
        image(rng, width, height).save(path, quality=a.quality)
    print(f"{a.count} JPEGs of {width}x{height} in {a.classes} class folders under {a.out}")


if __name__ == "__main__":
    main()
