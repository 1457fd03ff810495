"""Export torchvision classification models with seeded random weights to ONNX,
with an input and PyTorch's output for it, so that Kiln can be checked on real
networks beyond LowFormer.

    /usr/bin/python3 export.py --model resnet18 --opset 17 --out DIR
    /usr/bin/python3 export.py --list            # the models and why others are left out

Writes DIR/<model>_op<opset>.onnx, .input.bin, .output.bin (raw little-endian
float32, input NCHW [1, 3, S, S]) and .json (shapes, op histogram, versions).
"""
import argparse
import collections
import json
import math
import os
import sys

import onnx
import torch
import torchvision
from torch import nn

# name -> input size. Every classification model of torchvision 0.14 whose export
# uses only operators Kiln supports; the ones left out say why in EXCLUDED.
MODELS = {
    "alexnet": 224,
    "convnext_tiny": 224,
    "densenet121": 224,
    "efficientnet_b0": 224,
    "efficientnet_v2_s": 384,
    "googlenet": 224,
    "inception_v3": 299,
    "mnasnet0_5": 224,
    "mobilenet_v2": 224,
    "mobilenet_v3_large": 224,
    "mobilenet_v3_small": 224,
    "regnet_x_400mf": 224,
    "regnet_y_400mf": 224,
    "resnet18": 224,
    "resnet50": 224,
    "resnext50_32x4d": 224,
    "shufflenet_v2_x1_0": 224,
    "squeezenet1_1": 224,
    "swin_t": 224,
    "vgg11_bn": 224,
    "vit_b_16": 224,
    "wide_resnet50_2": 224,
}

# Left out, with the reason. The larger sizes of the families above (resnet34/101/152,
# efficientnet_b1..b7, vit_l_16, convnext_base, ...) export to the same operators and
# are left out only to keep the check's time reasonable.
EXCLUDED = {}


def randomise(model, seed):
    """Seeded random weights with O(1) activations and non-trivial normalisation.

    Linear layers get unit-gain normal weights (torchvision zero-initialises some
    heads, which would make every logit equal). BatchNorm's affine parameters are
    randomised, so that a wrongly folded BN changes the output, and then its
    statistics are measured on seeded random batches, so that eval-mode BN really
    normalises and activations stay O(1) however deep the network. ConvNeXt's layer scale (1e-6 at init) is raised so that
    its blocks are not identities."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) / math.sqrt(m.in_features))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            if hasattr(m, "layer_scale") and isinstance(m.layer_scale, nn.Parameter):
                m.layer_scale.copy_(torch.rand(m.layer_scale.shape, generator=g) * 0.4 + 0.1)
        norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        for m in norms:
            m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
            m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            m.reset_running_stats()
            m.momentum = None  # a plain average over the calibration batches
        if norms:
            # Only the BatchNorms learn: dropout and stochastic depth stay in eval mode, so the
            # statistics are those of the network that is exported.
            model.eval()
            for m in norms:
                m.train()
            for _ in range(3):
                model(torch.randn(4, 3, model.kiln_size, model.kiln_size, generator=g))
    model.eval()


def build(name, seed):
    torch.manual_seed(seed)  # torchvision's own initialisation
    kwargs = {"weights": None}
    if name in ("googlenet", "inception_v3"):
        kwargs["aux_logits"] = False
        kwargs["init_weights"] = True
    model = getattr(torchvision.models, name)(**kwargs)
    model.kiln_size = MODELS[name]
    randomise(model, seed)
    return model


def op_histogram(path):
    return collections.Counter(node.op_type for node in onnx.load(path).graph.node)


def export(name, opset, out, seed=0):
    model = build(name, seed)
    size = MODELS[name]
    x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        logits = model(x)
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, f"{name}_op{opset}")
    torch.onnx.export(model, x, base + ".onnx", opset_version=opset,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)
    x.numpy().astype("<f4").tofile(base + ".input.bin")
    logits.numpy().astype("<f4").tofile(base + ".output.bin")
    hist = op_histogram(base + ".onnx")
    meta = {
        "model": name,
        "opset": opset,
        "input_name": "input",
        "input_shape": list(x.shape),
        "output_name": "logits",
        "output_shape": list(logits.shape),
        "params": sum(p.numel() for p in model.parameters()),
        "nodes": sum(hist.values()),
        "ops": dict(sorted(hist.items())),
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "seed": seed,
    }
    with open(base + ".json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"{name}_op{opset}.onnx: {os.path.getsize(base + '.onnx'):,} bytes, {meta['nodes']} nodes, "
          f"max |logit| {logits.abs().max().item():.3f}, ops {', '.join(sorted(hist))}")
    return base


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append", help="a model of MODELS (repeatable; default: all)")
    p.add_argument("--opset", type=int, action="append", help="13 and/or 17 (default: both)")
    p.add_argument("--out", default="target/torchvision")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    if args.list:
        for name, size in MODELS.items():
            print(f"{name:22} {size}")
        for name, reason in EXCLUDED.items():
            print(f"# {name}: {reason}")
        return 0
    for name in args.model or MODELS:
        if name not in MODELS:
            print(f"unknown model {name}; --list shows them", file=sys.stderr)
            return 2
        for opset in args.opset or [13, 17]:
            export(name, opset, args.out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
