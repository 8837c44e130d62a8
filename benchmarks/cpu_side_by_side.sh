#!/usr/bin/env bash
# Cortado's CPU backend against PyTorch's CPU build, training the same models on random data, run
# back to back so that both see the same machine load: `cortado benchmark` and pytorch_reference.py
# each report the median of several timed runs after a warm-up. On a shared machine, repeat the
# rounds and compare medians. Needs the jar (mvn -B -DskipTests package) and python3-torch with
# libopenblas0-openmp.
#
#   benchmarks/cpu_side_by_side.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=$(nproc)

cortado() {
    ./cortado benchmark --backend cpu --threads "$threads" --model "$1" --batch-size "$2" --iterations "$3" \
        --runs 5 --no-layers 2>/dev/null
}

pytorch() {
    /usr/bin/python3 benchmarks/pytorch_reference.py --model "$1" --batch-size "$2" --iterations "$3" --runs 5 \
        --threads "$threads"
}

for round in $(seq "$rounds"); do
    echo "round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for config in "lenet5 64 50" "lenet5 256 20" "resnet20 128 5"; do
        set -- $config
        cortado "$1" "$2" "$3"
        pytorch "$1" "$2" "$3"
    done
done
