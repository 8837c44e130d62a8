#!/usr/bin/env python3
"""PyTorch with cuDNN on the GPU, the reference for `cortado benchmark --backend cuda`.

Trains the same models as `cortado benchmark` (LeNet-5, ResNet-20, or torchvision's ResNet-50 on
3x224x224 with 1000 classes) with Adam on one random batch and prints training and inference
images per second, median of several timed runs after warm-up. Timing synchronizes the device.
fp32 throughout; `--tf32` lets cuDNN and cuBLAS use TF32 tensor cores (PyTorch's default for
convolutions), `--no-tf32` forbids it (strict fp32).

    python3 benchmarks/gpu/pytorch_gpu_reference.py --model resnet50 --batch-size 64 --no-tf32
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pytorch_reference import lenet5, resnet  # noqa: E402


def resnet50():
    import torchvision
    return torchvision.models.resnet50()


MODELS = {"lenet5": (lenet5, (1, 28, 28), 10), "resnet20": (lambda: resnet(3), (3, 32, 32), 10),
          "resnet50": (resnet50, (3, 224, 224), 1000)}


def timed(fn, iterations, runs, batch):
    rates = []
    for _ in range(runs):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        torch.cuda.synchronize()
        rates.append(iterations * batch / (time.perf_counter() - start))
    return rates


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="resnet50", choices=sorted(MODELS))
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--tf32", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--profile", action="store_true", help="also print the GPU time per kernel of 5 training steps")
    args = p.parse_args()

    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    build, shape, classes = MODELS[args.model]
    device = torch.device("cuda")
    model = build().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.batch_size, *shape, device=device)
    y = torch.randint(0, classes, (args.batch_size,), device=device)

    def train_step():
        optimizer.zero_grad(set_to_none=False)
        loss_fn(model(x), y).backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            model(x)

    model.train()
    for _ in range(max(5, args.iterations // 2)):
        train_step()
    train = timed(train_step, args.iterations, args.runs, args.batch_size)
    model.eval()
    for _ in range(5):
        infer()
    inference = timed(infer, args.iterations, args.runs, args.batch_size)
    print(f"pytorch {torch.__version__} cudnn {torch.backends.cudnn.version()} {torch.cuda.get_device_name()}"
          f" {args.model} batch {args.batch_size} tf32 {'on' if args.tf32 else 'off'}:"
          f" train {statistics.median(train):.0f} img/s (runs {', '.join(f'{r:.0f}' for r in train)}),"
          f" inference {statistics.median(inference):.0f} img/s")
    if args.profile:
        model.train()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
            for _ in range(5):
                train_step()
            torch.cuda.synchronize()
        print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=40))


if __name__ == "__main__":
    main()
