"""Reference tensors for the example's preprocessing test (PreprocessingTest):
torchvision's Resize, CenterCrop, ToTensor and Normalize applied with PIL to two
small seeded test pictures, one RGB and one grey, at odd sizes.

    /usr/bin/python3 torchvision_reference.py     # from examples/classify

Writes src/test/resources/preprocessing/: rgb.png (47x33), grey.png (47x33) and,
for each case below, <image>_to<channels>_resize<R>_crop<C>.bin: the tensor
[channels, C, C] as little-endian float32.
"""
import os

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "src", "test", "resources", "preprocessing")
MEAN = [0.485, 0.456, 0.406]  # ImageNet's, as torchvision's classifiers use them
STD = [0.229, 0.224, 0.225]

# (image, channels the model takes, resize, crop): shrinking, enlarging, grey to RGB, RGB to grey.
CASES = [
    ("rgb", 3, 20, 16),
    ("rgb", 3, 40, 32),
    ("grey", 3, 20, 16),
    ("rgb", 1, 25, 24),
]


def pictures():
    """Smooth gradients with seeded noise and a bright square: edges and texture for the filter."""
    rng = np.random.default_rng(0)
    h, w = 33, 47
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 / w, y * 255 / h, (x + y) * 255 / (w + h)], axis=-1)
    rgb = rgb * 0.7 + rng.integers(0, 77, size=(h, w, 3))
    rgb[10:20, 25:35] = 250
    rgb = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
    grey = np.clip(np.round(rgb.mean(axis=-1) * 0.5 + rng.integers(0, 128, size=(h, w))), 0, 255)
    return {"rgb": Image.fromarray(rgb, mode="RGB"), "grey": Image.fromarray(grey.astype(np.uint8), mode="L")}


def main():
    os.makedirs(OUT, exist_ok=True)
    images = pictures()
    for name, image in images.items():
        image.save(os.path.join(OUT, name + ".png"))
    for name, channels, resize, crop in CASES:
        # As a torchvision pipeline does it: open the file, convert to the model's mode.
        image = Image.open(os.path.join(OUT, name + ".png")).convert("RGB" if channels == 3 else "L")
        pipeline = transforms.Compose([
            transforms.Resize(resize),
            transforms.CenterCrop(crop),
            transforms.ToTensor(),
            transforms.Normalize(MEAN[:channels] if channels == 3 else [0.5], STD[:channels] if channels == 3 else [0.25]),
        ])
        tensor = pipeline(image)
        assert tensor.shape == (channels, crop, crop), tensor.shape
        path = os.path.join(OUT, f"{name}_to{channels}_resize{resize}_crop{crop}.bin")
        tensor.numpy().astype("<f4").tofile(path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
