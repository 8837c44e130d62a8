#!/usr/bin/env bash
# Packs what device_checks.sh needs on a GPU machine that has no Java and no Maven into .gpu/ (git
# ignores it): a small Java 17 runtime, the CLI jar, the framework's compiled tests with the JUnit
# console launcher, and Fashion-MNIST. Run after `mvn -B -DskipTests package` and
# `mvn -B -pl framework -am test-compile`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=.gpu
rm -rf "$bundle" && mkdir -p "$bundle/tests"
exclude=$(git rev-parse --git-path info/exclude); mkdir -p "$(dirname "$exclude")"
grep -qx "/.gpu/" "$exclude" 2>/dev/null || echo "/.gpu/" >> "$exclude"

jre=$(mktemp -d)/jre
jlink --add-modules java.base,java.logging,java.desktop,java.xml,java.naming,java.management,java.sql,jdk.unsupported,jdk.incubator.vector,jdk.httpserver \
    --strip-debug --no-header-files --no-man-pages --output "$jre" 2>/dev/null
tar -C "$(dirname "$jre")" -cf - jre | xz -9 -T0 > "$bundle/jre.tar.xz"

# The NvPTXCompiler JNI library (13 MB) is unused: kernels are compiled with NVRTC.
cp cli/target/cortado.jar "$bundle/cortado.jar"
zip -q -d "$bundle/cortado.jar" 'lib/libJNvPTXCompiler-*'

cp -r framework/target/test-classes "$bundle/tests/"
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
    -DoutputDirectory="$bundle/tests"
cp -r /usr/share/datasets/fashion-mnist "$bundle/fashion-mnist"
# The synthetic-JPEG generator of the input-pipeline checks, compiled: the bundled runtime has no javac.
javac -d "$bundle/tools" benchmarks/data/MakeImages.java
du -sh "$bundle" "$bundle"/*
