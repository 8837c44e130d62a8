#!/usr/bin/env bash
# Cortado's CPU backend against PyTorch's CPU build, training the same models on random data, run
# back to back so that both see the same machine load. Each line is the median of several timed
# runs after a warm-up (see TrainingThroughput and pytorch_reference.py); on a shared machine,
# repeat the rounds and compare medians.
#
#   benchmarks/cpu_side_by_side.sh [rounds]        (compiles the modules it needs first)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=$(nproc)
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# In one reactor build the framework resolves to its target/classes (its test jar needs test-compile).
mvn -B -q -o -pl models -am test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
cp="models/target/classes:$(cat "$cp_file")"

cortado() {
    java --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp "$cp" \
        dev.cortado.models.benchmark.TrainingThroughput "$1" "$2" "$3" 5 "$threads" 2>/dev/null
}

pytorch() {
    /usr/bin/python3 benchmarks/pytorch_reference.py --model "$1" --batch-size "$2" --iterations "$3" --runs 5
}

for round in $(seq "$rounds"); do
    echo "round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for config in "lenet5 64 50" "lenet5 256 20" "resnet20 128 5"; do
        set -- $config
        cortado "$1" "$2" "$3"
        pytorch "$1" "$2" "$3"
    done
done
