"""Export a LowFormer variant with seeded random weights to ONNX, with an input
and PyTorch's output for it, so that Kiln can be tested end to end.

    /usr/bin/python3 export.py --variant b0 --opset 13 --out DIR
    /usr/bin/python3 export.py --check          # params/MACs of all variants vs ARCHITECTURE.md

Writes DIR/<stem>.onnx, <stem>.input.bin, <stem>.output.bin and <stem>.json, where
stem = lowformer_<variant>_op<opset>[_dynbatch|_dynhw][_<size> when size != 224].
"""

import argparse
import collections
import json
import math
import os
import sys

import onnx
import torch
from torch import nn

import lowformer

# ARCHITECTURE.md, "Op set seen in LowFormer exports". Anything else in an export
# means the model or the exporter changed and the compiler may not be ready for it.
EXPECTED_OPS = {
    "Conv", "ConvTranspose", "Add", "Mul", "Div", "Sub", "Pow", "Sqrt", "Erf",
    "HardSigmoid", "HardSwish", "MatMul", "Gemm", "Softmax", "Transpose", "Reshape",
    "Slice", "Shape", "Gather", "Unsqueeze", "Concat", "Constant",
    "InstanceNormalization", "LayerNormalization", "ReduceMean", "GlobalAveragePool",
    "Flatten",
    "Identity",  # ARCHITECTURE.md: "Identity nodes may just pass initializers along"
}


def randomise(model, seed):
    """Seeded random weights that keep activations O(1) through the network, and
    non-trivial normalisation parameters so that a wrongly folded BN, GroupNorm
    or LayerNorm changes the output visibly."""
    g = torch.Generator().manual_seed(seed)

    def normal(shape, std):
        return torch.randn(shape, generator=g) * std

    def uniform(shape, low, high):
        return torch.rand(shape, generator=g) * (high - low) + low

    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                # Unit gain: std 1/sqrt(fan_in), fan_in = Cin/groups * k * k.
                m.weight.copy_(normal(m.weight.shape, 1 / math.sqrt(m.weight[0].numel())))
                if m.bias is not None:
                    m.bias.copy_(normal(m.bias.shape, 0.1))
            elif isinstance(m, nn.ConvTranspose2d):
                # Each output sees Cin * k*k / stride^2 inputs.
                taps = m.kernel_size[0] * m.kernel_size[1] / (m.stride[0] * m.stride[1])
                m.weight.copy_(normal(m.weight.shape, 1 / math.sqrt(m.in_channels * taps)))
                m.bias.copy_(normal(m.bias.shape, 0.1))
            elif isinstance(m, nn.Linear):
                m.weight.copy_(normal(m.weight.shape, 1 / math.sqrt(m.in_features)))
                if m.bias is not None:
                    m.bias.copy_(normal(m.bias.shape, 0.1))
            elif isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(normal(c, 0.1))
                m.running_var.copy_(uniform(c, 0.5, 1.5))
                m.weight.copy_(uniform(c, 0.5, 1.5))
                m.bias.copy_(normal(c, 0.1))
            elif isinstance(m, (nn.GroupNorm, nn.LayerNorm)):
                m.weight.copy_(uniform(m.weight.shape, 0.5, 1.5))
                m.bias.copy_(normal(m.bias.shape, 0.1))
    calibrate_attention(model, seed)


