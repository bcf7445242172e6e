"""Renders text lines as the PP-OCRv4 recogniser expects them.

Each line is drawn in black DejaVu Sans on white, resized to 48 pixels high
(aspect kept), padded on the right to a common width, and normalised as
PaddleOCR's rec preprocessing does: (pixel/255 - 0.5) / 0.5, CHW, RGB.
Usage: render.py OUT.npy WIDTH LINE...
"""
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'


def render(text, height=48, width=320):
    font = ImageFont.truetype(FONT, 32)
    l, t, r, b = font.getbbox(text)
    img = Image.new('RGB', (r - l + 16, 48), 'white')
    ImageDraw.Draw(img).text((8 - l, (48 - (b - t)) // 2 - t), text, font=font, fill='black')
    w = max(1, round(img.width * height / img.height))
    if w > width:
        raise SystemExit(f'render.py: line {text!r} is {w} px wide after resizing, over {width}; '
                         'shorten it or raise WIDTH')
    img = img.resize((w, height), Image.BILINEAR)
    a = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
    a = (a - 0.5) / 0.5
    out = np.zeros((3, height, width), dtype=np.float32)
    out[:, :, :w] = a
    return out


def main():
    out, width, lines = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    x = np.stack([render(s, width=width) for s in lines])
    np.save(out, x)


if __name__ == '__main__':
    main()
