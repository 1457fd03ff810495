#!/usr/bin/python3
"""Writes NAME.onnx beside each NAME.onnxtxt here: what ONNX's own parser (onnx.parser,
Debian's python3-onnx) makes of the text. Kiln's tests compare its parser against them.

Run with Debian's python: /usr/bin/python3 make_expected.py [DIR]
"""
import pathlib
import sys

import onnx
import onnx.parser

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
for text_file in sorted(folder.glob("*.onnxtxt")):
    model = onnx.parser.parse_model(text_file.read_text(encoding="utf-8"))
    text_file.with_suffix(".onnx").write_bytes(model.SerializeToString())
    print(f"{text_file.name} -> {text_file.with_suffix('.onnx').name} (onnx {onnx.__version__})")
