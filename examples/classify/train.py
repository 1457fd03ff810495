"""Train the classify example's model: a small CNN on scikit-learn's 8x8
handwritten digits, exported to ONNX, with held-out images and PyTorch's
predictions for them.

    apt-get install -y python3-sklearn python3-torch python3-onnx
    /usr/bin/python3 train.py            # from examples/classify; about a minute

Writes, relative to this file:
  src/main/onnx/digits.onnx   input "image" float[1,1,8,8], output "logits" float[1,10]
  digits/NN_dD.png            50 held-out images, 5 per class, 8x8 8-bit grey (white ink on black)
  digits/pytorch.csv          file, true label, PyTorch's top-1 and its 10 logits for each image

The digits are 0..16; an image stores round(v * 255 / 16). The model reads
x = (pixel / 255 - MEAN) / STD, the same for training and for the held-out
images, whose PyTorch predictions come from the PNG files as written. MEAN and
STD are the Java program's defaults (classify.Main): change both together.
"""
import csv
import os

import numpy as np
import onnx
import torch
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = 0.3   # the training pixels' mean and standard deviation (0.305 and 0.376), rounded
STD = 0.4
SEED = 0
PER_CLASS = 5  # held-out images committed per class


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2),  # 8x8 -> 4x4
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(32 * 4 * 4, 10),
    )


def normalise(pixels):
    """uint8 images [N, 8, 8] -> the model's input [N, 1, 8, 8]."""
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0)
    return ((x - MEAN) / STD).unsqueeze(1)


def shifted(x, g):
    """Each image moved by up to one pixel in each direction (zero fill): a little augmentation."""
    out = torch.zeros_like(x)
    dy, dx = torch.randint(-1, 2, (2,), generator=g).tolist()
    fill = -MEAN / STD  # a black pixel after normalisation
    out.fill_(fill)
    src = x[..., max(0, -dy):8 - max(0, dy), max(0, -dx):8 - max(0, dx)]
    out[..., max(0, dy):8 - max(0, -dy), max(0, dx):8 - max(0, -dx)] = src
    return out


def train(model, x, y):
    g = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(40):
        model.train()
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            batch = order[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(shifted(x[batch], g)), y[batch])
            loss.backward()
            opt.step()
        sched.step()
    model.eval()


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # reproducible, and fast enough for 1,347 8x8 images
    digits = load_digits()
    pixels = np.round(digits.images * 255.0 / 16.0).astype(np.uint8)
    labels = digits.target
    train_px, test_px, train_y, test_y = train_test_split(
        pixels, labels, test_size=0.25, stratify=labels, random_state=SEED)
    print(f"training pixels: mean {train_px.mean() / 255:.3f} std {train_px.std() / 255:.3f}"
          f" (the model uses {MEAN} and {STD})")

    model = build_model()
    train(model, normalise(train_px), torch.from_numpy(train_y).long())
    with torch.no_grad():
        predicted = model(normalise(test_px)).argmax(1).numpy()
    print(f"held-out accuracy: {(predicted == test_y).mean():.4f} on {len(test_y)} images")

    onnx_path = os.path.join(HERE, "src", "main", "onnx", "digits.onnx")
    os.makedirs(os.path.dirname(onnx_path), exist_ok=True)
    torch.onnx.export(model, normalise(test_px[:1]), onnx_path, opset_version=17,
                      input_names=["image"], output_names=["logits"])
    onnx.checker.check_model(onnx.load(onnx_path))
    print(f"wrote {onnx_path}")

    # The committed images: the first PER_CLASS held-out images of each class.
    out_dir = os.path.join(HERE, "digits")
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for digit in range(10):
        for n, index in enumerate(np.flatnonzero(test_y == digit)[:PER_CLASS]):
            name = f"{len(rows):02d}_d{digit}.png"
            path = os.path.join(out_dir, name)
            Image.fromarray(test_px[index], mode="L").save(path, optimize=True)
            read_back = np.asarray(Image.open(path))  # what the Java program reads
            assert (read_back == test_px[index]).all()
            with torch.no_grad():
                logits = model(normalise(read_back[None]))[0]
            rows.append([name, digit, int(logits.argmax())] + [f"{v:.7g}" for v in logits.tolist()])
    with open(os.path.join(out_dir, "pytorch.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "label", "pytorch_top1"] + [f"logit{i}" for i in range(10)])
        w.writerows(rows)
    correct = sum(r[1] == r[2] for r in rows)
    print(f"wrote {len(rows)} images and pytorch.csv to {out_dir}: PyTorch gets {correct}/{len(rows)} right")


if __name__ == "__main__":
    main()
