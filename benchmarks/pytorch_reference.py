#!/usr/bin/env python3
"""PyTorch reference for Cortado's CPU training benchmarks.

Trains the same model as `cortado benchmark` (LeNet-5 on 1x28x28, or ResNet-20 on 3x32x32) on
random data and prints training images per second, median of several timed runs after warm-up.
PyTorch is run in its best CPU configuration: one intra-op thread per core (Debian's build
defaults to one thread) and OpenBLAS (install libopenblas0-openmp so that torch's BLAS is not
the slow reference one).

    python3 benchmarks/pytorch_reference.py --model lenet5 --batch-size 64
"""
import argparse
import os
import statistics
import time

import torch
import torch.nn as nn


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


class BasicBlock(nn.Module):
    """He et al. 2015 CIFAR block with the option-A shortcut (subsample, zero-pad channels)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride, self.pad = stride, cout - cin

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x[:, :, ::self.stride, ::self.stride] if self.stride > 1 else x
        if self.pad:
            shortcut = nn.functional.pad(shortcut, (0, 0, 0, 0, 0, self.pad))
        return torch.relu(out + shortcut)


def resnet(n):
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for cout, stride in ((16, 1), (32, 2), (64, 2)):
        for i in range(n):
            layers.append(BasicBlock(cin, cout, stride if i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def blas_library():
    """The BLAS torch actually loaded (Debian's torch links the generic libblas.so.3 alternative)."""
    try:
        with open(f"/proc/{os.getpid()}/maps") as maps:
            for line in maps:
                if "blas" in line:
                    return os.path.realpath(line.split()[-1])
    except OSError:
        pass
    return "unknown BLAS"


MODELS = {"lenet5": (lenet5, (1, 28, 28)), "resnet20": (lambda: resnet(3), (3, 32, 32))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="lenet5", choices=sorted(MODELS))
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--iterations", type=int, default=50)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    build, shape = MODELS[args.model]
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.batch_size, *shape)
    y = torch.randint(0, 10, (args.batch_size,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(max(5, args.iterations // 5)):
        step()
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(args.iterations):
            step()
        rates.append(args.iterations * args.batch_size / (time.perf_counter() - start))
    blas = blas_library()
    print(f"pytorch {torch.__version__} {args.model} batch {args.batch_size} threads {torch.get_num_threads()}"
          f" ({blas}): train {statistics.median(rates):.0f} img/s (median of {args.runs},"
          f" runs {', '.join(f'{r:.0f}' for r in rates)})")


if __name__ == "__main__":
    main()
