#!/usr/bin/python3
"""Writes the non-finite test cases here: for each, NAME.onnx (torch.onnx.export),
NAME.input.bin (a seeded input holding NaN, +inf and -inf at chosen places) and
NAME.output.bin (PyTorch's output for it), float32 little-endian. NonFiniteValuesTest
compiles each model with Kiln and compares its output with PyTorch's, and records
where ONNX Runtime differs.

Each model is one of Kiln's fused kernels (FusedConv with each activation, pointwise,
depthwise and with a residual; LayerNormalization; GroupNormalization; Softmax;
LowFormer's attention) or an activation alone, small, with the non-finite values placed
so that part of the output stays finite.

Run with Debian's python: /usr/bin/python3 make_expected.py [DIR]
"""
import math
import pathlib
import sys

import torch
from torch import nn

NAN, INF = float("nan"), float("inf")
OPSET = 17

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.1),
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "hardsigmoid": nn.Hardsigmoid,
    "hardswish": nn.Hardswish,
    "gelu": nn.GELU,
    "relu6": nn.ReLU6,
    "clip": lambda: nn.Hardtanh(-0.5, 0.75),
}


class ConvChain(nn.Module):
    """3x3 conv 4 -> 8, pointwise 8 -> 16, depthwise 3x3: each with the activation."""

    def __init__(self, act):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(4, 8, 3, padding=1), act(),
            nn.Conv2d(8, 16, 1), act(),
            nn.Conv2d(16, 16, 3, padding=1, groups=16), act())

    def forward(self, x):
        return self.layers(x)


class ConvResidual(nn.Module):
    """x + act(pointwise conv(x)): a FusedConv with a residual input."""

    def __init__(self, act):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 1)
        self.act = act()

    def forward(self, x):
        return x + self.act(self.conv(x))


class GroupNormThenScale(nn.Module):
    """GroupNorm(2 groups of 4 channels), then a per-channel (depthwise 1x1) conv that keeps groups apart."""

    def __init__(self):
        super().__init__()
        self.norm = nn.GroupNorm(2, 8)
        self.scale = nn.Conv2d(8, 8, 1, groups=8)

    def forward(self, x):
        return self.scale(self.norm(x))


class Softmax(nn.Module):
    def forward(self, x):
        return x.softmax(dim=-1)


class Attention(nn.Module):
    """The core of LowFormer's Lowtention (examples/lowformer/export/lowformer.py) on its
    QKV tensor [N, heads * 3d, h, w]; Kiln fuses it into one dev.kiln.Attention."""

    def __init__(self, heads, d):
        super().__init__()
        self.nh, self.d = heads, d
        self.scale = math.sqrt(d)

    def forward(self, qkv):
        n, _, h, w = qkv.shape
        qkv = qkv.reshape(n, self.nh, 3 * self.d, h * w).transpose(-1, -2)
        q, k, v = qkv.chunk(3, dim=-1)
        scores = (q @ k.transpose(-1, -2)) / self.scale
        o = scores.softmax(dim=-1) @ v
        return o.transpose(-1, -2).reshape(n, self.nh * self.d, h, w)


def seeded(shape, seed, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g) * 2 - 1) * scale


def randomise(model, seed):
    """Seeded weights; biases too, so that a conv's output is never exactly 0."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * 0.7)
    return model.eval()


def image_input(channels, size, seed):
    """An image with NaN, +inf and -inf at three places far enough apart for finite outputs between them."""
    x = seeded((1, channels, size, size), seed)
    x[0, 0, 1, 1] = NAN
    x[0, 1, size - 2, size - 3] = INF
    x[0, 2 % channels, 2, size - 2] = -INF
    return x


def cases():
    for name, act in ACTIVATIONS.items():
        yield f"conv_{name}", randomise(ConvChain(act), 1), image_input(4, 10, 2)
    # Alone (an element-wise kernel, not a convolution's epilogue), on 37 values: vector bodies and a tail.
    edges = torch.tensor([NAN, INF, -INF, -0.0, 0.0, 1e30, -1e30, 1e-40, -1e-40, 3.0, -3.0, 6.0, -6.0])
    x = torch.cat([edges, seeded(24, 12, 8)]).reshape(1, 37)
    for name, act in ACTIVATIONS.items():
        yield f"activation_{name}", act().eval(), x
    for name in ("relu", "hardswish"):
        yield f"conv_residual_{name}", randomise(ConvResidual(ACTIVATIONS[name]), 3), image_input(8, 6, 4)

    x = seeded((1, 7, 16), 5)
    x[0, 1, 3] = NAN          # a row with NaN
    x[0, 2, 5] = INF          # with +inf
    x[0, 3, 0] = -INF         # with -inf
    x[0, 4, 2], x[0, 4, 9] = INF, -INF
    yield "layernorm", randomise(nn.LayerNorm(16), 6), x

    x = seeded((2, 8, 4, 4), 7)
    x[0, 1, 2, 3] = NAN       # item 0, group 0; its group 1 stays finite
    x[1, 2, 0, 0] = INF       # item 1, group 0
    x[1, 6, 3, 1] = -INF      # item 1, group 1
    yield "groupnorm", randomise(GroupNormThenScale(), 8), x

    x = seeded((1, 8, 6), 9, 3)
    x[0, 1, 2] = NAN
    x[0, 2, 4] = INF
    x[0, 3, 0] = -INF
    x[0, 4, :] = -INF         # every value -inf: 0/0
    x[0, 5, 1], x[0, 5, 3] = INF, INF
    x[0, 6, 0], x[0, 6, 5] = INF, -INF
    yield "softmax", Softmax(), x

    heads, d, h, w = 2, 4, 5, 5
    x = seeded((1, heads * 3 * d, h, w), 10, 2)
    x[0, 0, 0, 3] = NAN                  # head 0, Q channel 0, token 3: that query's row
    x[0, 2 * d + 1, 1, 2] = INF          # head 0, V channel 1, token 7: that channel of every row
    x[0, 3 * d + d + 2, 2, 0] = -INF     # head 1, K channel 2, token 10: rows whose q[2] > 0 see a +inf score
    yield "attention", Attention(heads, d), x
    # Huge finite inputs: scores near 1e30, whose exp is finite only once the row's maximum is subtracted.
    yield "attention_huge", Attention(heads, d), seeded((1, heads * 3 * d, h, w), 11, 1e15)


def main():
    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name, model, x in cases():
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, (x,), str(folder / f"{name}.onnx"), opset_version=OPSET,
                          input_names=["x"], output_names=["y"])
        (folder / f"{name}.input.bin").write_bytes(x.numpy().astype("<f4").tobytes())
        (folder / f"{name}.output.bin").write_bytes(y.numpy().astype("<f4").tobytes())
        finite = torch.isfinite(y).float().mean().item()
        print(f"{name}: input {list(x.shape)}, output {list(y.shape)}, {finite:.0%} finite (torch {torch.__version__})")


if __name__ == "__main__":
    main()
