#!/usr/bin/env bash
# Cortado's GPU checks, in one go, on a machine with an NVIDIA GPU but without Java (the bundle from
# make_bundle.sh brings it) and with CUDA 13 / cuDNN 9 instead of CUDA 11 / cuDNN 8 (rebind_jcuda.py
# points JCuda's JNI libraries at them). Runs: `cortado devices`; the framework's test suite, whose
# conformance tests then include the CUDA backend (and CudaRingCollectiveTest the in-process CUDA
# all-reduce); LeNet-5 training on Fashion-MNIST; `cortado benchmark` next to PyTorch with cuDNN; data
# parallelism (dp): two replicas on one GPU against one device, bit-identical reruns in --deterministic
# mode, ResNet-20, and the all-reduce's time and overlap. Logs go to $OUT (default /tmp/cortado-gpu).
#
#   [ROUNDS=3] [TF32=1] [MODELS="resnet50:64:20 ..."] benchmarks/gpu/device_checks.sh [tests|train|bench|dp|loader]...     (default: all four)
# The input pipeline (loader): the workers curve over a folder of synthetic JPEGs and over their pack,
# and ResNet-50 training from the folder and from a pack next to random tensors (about 5 minutes on 16 cores).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/cortado-gpu}
mkdir -p "$out"
stages=${*:-tests train bench dp}
bundle=$PWD/.gpu
work=/tmp/cortado-gpu-work
mkdir -p "$work"

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
# python3 rather than tar, xz and unzip, which a bare image may lack.
python3 - "$bundle" "$work" <<'PY'
import os, sys, tarfile, zipfile
bundle, work = sys.argv[1:]
if not os.path.exists(os.path.join(work, "jre/bin/java")):
    with tarfile.open(os.path.join(bundle, "jre.tar.xz")) as t:
        t.extractall(work)
with zipfile.ZipFile(os.path.join(bundle, "cortado.jar")) as z:
    z.extractall(work, [n for n in z.namelist() if n.startswith("lib/") and n.endswith(".so")])
