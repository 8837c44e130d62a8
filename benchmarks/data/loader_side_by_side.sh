#!/usr/bin/env bash
# Cortado's input pipeline against torchvision's, back to back so that both see the same machine
# load, then the medians over the rounds in one table. Measures:
#   - a folder of 200 JPEGs of 500x375 (made by MakeImages.java), 224x224 random resized crops and
#     flips: Cortado with 1 and 2 workers, torchvision with num_workers 0 (1 and 2 torch threads,
#     the better counts) and 2, with and without torchvision's Resize(256) first;
#   - the same images packed at 256x256 (cortado data pack), 224x224 random crops and flips, with 1 and
#     2 workers; torchvision on the same images saved as 256x256 JPEGs, for comparison;
#   - ResNet-20 training throughput (batch 128, 30 iterations, crop+flip) from CIFAR-10-format binaries
#     and from a pack of them.
# Needs the jar (mvn -B -DskipTests package), python3-torch, python3-torchvision, python3-pil, python3-numpy.
#
#   benchmarks/data/loader_side_by_side.sh [rounds]       (WORK=/tmp/cortado-loader-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
work=${WORK:-/tmp/cortado-loader-bench}
py=/usr/bin/python3
mkdir -p "$work"
[ -d "$work/jpegs" ] || java benchmarks/data/MakeImages.java "$work/jpegs" 200 2 500x375
[ -d "$work/jpegs256" ] || java benchmarks/data/MakeImages.java "$work/jpegs256" 200 2 256x256
[ -f "$work/jpegs-256.cpack" ] || ./cortado data pack "$work/jpegs" --size 256 --out "$work/jpegs-256.cpack" >/dev/null 2>&1
[ -d "$work/cifar" ] || $py benchmarks/data/make_cifar_like.py "$work/cifar"
[ -f "$work/cifar.cpack" ] || ./cortado data pack "$work/cifar" --out "$work/cifar.cpack" >/dev/null 2>&1
log=$work/results.jsonl
: > "$log"

cortado_loader() {  # label, data, workers, augment
    ./cortado benchmark --loader --data "$2" --workers "$3" --input-size 224 --augment "$4" --batch-size 50 \
        --iterations 4 --runs 3 --warmup 3 --json 2>/dev/null | sed "s/^{/{\"label\": \"$1\", /" >> "$log"
}
torch_loader() {  # label, dir, workers, transform, threads
    $py benchmarks/data/torch_loader_bench.py "$2" --workers "$3" --transform "$4" --threads "$5" --batch-size 50 \
        --iterations 4 --runs 3 2>/dev/null | sed "s/^{/{\"label\": \"$1\", /" >> "$log"
}
resnet20() {  # label, data
    ./cortado train --model resnet20 --data "$2" --epochs 1 --batch-size 128 --max-iterations 30 --augment crop,flip \
        --backend cpu --checkpoint-dir "$work/run" --overwrite --json 2>/dev/null \
        | sed "s/^{/{\"label\": \"$1\", /" >> "$log"
}

for round in $(seq "$rounds"); do
    echo "round $round of $rounds, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    cortado_loader "folder rrc+flip: cortado 1 worker" "$work/jpegs" 1 resized-crop,flip
    torch_loader "folder rrc+flip: torchvision nw=0 1 thread" "$work/jpegs" 0 rrc224-flip 1
    torch_loader "folder rrc+flip: torchvision nw=0 2 threads" "$work/jpegs" 0 rrc224-flip 2
    torch_loader "folder resize256+rrc+flip: torchvision nw=0 1 thread" "$work/jpegs" 0 resize256-rrc224-flip 1
    torch_loader "folder resize256+rrc+flip: torchvision nw=0 2 threads" "$work/jpegs" 0 resize256-rrc224-flip 2
    cortado_loader "folder rrc+flip: cortado 2 workers" "$work/jpegs" 2 resized-crop,flip
    torch_loader "folder rrc+flip: torchvision nw=2" "$work/jpegs" 2 rrc224-flip 2
    torch_loader "folder resize256+rrc+flip: torchvision nw=2" "$work/jpegs" 2 resize256-rrc224-flip 2
    cortado_loader "pack 256, crop224+flip: cortado 1 worker" "$work/jpegs-256.cpack" 1 crop,flip
    cortado_loader "pack 256, crop224+flip: cortado 2 workers" "$work/jpegs-256.cpack" 2 crop,flip
    torch_loader "256x256 JPEGs, crop224+flip: torchvision nw=2" "$work/jpegs256" 2 crop224-flip 2
    resnet20 "resnet20 b128 from CIFAR binaries" "$work/cifar"
    resnet20 "resnet20 b128 from a pack of them" "$work/cifar.cpack"
done

$py - "$log" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    v = r.get("loader_images_per_second", r.get("train_images_per_second"))
    rows.setdefault(r["label"], []).append(v)
print(f"{'what':58} {'median img/s':>12}  rounds")
for label, vs in rows.items():
    print(f"{label:58} {statistics.median(vs):12,.0f}  {', '.join(f'{v:,.0f}' for v in vs)}")
PY
