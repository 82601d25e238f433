"""Prepares the photographs of bench/codec_photos.sh (issue 11).

Each photograph of SRC (JPEG, 1280-2560 px wide) is resized to 512 px wide with Lanczos (which also
removes most of its own JPEG artefacts), then:
  test:  Aqua, Garden, LadyBird, YellowFlower (16:10) -> OUT/test/NAME.png, 512x320 RGB, whole
  train: the 8 others -> OUT/train/NAME-NNN.png, PER random 64x64 crops each (seeded)
Usage: python3 photos_prepare.py SRC OUT [PER]   (needs PIL: apt-get install python3-pil)
"""
import os
import random
import sys

from PIL import Image

TEST = {"Aqua", "Garden", "LadyBird", "YellowFlower"}


def main():
    src, out = sys.argv[1], sys.argv[2]
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    rng = random.Random(0)
    os.makedirs(os.path.join(out, "train"), exist_ok=True)
    os.makedirs(os.path.join(out, "test"), exist_ok=True)
    names = sorted(f for f in os.listdir(src) if f.lower().endswith(".jpg"))
    if len(names) < 5:
        sys.exit(f"{src}: expected the 12 photographs of mate-backgrounds, found {len(names)}")
    for f in names:
        name = f[:-4]
        img = Image.open(os.path.join(src, f)).convert("RGB")
        w, h = img.size
        img = img.resize((512, round(h * 512 / w)), Image.LANCZOS)
        if name in TEST:
            img = img.crop((0, 0, 512, 320))
            img.save(os.path.join(out, "test", name + ".png"))
        else:
            for i in range(per):
                x = rng.randrange(0, img.size[0] - 64 + 1)
                y = rng.randrange(0, img.size[1] - 64 + 1)
                img.crop((x, y, x + 64, y + 64)).save(os.path.join(out, "train", f"{name}-{i:03d}.png"))
    print(f"{len(os.listdir(os.path.join(out, 'train')))} training crops, {len(os.listdir(os.path.join(out, 'test')))} test photographs")


if __name__ == "__main__":
    main()