PY
libs=$(python3 benchmarks/gpu/rebind_jcuda.py "$work/jni" "$work"/lib/*.so) || exit 1
export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
java=("$work/jre/bin/java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -XX:ErrorFile="$out/hs_err_%p.log"
      -Djava.library.path="$work/jni" -Dcortado.cudnn.acceptMajorMismatch=true)
cortado() { "${java[@]}" -jar "$bundle/cortado.jar" "$@"; }

cortado devices 2>&1

# No CIFAR-10 here: ResNet-20 trains on Fashion-MNIST written as CIFAR-10 binaries (each image padded
# to 32x32 and repeated over 3 channels), with the recipe's SGD, schedule and augmentation.
fm_cifar() {
    [ -f "$work/fm-cifar/test_batch.bin" ] && return
    python3 - "$bundle/fashion-mnist" "$work/fm-cifar" <<'PY'
import gzip, os, sys
import numpy as np
src, dst = sys.argv[1:]
os.makedirs(dst, exist_ok=True)
def read(name, offset):
    with gzip.open(os.path.join(src, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)
for split, files in (("train", [f"data_batch_{i}.bin" for i in range(1, 6)]), ("t10k", ["test_batch.bin"])):
    images = np.pad(read(f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28), ((0, 0), (0, 0), (2, 2), (2, 2)))
    records = np.concatenate([read(f"{split}-labels-idx1-ubyte.gz", 8)[:, None],
                              np.repeat(images, 3, axis=1).reshape(len(images), -1)], axis=1)
    for name, part in zip(files, np.array_split(records, len(files))):
        part.tofile(os.path.join(dst, name))
PY
}

for stage in $stages; do
    case $stage in
    tests)
        echo "=== framework test suite (CPU and CUDA)"
        (cd framework && timeout 300 "${java[@]}" -jar "$bundle"/tests/junit-platform-console-standalone-*.jar \
            -cp "$bundle/tests/test-classes:$bundle/cortado.jar" --scan-classpath "$bundle/tests/test-classes" \
            --disable-banner --details=none --reports-dir "$out" > "$out/tests.log" 2>&1)
        echo "exit $?"
        rm -f "$out/TEST-junit-platform-suite.xml" "$out/TEST-junit-vintage.xml"
        python3 - "$out/TEST-junit-jupiter.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print({k: root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")})
for case in root.iter("testcase"):
    for bad in list(case.findall("failure")) + list(case.findall("error")):
        msg = (bad.get("message") or "").replace("\n", " ")[:300]
        print(f"FAIL {case.get('classname').rsplit('.', 1)[-1]}.{case.get('name')}: {msg}")
PY
        ;;
    train)
        echo "=== cortado train --backend cuda (LeNet-5, Fashion-MNIST, defaults)"
        time timeout 240 "${java[@]}" -jar "$bundle/cortado.jar" train \
            --backend cuda --data "$bundle/fashion-mnist" --checkpoint-dir "$work/ckpt" --json \
            > "$out/train.json" 2> "$out/train.log"
        code=$?
        echo "exit $code"; tail -n $([ $code = 0 ] && echo 3 || echo 60) "$out/train.log"; cat "$out/train.json"; echo; rm "$out/train.json"
        fm_cifar
        echo "=== cortado train --backend cuda --recipe resnet20-cifar10 --epochs 3 (Fashion-MNIST as 3x32x32)"
        time timeout 240 "${java[@]}" -jar "$bundle/cortado.jar" train --backend cuda --recipe resnet20-cifar10 \
            --epochs 3 --data "$work/fm-cifar" --checkpoint-dir "$work/ckpt20" --json > "$out/train20.json" 2> "$out/train20.log"
        code=$?
        echo "exit $code"; tail -n $([ $code = 0 ] && echo 4 || echo 60) "$out/train20.log"; cat "$out/train20.json"; echo; rm "$out/train20.json"
        ;;
    bench)
        echo "=== cortado benchmark --backend cuda, PyTorch with cuDNN on the same GPU"
        for config in ${MODELS:-lenet5:64:200 resnet20:128:50 resnet50:64:20}; do
            set -- ${config//:/ }
            for round in $(seq "${ROUNDS:-3}"); do
                for math in "" ${TF32:+--tf32}; do
                    printf '%s' "${math:+(with --tf32) }"
                    timeout 120 "${java[@]}" -jar "$bundle/cortado.jar" benchmark --backend cuda --model "$1" \
                        --batch-size "$2" --iterations "$3" --runs 5 --no-layers $math 2>>"$out/bench.log"
                done
                for tf32 in --no-tf32 --tf32; do
                    # PyTorch brings its own cuDNN; the rebound library path would shadow it.
                    env -u LD_LIBRARY_PATH timeout 120 python3 benchmarks/gpu/pytorch_gpu_reference.py \
                        --model "$1" --batch-size "$2" --iterations "$3" --runs 5 $tf32 2>>"$out/bench.log"
                done
            done
        done
        env -u LD_LIBRARY_PATH timeout 120 python3 benchmarks/gpu/pytorch_gpu_reference.py --model resnet50 \
            --batch-size 64 --iterations 10 --runs 1 --no-tf32 --profile > "$out/pytorch-resnet50-profile.txt" 2>&1
        for config in "resnet20 128" "resnet50 64"; do
            set -- $config
            timeout 120 "${java[@]}" -jar "$bundle/cortado.jar" benchmark --backend cuda --model "$1" \
                --batch-size "$2" --iterations 10 --runs 3 > "$out/$1-layers.txt" 2>>"$out/bench.log"
        done
        ;;
    dp)
        # Data parallelism on the GPUs there are: two replicas on one GPU exercise the whole CUDA path
        # (per-thread device binding, the ring over same-device copies, events between streams) though
        # they cannot be faster than one device. LeNet-5 has neither batch norm nor dropout, so two
        # replicas must end where one device ends (within 0.3 points), and in --deterministic mode two
        # runs must give the same bits.
        echo "=== data parallel: LeNet-5, 2 epochs, --deterministic: one device, then cuda:0,cuda:0 twice"
        i=0
        for devices in "--backend cuda" "--devices cuda:0,cuda:0" "--devices cuda:0,cuda:0"; do
            i=$((i + 1))
            timeout 300 "${java[@]}" -jar "$bundle/cortado.jar" train $devices --deterministic --epochs 2 \
                --data "$bundle/fashion-mnist" --checkpoint-dir "$work/dp$i" --overwrite --json \
                > "$out/dp$i.json" 2> "$out/dp$i.log"
            code=$?
            echo "$devices: exit $code"; [ $code = 0 ] || tail -n 40 "$out/dp$i.log"
        done
        python3 - "$out/dp1.json" "$out/dp2.json" "$out/dp3.json" <<'PY'
import json, sys
one, two, again = (json.load(open(p)) for p in sys.argv[1:])
for name, r in (("one device", one), ("cuda:0,cuda:0", two), ("cuda:0,cuda:0 again", again)):
    print(f"{name}: test {r['test_accuracy']:.4f}, loss {r['test_loss']!r}, {r['train_images_per_second']:.0f} img/s")
print("within 0.3 points:", abs(one["test_accuracy"] - two["test_accuracy"]) <= 0.003)
print("bit-identical rerun:", two["test_loss"] == again["test_loss"] and two["train_loss"] == again["train_loss"])
PY
        fm_cifar
        echo "=== data parallel: ResNet-20 (resnet20-cifar10 recipe, 3 epochs) on cuda:0,cuda:0"
        time timeout 300 "${java[@]}" -jar "$bundle/cortado.jar" train --devices cuda:0,cuda:0 --recipe resnet20-cifar10 \
            --epochs 3 --data "$work/fm-cifar" --checkpoint-dir "$work/dp20" --overwrite --json > "$out/dp20.json" 2> "$out/dp20.log"
        code=$?
        echo "exit $code"; tail -n $([ $code = 0 ] && echo 4 || echo 60) "$out/dp20.log"; cat "$out/dp20.json"; echo
        echo "=== data parallel: all-reduce time and overlap (benchmark), one device against cuda:0,cuda:0 and all GPUs"
        gpus=$(nvidia-smi -L | wc -l)
        placements=("--backend cuda" "--devices cuda:0,cuda:0")
        [ "$gpus" -gt 1 ] && placements+=("--devices all")
        for config in "resnet20 128 50" "resnet50 64 10"; do
            set -- $config
            for devices in "${placements[@]}"; do
                batch=$2
                [ "$devices" = "--devices all" ] && batch=$(($2 * gpus))
                timeout 180 "${java[@]}" -jar "$bundle/cortado.jar" benchmark $devices --model "$1" --batch-size "$batch" \
                    --iterations "$3" --runs 5 --no-layers 2>>"$out/bench-dp.log"
                timeout 180 "${java[@]}" -jar "$bundle/cortado.jar" benchmark $devices --model "$1" --batch-size "$batch" \
                    --iterations "$3" --runs 5 --no-layers --bucket-mb 4 2>>"$out/bench-dp.log" | tail -n 1
            done
        done
        ;;
    loader)
        # A few thousand JPEGs of 500x375, written by all cores with the bundled runtime.
        imgs=$work/jpegs
        [ -d "$imgs" ] || timeout 300 "${java[@]}" -cp "$bundle/tools" MakeImages "$imgs" 4000 10 500x375
        cores=$(nproc)
        echo "=== input pipeline on $cores cores: folder of 4000 JPEGs 500x375, 224 random resized crops + flip, batch 64"
        for w in 1 2 4 8 $((cores - 1)); do
            timeout 120 "${java[@]}" -jar "$bundle/cortado.jar" benchmark --loader --data "$imgs" --workers "$w" \
                --input-size 224 --augment resized-crop,flip --batch-size 64 --iterations 10 --runs 3 2>>"$out/loader.log"
        done
        if env -u LD_LIBRARY_PATH python3 -c "import torchvision" 2>/dev/null; then
            for w in 0 2 4 8 $((cores - 1)); do
                env -u LD_LIBRARY_PATH timeout 180 python3 benchmarks/data/torch_loader_bench.py "$imgs" --workers "$w" \
                    --transform rrc224-flip --threads $([ "$w" = 0 ] && echo 1 || echo "$cores") --batch-size 64 \
                    --iterations 10 --runs 3 2>>"$out/loader.log"
            done
        fi
        timeout 300 "${java[@]}" -jar "$bundle/cortado.jar" data pack "$imgs" --size 256 --out "$work/jpegs-256.cpack" \
            2>>"$out/loader.log"
        echo "=== the same images packed at 256x256, 224 random crops + flip"
        for w in 1 2 4 8 $((cores - 1)); do
            timeout 120 "${java[@]}" -jar "$bundle/cortado.jar" benchmark --loader --data "$work/jpegs-256.cpack" \
                --workers "$w" --input-size 224 --augment crop,flip --batch-size 64 --iterations 20 --runs 3 2>>"$out/loader.log"
        done
        timeout 300 "${java[@]}" -jar "$bundle/cortado.jar" data pack "$imgs" --size 224 --out "$work/jpegs-224.cpack" \
            2>>"$out/loader.log"
        echo "=== ResNet-50 training at 224x224, batch 64, 80 iterations: from the JPEG folder, from a pack, random tensors"
        for data in "$imgs" "$work/jpegs-224.cpack"; do
            timeout 300 "${java[@]}" -jar "$bundle/cortado.jar" train --backend cuda --model resnet50 --data "$data" \
                --input-size 224 --augment resized-crop,flip --batch-size 64 --epochs 1 --max-iterations 80 \
                --checkpoint-dir "$work/ckpt50" --overwrite --json > "$out/train50.json" 2> "$out/train50.log"
            echo "exit $? from $data: $(grep -o 'data-bound: [0-9]*% of step time' "$out/train50.log" | tail -1)"
            grep -o '"train_images_per_second":[^,]*' "$out/train50.json"
            grep -i "cannot keep up" "$out/train50.log" | tail -1
        done
        timeout 120 "${java[@]}" -jar "$bundle/cortado.jar" benchmark --backend cuda --model resnet50 --batch-size 64 \
            --iterations 20 --runs 3 --no-layers 2>>"$out/bench.log"
        ;;
    esac
done
