#!/usr/bin/env python3
"""Runs ONNX's own checker, with full_check (strict shape inference), on every file named: exit 0 when
all pass, else 1 after naming each file that fails and why. Used by Cortado's OnnxCheckerTest."""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f"ok {path}")
    except Exception as e:  # the checker raises ValidationError, shape inference InferenceError
        failed += 1
        print(f"FAILED {path}: {type(e).__name__}: {e}")
print(f"onnx {onnx.__version__}: {len(sys.argv) - 1 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
