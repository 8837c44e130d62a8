#!/usr/bin/env python3
"""Reference outputs of torchvision models for Cortado's TorchvisionParityTest.

For each model named on the command line: build it with torchvision (seeded), give every weight and
batch-norm statistic a non-trivial value, save its state dict as safetensors (in the precision asked
for; the model keeps the rounded values, so Cortado receives exactly the weights torch computed
with), then save an input batch and the eval-mode logits as another safetensors file.

    torchvision_reference.py OUT_DIR MODEL:SIZE:BATCH:DTYPE ...    e.g. resnet18:64:2:F32

Debian ships torch and torchvision but no safetensors package, so the writer is the format itself:
an 8-byte little-endian header length, a JSON header, the raw little-endian tensors.
"""
import json
import struct
import sys

import numpy as np
import torch
import torchvision

TORCH_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def write_safetensors(path, tensors):
    """tensors: name -> torch tensor (float32, float16, bfloat16 or int64), written in that dtype."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.bfloat16:
            # numpy has no bfloat16: its bits are the int16 view.
            data, dtype = t.view(torch.int16).numpy().astype("<i2").tobytes(), "BF16"
        elif t.dtype == torch.float16:
            data, dtype = t.numpy().astype("<f2").tobytes(), "F16"
        elif t.dtype == torch.float32:
            data, dtype = t.numpy().astype("<f4").tobytes(), "F32"
        elif t.dtype == torch.int64:
            data, dtype = t.numpy().astype("<i8").tobytes(), "I64"
        else:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def build(name):
    if name == "googlenet":
        # torchvision's GoogLeNet without its training-only auxiliary classifiers.
        return torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
    return getattr(torchvision.models, name)(weights=None)


@torch.no_grad()
def reference(name, size, batch, dtype, out_dir):
    torch.manual_seed(0)
    model = build(name)
    generator = torch.Generator().manual_seed(1)
    # torchvision initializes biases and batch-norm shifts to 0 and scales to 1, which would hide a
    # mix-up of those tensors: give them small random values.
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.weight.uniform_(0.5, 1.5, generator=generator)
            module.bias.uniform_(-0.2, 0.2, generator=generator)
        elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)) and module.bias is not None:
            module.bias.uniform_(-0.01, 0.01, generator=generator)
    # Running statistics from one training-mode pass over random images (momentum None: the plain
    # average, here of that one batch), so that the eval-mode activations keep a unit scale.
    batch_norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in batch_norms:
        bn.reset_running_stats()
        bn.momentum = None
    if batch_norms:
        model.train()
        model(torch.randn(4, 3, size, size, generator=generator))
    model.eval()
    # The file's precision, applied to the model too: logits computed from exactly the saved values.
    if dtype != "F32":
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.to(TORCH_DTYPES[dtype]).to(torch.float32))
    state = {k: (v.to(TORCH_DTYPES[dtype]) if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    write_safetensors(f"{out_dir}/{name}.safetensors", state)
    x = torch.randn(batch, 3, size, size, generator=generator)
    logits = model(x)
    write_safetensors(f"{out_dir}/{name}.io.safetensors", {"input": x, "logits": logits})
    print(f"{name}: {size}x{size}, batch {batch}, {dtype}, {sum(p.numel() for p in model.parameters())} parameters,"
          f" logits in [{logits.min().item():.3f}, {logits.max().item():.3f}]")


def main():
    torch.set_num_threads(2)
    out_dir = sys.argv[1]
    for spec in sys.argv[2:]:
        name, size, batch, dtype = spec.split(":")
        reference(name, int(size), int(batch), dtype, out_dir)


if __name__ == "__main__":
    main()
