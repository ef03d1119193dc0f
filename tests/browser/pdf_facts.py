#!/usr/bin/env python3
"""Facts about a PDF, read from the PDF itself with pdfplumber, printed as JSON.

    python3 pdf_facts.py FILE.pdf

Prints {"pages": N, "sizes": [[width_pt, height_pt], ...], "words": [...],
"all_inside": bool, "min_size": pt, "outside": [...]} where each word is
{"page", "text", "size", "font", "x0", "top", "x1", "bottom"} in points from the
page's top-left corner, and a word is inside when its box lies within its page's
box (0.5 pt tolerance). Used by the Rust handout tests to assert page count,
paper size, type sizes and that nothing falls off the sheet.
"""

import json
import sys

try:
    import pdfplumber
except ImportError:
    sys.stderr.write("pdf_facts.py needs pdfplumber: run scripts/test to install it\n")
    sys.exit(2)

TOLERANCE = 0.5


def facts(path):
    pages, sizes, words, outside = 0, [], [], []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            pages += 1
            width, height = float(page.width), float(page.height)
            sizes.append([round(width, 2), round(height, 2)])
            for word in page.extract_words(
                extra_attrs=["size", "fontname"], keep_blank_chars=False
            ):
                entry = {
                    "page": number,
                    "text": word["text"],
                    "size": round(float(word["size"]), 2),
                    "font": word["fontname"],
                    "x0": round(float(word["x0"]), 2),
                    "top": round(float(word["top"]), 2),
                    "x1": round(float(word["x1"]), 2),
                    "bottom": round(float(word["bottom"]), 2),
                }
                words.append(entry)
                inside = (
                    entry["x0"] >= -TOLERANCE
                    and entry["top"] >= -TOLERANCE
                    and entry["x1"] <= width + TOLERANCE
                    and entry["bottom"] <= height + TOLERANCE
                )
                if not inside:
                    outside.append(entry)
    return {
        "pages": pages,
        "sizes": sizes,
        "words": words,
        "all_inside": not outside,
        "outside": outside,
        "min_size": min((w["size"] for w in words), default=None),
    }


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python3 pdf_facts.py FILE.pdf\n")
        sys.exit(2)
    json.dump(facts(sys.argv[1]), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
