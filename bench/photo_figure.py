"""The picture of bench/codec_photos.sh: a detail of one test photograph, as the original, as the
Bottleneck codec decoded it, and as JPEG (Pillow, whole file) at the quality whose size is
closest to the codec's file. Prints both points.
Usage: python3 photo_figure.py ORIGINAL.png CODEC.btl CODEC_DECODED.png OUT.png
"""
import io
import math
import os
import sys

from PIL import Image, ImageDraw


def psnr(a, b):
    pa, pb = a.tobytes(), b.tobytes()
    mse = sum((x - y) ** 2 for x, y in zip(pa, pb)) / len(pa)
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


def main():
    orig_path, btl, decoded_path, out = sys.argv[1:5]
    orig = Image.open(orig_path).convert("RGB")
    dec = Image.open(decoded_path).convert("RGB")
    pixels = orig.size[0] * orig.size[1]
    bpp = os.path.getsize(btl) * 8 / pixels
    best = None
    for q in range(1, 96):
        buf = io.BytesIO()
        orig.save(buf, "JPEG", quality=q)
        jb = buf.getbuffer().nbytes * 8 / pixels
        if best is None or abs(jb - bpp) < abs(best[1] - bpp):
            best = (q, jb, buf.getvalue())
    jpeg = Image.open(io.BytesIO(best[2])).convert("RGB")
    rows = [("original", orig, None, None), ("Bottleneck codec", dec, bpp, psnr(orig, dec)),
            (f"JPEG q{best[0]}", jpeg, best[1], psnr(orig, jpeg))]
    for name, _, b, p in rows[1:]:
        print(f"{name}: {b:.3f} bpp, PSNR {p:.2f} dB")
    box = (128, 64, 384, 224)  # a 256x160 detail, shown at 2x
    w, h = (box[2] - box[0]) * 2, (box[3] - box[1]) * 2
    fig = Image.new("RGB", (3 * w + 20, h + 30), "white")
    d = ImageDraw.Draw(fig)
    for i, (name, img, b, p) in enumerate(rows):
        fig.paste(img.crop(box).resize((w, h), Image.NEAREST), (i * (w + 10), 30))
        label = name if b is None else f"{name}: {b:.3f} bpp, {p:.2f} dB"
        d.text((i * (w + 10) + 4, 8), label, fill="black")
    fig.save(out)


if __name__ == "__main__":
    main()