def calibrate_attention(model, seed, score_std=3.0):
    """Scale the Q and K rows of every attention's qkv conv so that, on a random
    input, its scores Q K^T / sqrt(d) have std `score_std`. With plain unit-gain
    weights the pre-normed (B-series) attentions get scores of std ~1, a nearly
    uniform softmax that would hide a Q/K mix-up, while E3 (no pre-norm) gets
    scores of std in the hundreds deep in stage 4, a saturated softmax whose
    float32 rounding alone moves the logits by 1e-3. One forward pass in network
    order, so each attention is calibrated on already calibrated inputs; V and
    everything else keep their weights. Deterministic for a given seed."""

    def scale_qk(attn, inputs):
        qkv = attn.qkv(attn.reduce(inputs[0]))
        n, _, h, w = qkv.shape
        qkv = qkv.reshape(n, attn.nh, 3 * attn.d, h * w)
        q, k = qkv[:, :, :attn.d], qkv[:, :, attn.d:2 * attn.d]
        scores = q.transpose(-1, -2) @ k / attn.scale
        factor = math.sqrt(score_std / scores.std().item())  # scores scale by factor^2
        weight = attn.qkv.weight.view(attn.nh, 3 * attn.d, -1)  # per head: Q, K, V rows
        weight[:, :2 * attn.d] *= factor

    hooks = [m.register_forward_pre_hook(scale_qk)
             for m in model.modules() if isinstance(m, lowformer.Lowtention)]
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(seed + 2))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()


def file_stem(variant, opset, dynamic, size):
    stem = f"lowformer_{variant}_op{opset}"
    stem += {"none": "", "batch": "_dynbatch", "hw": "_dynhw"}[dynamic]
    if size != 224:
        stem += f"_{size}"
    return stem


def op_histogram(path):
    graph = onnx.load(path).graph
    return collections.Counter(node.op_type for node in graph.node)


def export(args):
    model = lowformer.build(args.variant).eval()
    randomise(model, args.seed)
    params, macs = lowformer.count_params_macs(model, args.size)

    # The input comes from its own generator, so it does not depend on the model.
    gen = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=gen)
    with torch.no_grad():
        logits = model(x)

    dynamic_axes = {
        "none": None,
        "batch": {"input": {0: "batch"}, "logits": {0: "batch"}},
        "hw": {"input": {2: "height", 3: "width"}},
    }[args.dynamic]

    os.makedirs(args.out, exist_ok=True)
    stem = file_stem(args.variant, args.opset, args.dynamic, args.size)
    base = os.path.join(args.out, stem)
    torch.onnx.export(model, x, base + ".onnx", opset_version=args.opset,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, dynamic_axes=dynamic_axes)

    # Raw little-endian float32, row-major (NCHW for the input).
    x.numpy().astype("<f4").tofile(base + ".input.bin")
    logits.numpy().astype("<f4").tofile(base + ".output.bin")
    meta = {
        "variant": args.variant,
        "opset": args.opset,
        "dynamic": args.dynamic,
        "input_name": "input",
        "input_shape": list(x.shape),
        "output_name": "logits",
        "output_shape": list(logits.shape),
        "params": params,
        "macs": macs,  # per image, at this input size
        "torch_version": torch.__version__,
        "seed": args.seed,
    }
    with open(base + ".json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")

    onnx.checker.check_model(base + ".onnx")  # by path: works past protobuf's 2 GB too
    hist = op_histogram(base + ".onnx")
    print(f"{stem}.onnx: {os.path.getsize(base + '.onnx'):,} bytes, "
          f"{sum(hist.values())} nodes, params {params:,}, MMACs {macs / 1e6:.2f}")
    for op, n in sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {op:24} {n}")
    print(f"max |logit| = {logits.abs().max().item():.4f}")
    unexpected = sorted(set(hist) - EXPECTED_OPS)
    if unexpected:
        print(f"ERROR: ops outside ARCHITECTURE.md's list: {unexpected}", file=sys.stderr)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", choices=sorted(lowformer.VARIANTS))
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--dynamic", choices=["none", "batch", "hw"], default="none")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="output folder")
    p.add_argument("--check", action="store_true",
                   help="check params and MACs of every released variant against "
                        "ARCHITECTURE.md; exit 1 on a mismatch")
    args = p.parse_args()
    if args.check:
        return 0 if lowformer.check_variants() else 1
    if not args.variant or not args.out:
        p.error("--variant and --out are needed (or --check)")
    return export(args)


if __name__ == "__main__":
    sys.exit(main())
