#!/usr/bin/python3
"""Regenerate the bundled GB2312 subsets of Noto Serif/Sans CJK SC (SIL OFL 1.1) in assets/fonts/.

Needs Debian `fonts-noto-cjk` and `python3-fonttools`. Run from the repository root:

    /usr/bin/python3 scripts/fonts/subset.py   # or any python3 with `pip install fonttools`

The subsets hold every character of GB 2312 (6763 hanzi + symbols), ASCII, Latin-1 and the punctuation
that official documents use (— “” 《》 ≥ ≤ ％ ☑ □ …). Characters outside (rare names such as 堃) are not
in the subsets: the renderers warn about them, and a `fonts_dir` with fuller fonts fixes it.
"""
import os
import sys

from fontTools import subset

SRC = "/usr/share/fonts/opentype/noto"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "fonts")
# (source collection, output file). Font number 2 of each Noto CJK collection is the SC (简体) face.
FONTS = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifSC-Regular-GB2312.otf"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifSC-Bold-GB2312.otf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular-GB2312.otf"),
]
EXTRA = "—–―‘’“”…‰′″※→←↑↓√∶≈≠≤≥①②③④⑤⑥⑦⑧⑨⑩□■☑☒✓✔〇〔〕【】〖〗《》「」『』·•・％＋－＝＜＞（）［］｛｝、。，．：；！？～"


def charset():
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    cps |= {ord(c) for c in EXTRA}
    return sorted(cps)


def main():
    os.makedirs(OUT, exist_ok=True)
    unicodes = ",".join(f"U+{cp:04X}" for cp in charset())
    for src, dst in FONTS:
        path = os.path.join(SRC, src)
        if not os.path.exists(path):
            sys.exit(f"{path} not found: apt-get install fonts-noto-cjk")
        out = os.path.join(OUT, dst)
        subset.main([
            path,
            "--font-number=2",
            f"--unicodes={unicodes}",
            "--layout-features=*",
            "--name-IDs=*",
            "--name-languages=*",
            "--no-hinting",
            "--desubroutinize",
            f"--output-file={out}",
        ])
        print(f"{out}: {os.path.getsize(out) // 1024} KiB")


if __name__ == "__main__":
    main()
