#!/usr/bin/python3
"""torchvision's input pipeline alone, as `cortado benchmark --loader` measures Cortado's.

ImageFolder + DataLoader (shuffled, batch B) with the ImageNet training transform, batches drawn and
thrown away: the median images/s of --runs timed runs of --iterations batches each, after a warm-up
of at least one epoch and --warmup seconds. PyTorch in its best CPU configuration
(torch.set_num_threads(cores) in the main process; persistent workers, so that an epoch does not
restart them). Prints one JSON object.

    /usr/bin/python3 benchmarks/data/torch_loader_bench.py DIR [--workers 0] [--batch-size 50]
        [--transform resize256-rrc224-flip|rrc224-flip|crop224-flip] [--iterations 4] [--runs 3]

Transforms: resize256-rrc224-flip = Resize(256), RandomResizedCrop(224), RandomHorizontalFlip;
rrc224-flip = RandomResizedCrop(224), RandomHorizontalFlip (torchvision's ImageNet recipe);
crop224-flip = RandomCrop(224), RandomHorizontalFlip (for 256x256 files). Each then ToTensor and
Normalize with ImageNet's statistics.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torchvision
from torchvision import transforms as T


def transform(name):
    steps = {
        "resize256-rrc224-flip": [T.Resize(256), T.RandomResizedCrop(224), T.RandomHorizontalFlip()],
        "rrc224-flip": [T.RandomResizedCrop(224), T.RandomHorizontalFlip()],
        "crop224-flip": [T.RandomCrop(224), T.RandomHorizontalFlip()],
    }[name]
    return T.Compose(steps + [T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=50)
    p.add_argument("--transform", default="resize256-rrc224-flip")
    p.add_argument("--iterations", type=int, default=4)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads of the main process (default: the cores)")
    a = p.parse_args()
    cores = os.cpu_count()
    torch.set_num_threads(a.threads)
    data = torchvision.datasets.ImageFolder(a.dir, transform(a.transform))
    loader = torch.utils.data.DataLoader(data, batch_size=a.batch_size, shuffle=True, num_workers=a.workers,
                                         persistent_workers=a.workers > 0)

    def batches():
        while True:
            for batch in loader:
                yield batch

    it = batches()
    end = time.perf_counter() + a.warmup
    seen = 0
    while seen < len(data) or time.perf_counter() < end:
        seen += len(next(it)[1])
    rates = []
    for _ in range(a.runs):
        start = time.perf_counter()
        images = sum(len(next(it)[1]) for _ in range(a.iterations))
        rates.append(images / (time.perf_counter() - start))
    print(json.dumps({"framework": f"torch {torch.__version__}, torchvision {torchvision.__version__}",
                      "transform": a.transform, "workers": a.workers, "threads": a.threads, "batch_size": a.batch_size, "cores": cores,
                      "loader_images_per_second": statistics.median(rates), "runs_images_per_second": rates}))
    os._exit(0)  # persistent workers: skip their orderly shutdown


if __name__ == "__main__":
    main()
