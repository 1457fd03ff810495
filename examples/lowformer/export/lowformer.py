"""LowFormer model family in plain PyTorch, written from shared/lowformer/ARCHITECTURE.md.

Only the inference graph matters here (Kiln compiles what torch.onnx.export
makes of it), so there is no DropPath, no dropout and no training code.

    model = build("b0")            # any id from VARIANTS
    params, macs = count_params_macs(model, size=224)
"""

import math

import torch
from torch import nn


def conv_bn(cin, cout, k, stride=1, groups=1, bias=False):
    """Conv (padding k // 2, "same") followed by BatchNorm2d (eps 1e-5)."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=bias),
        nn.BatchNorm2d(cout, eps=1e-5),
    )


class FusedMBConv(nn.Module):
    """3x3 conv (stride s) Cin -> Cin*e, BN, Hardswish; 1x1 conv Cin*e -> Cout, BN.

    `bias` puts a bias on the 3x3 conv (the local part of a LowFormerBlock has
    one, and is still followed by BN). `residual` adds the input back (only
    when the shapes agree: stride 1, Cin == Cout).
    """

    def __init__(self, cin, cout, stride=1, expand=4, bias=False, residual=False):
        super().__init__()
        assert not residual or (stride == 1 and cin == cout)
        mid = cin * expand
        self.residual = residual
        self.spatial = conv_bn(cin, mid, 3, stride, bias=bias)
        self.act = nn.Hardswish()
        self.point = conv_bn(mid, cout, 1)

    def forward(self, x):
        y = self.point(self.act(self.spatial(x)))
        return x + y if self.residual else y


class MBConv(nn.Module):
    """Local part of LowFormerBlocks with wide C: 1x1 C -> 4C (bias), Hardswish;
    depthwise 3x3 (bias), Hardswish; 1x1 4C -> C (no bias), BN. No BN on the
    first two convs. The residual is added by the block."""

    def __init__(self, c, expand=4):
        super().__init__()
        mid = c * expand
        self.expand = nn.Conv2d(c, mid, 1, bias=True)
        self.act1 = nn.Hardswish()
        self.depthwise = nn.Conv2d(mid, mid, 3, 1, 1, groups=mid, bias=True)
        self.act2 = nn.Hardswish()
        self.project = conv_bn(mid, c, 1)

    def forward(self, x):
        return self.project(self.act2(self.depthwise(self.act1(self.expand(x)))))


def attention_heads(c):
    """(nh, d) of the attention on C channels: nh = max(1, floor(0.5*C/30)),
    d = floor(C/nh) * 0.5, and nh*d = C/2."""
    nh = max(1, int(0.5 * c / 30))
    d = (c // nh) // 2
    assert 2 * nh * d == c, f"width {c} gives nh={nh}, d={d}: nh*d != C/2"
    return nh, d


class Lowtention(nn.Module):
    """LowFormer's attention on C x H x W.

    downsample=True (stage 3): reduce with a 5x5 stride-2 depthwise conv and
    come back with a 4x4 stride-2 ConvTranspose. downsample=False (stage 4):
    3x3 stride 1 for both. The ConvTranspose is the output projection too.
    """

    def __init__(self, c, downsample):
        super().__init__()
        self.nh, self.d = attention_heads(c)
        inner = self.nh * self.d  # = C / 2
        k, s = (5, 2) if downsample else (3, 1)
        self.reduce = conv_bn(c, c, k, s, groups=c)
        self.qkv = nn.Conv2d(c, 3 * inner, 1, bias=False)
        kt = 4 if downsample else 3
        self.proj = nn.ConvTranspose2d(inner, c, kt, stride=s, padding=1, bias=True)
        self.scale = math.sqrt(self.d)

    def forward(self, x):
        n, c, height, width = x.shape
        qkv = self.qkv(self.reduce(x))
        h, w = qkv.shape[2], qkv.shape[3]
        # Per head 3d channels: the first d are Q, the next d K, the last d V.
        # Tokens are row-major over (h, w).
        qkv = qkv.reshape(n, self.nh, 3 * self.d, h * w).transpose(-1, -2)  # [N, nh, L, 3d]
        q, k, v = qkv.chunk(3, dim=-1)  # each [N, nh, L, d]
        scores = (q @ k.transpose(-1, -2)) / self.scale  # a Div by the constant sqrt(d)
        o = scores.softmax(dim=-1) @ v  # [N, nh, L, d]
        # Back to image form: channel = head * d + j.
        o = o.transpose(-1, -2).reshape(n, self.nh * self.d, h, w)
        o = self.proj(o)
        # The ConvTranspose gives 2*ceil(H/2) rows in stage 3: crop back to H x W.
        return o[:n, :c, :height, :width]


class MLP(nn.Module):
    """1x1 conv C -> 4C (bias), exact (erf) GELU, 1x1 conv 4C -> C (bias)."""

    def __init__(self, c, expand=4):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c * expand, 1, bias=True)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(c * expand, c, 1, bias=True)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class LowFormerBlock(nn.Module):
    """form "b":  x += attn(GN(x)); x += MLP(GN'(x)); x += local(x)
    form "e3": x += attn(x);                       x += local(x)
    form "e":                                      x += local(x)
    local = FusedMBConv(e=4, bias on the 3x3) when C < mbconv_from, else MBConv(e=4).
    """

    def __init__(self, c, form, downsample_attention, mbconv_from=256):
        super().__init__()
        assert form in ("b", "e3", "e")
        self.form = form
        if form == "b":
            self.norm1 = nn.GroupNorm(1, c, eps=1e-5)
        if form in ("b", "e3"):
            self.attn = Lowtention(c, downsample_attention)
        if form == "b":
            self.norm2 = nn.GroupNorm(1, c, eps=1e-5)
            self.mlp = MLP(c)
        if c < mbconv_from:
            self.local = FusedMBConv(c, c, 1, expand=4, bias=True)
        else:
            self.local = MBConv(c)

    def forward(self, x):
        if self.form == "b":
            x = x + self.attn(self.norm1(x))
            x = x + self.mlp(self.norm2(x))
        elif self.form == "e3":
            x = x + self.attn(x)
        return x + self.local(x)


class Head(nn.Module):
    """1x1 conv C -> W1 (no bias), BN, Hardswish; global average pool; flatten;
    Linear W1 -> W2 (no bias); LayerNorm; Hardswish; Linear W2 -> classes (bias)."""

    def __init__(self, c, w1, w2, classes):
        super().__init__()
        self.conv = conv_bn(c, w1, 1)
        self.act1 = nn.Hardswish()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(w1, w2, bias=False)
        self.norm = nn.LayerNorm(w2, eps=1e-5)
        self.act2 = nn.Hardswish()
        self.fc2 = nn.Linear(w2, classes, bias=True)

    def forward(self, x):
        x = self.pool(self.act1(self.conv(x))).flatten(1)
        return self.fc2(self.act2(self.norm(self.fc1(x))))


class LowFormer(nn.Module):
    def __init__(self, widths, depths, head, form, down_expand=6, mbconv_from=256,
                 classes=1000):
        super().__init__()
        w, d = widths, depths
        # Stem at 1/2 resolution: 3x3 stride-2 conv, then d0 residual FusedMBConvs.
        stem = [conv_bn(3, w[0], 3, 2), nn.Hardswish()]
        stem += [FusedMBConv(w[0], w[0], 1, 4, residual=True) for _ in range(d[0])]
        self.stem = nn.Sequential(*stem)
        # Stages 1 and 2: d blocks in all, the first one downsamples (no residual).
        self.stage1 = self._conv_stage(w[0], w[1], d[1], down_expand)
        self.stage2 = self._conv_stage(w[1], w[2], d[2], down_expand)
        # Stages 3 and 4: one downsampling FusedMBConv PLUS d LowFormerBlocks.
        # The attention halves the 14x14 map of stage 3 and keeps the 7x7 of stage 4.
        self.stage3 = nn.Sequential(
            FusedMBConv(w[2], w[3], 2, down_expand),
            *[LowFormerBlock(w[3], form, True, mbconv_from) for _ in range(d[3])])
        self.stage4 = nn.Sequential(
            FusedMBConv(w[3], w[4], 2, down_expand),
            *[LowFormerBlock(w[4], form, False, mbconv_from) for _ in range(d[4])])
        self.head = Head(w[4], head[0], head[1], classes)

    @staticmethod
    def _conv_stage(cin, cout, depth, down_expand):
        blocks = [FusedMBConv(cin, cout, 2, down_expand)]
        blocks += [FusedMBConv(cout, cout, 1, 4, residual=True) for _ in range(depth - 1)]
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.stem(x)
        x = self.stage2(self.stage1(x))
        x = self.stage4(self.stage3(x))
        return self.head(x)


# The released variants (ARCHITECTURE.md's table) and two small test models.
# form: "b" = attention + MLP with GroupNorm pre-norms, "e3" = attention without
# pre-norm and no MLP, "e" = local blocks only. down_expand is the expansion of
# the stride-2 FusedMBConvs (4 for B0, 6 elsewhere).
VARIANTS = {
    "b0": dict(widths=(16, 32, 64, 128, 256), depths=(0, 1, 1, 3, 4), head=(1536, 1600), form="b", down_expand=4),
    "b1": dict(widths=(16, 32, 64, 128, 256), depths=(0, 1, 1, 5, 5), head=(1536, 1600), form="b"),
    "b15": dict(widths=(20, 40, 80, 160, 320), depths=(0, 1, 1, 6, 6), head=(2304, 2560), form="b"),
    "b2": dict(widths=(24, 48, 96, 192, 384), depths=(0, 1, 1, 6, 6), head=(2304, 2560), form="b"),
    "b3": dict(widths=(32, 64, 128, 256, 512), depths=(1, 2, 3, 6, 6), head=(1536, 1600), form="b"),
    "e1": dict(widths=(20, 40, 80, 160, 320), depths=(0, 1, 1, 4, 4), head=(2304, 2560), form="e"),
    "e2": dict(widths=(32, 64, 128, 256, 512), depths=(1, 2, 3, 4, 4), head=(1536, 1600), form="e"),
    "e3": dict(widths=(32, 64, 128, 256, 512), depths=(1, 2, 3, 6, 6), head=(1536, 1600), form="e3"),
    # Reduced width, every block type kept: a stem FusedMBConv (residual, stride 1),
    # stride-2 FusedMBConvs, stage 3 (C=32, 1 head, d=16) with a FusedMBConv local
    # part, stage 4 (C=128, 2 heads, d=32) with an MBConv local part (threshold
    # lowered to 128), the 1000-class head. Narrow and with a small head so that
    # three committed fixtures stay under 10 MB (~0.6 M parameters, 2.4 MB each);
    # 128 is the narrowest stage 4 with 2 heads of d=32.
    "tiny": dict(widths=(8, 16, 24, 32, 128), depths=(1, 1, 1, 1, 1), head=(128, 48), form="b",
                 down_expand=4, mbconv_from=128),
    "tiny_e3": dict(widths=(8, 16, 24, 32, 128), depths=(1, 1, 1, 1, 1), head=(128, 48), form="e3",
                    down_expand=4, mbconv_from=128),
}

# ARCHITECTURE.md: parameters and MMACs at 224x224.
EXPECTED = {
    "b0": (14_100_472, 944),
    "b1": (17_936_312, 1411),
    "b15": (33_982_028, 2574),
    "b2": (44_986_912, 3689),
    "b3": (57_086_920, 6099),
    "e1": (18_896_268, 1348),
    "e2": (22_750_664, 3789),
    "e3": (41_316_808, 4866),
}


def build(variant):
    return LowFormer(**VARIANTS[variant])


def count_params_macs(model, size=224):
    """Parameters (BN's running statistics are buffers, not counted) and
    multiply-accumulates for one image of size x size, by ARCHITECTURE.md's rule:
    Conv by output elements, ConvTranspose by input elements, Linear in*out,
    attention 2*nh*L^2*d (Q K^T and A V); biases, norms, activations, softmax
    and pooling are not counted."""
    params = sum(p.numel() for p in model.parameters())
    macs = 0

    def conv_hook(m, inputs, out):
        nonlocal macs
        k = m.kernel_size[0] * m.kernel_size[1]
        macs += out.numel() * (m.in_channels // m.groups) * k

    def convt_hook(m, inputs, out):
        nonlocal macs
        k = m.kernel_size[0] * m.kernel_size[1]
        macs += inputs[0].numel() * (m.out_channels // m.groups) * k

    def linear_hook(m, inputs, out):
        nonlocal macs
        macs += out.numel() * m.in_features

    def attention_hook(m, inputs, out):
        nonlocal macs
        qkv_out = m.qkv_shape
        length = qkv_out[2] * qkv_out[3]
        macs += qkv_out[0] * 2 * m.nh * length * length * m.d

    def remember_qkv_shape(owner):
        def hook(m, inputs, out):
            owner.qkv_shape = out.shape  # [N, 3*nh*d, h, w]: the attention's L = h*w
        return hook

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.ConvTranspose2d):
            handles.append(m.register_forward_hook(convt_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
        elif isinstance(m, Lowtention):
            handles.append(m.qkv.register_forward_hook(remember_qkv_shape(m)))
            handles.append(m.register_forward_hook(attention_hook))
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, size, size))
    finally:
        for h in handles:
            h.remove()
    return params, macs


def check_variants(out=print):
    """Compare every released variant with ARCHITECTURE.md's table; True if all match."""
    ok = True
    out(f"{'variant':8} {'params':>12} {'expected':>12} {'MMACs':>10} {'expected':>8}  result")
    for name, (want_params, want_mmacs) in EXPECTED.items():
        model = build(name).eval()
        params, macs = count_params_macs(model)
        good = params == want_params and round(macs / 1e6) == want_mmacs
        ok &= good
        out(f"{name:8} {params:>12,} {want_params:>12,} {macs / 1e6:>10.2f} {want_mmacs:>8}  "
            f"{'ok' if good else 'MISMATCH'}")
    return ok
