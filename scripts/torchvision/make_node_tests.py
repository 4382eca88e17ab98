#!/usr/bin/python3
"""Writes ONNX backend node tests (model.onnx, test_data_set_N/input_K.pb, output_K.pb) from the
case definitions the onnx Python package ships (onnx/backend/test/case/node, Apache-2.0, the same
definitions that produce onnx/onnx's onnx/backend/test/data/node), for the operator prefixes given.
Debian's python3-onnx 1.12 ships the definitions but not the data; its own generator
(python -m onnx.backend.test.cmd_tools generate-data) stops on numpy aliases newer numpy removed,
hence this driver.

    /usr/bin/python3 scripts/torchvision/make_node_tests.py OUT_DIR hardsigmoid,resize,reduce_mean,...
"""
import numpy as np, os, sys
for alias, t in (("complex", complex), ("float", float), ("int", int), ("bool", bool), ("object", object)):
    if not hasattr(np, alias): setattr(np, alias, t)
import onnx.backend.test.case.node as node_test
from onnx import numpy_helper
out = sys.argv[1]
want = sys.argv[2].split(",")
n = 0
for case in node_test.collect_testcases(None):
    if not any(case.name.startswith("test_" + w) for w in want) or "expanded" in case.name: continue
    d = os.path.join(out, case.name); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "model.onnx"), "wb").write(case.model.SerializeToString())
    for i, (inputs, outputs) in enumerate(case.data_sets):
        s = os.path.join(d, f"test_data_set_{i}"); os.makedirs(s, exist_ok=True)
        for j, x in enumerate(inputs):
            open(os.path.join(s, f"input_{j}.pb"), "wb").write(numpy_helper.from_array(x, case.model.graph.input[j].name).SerializeToString())
        for j, x in enumerate(outputs):
            open(os.path.join(s, f"output_{j}.pb"), "wb").write(numpy_helper.from_array(x, case.model.graph.output[j].name).SerializeToString())
    n += 1
print(n, "cases")
