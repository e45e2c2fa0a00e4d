#!/usr/bin/env bash
# Makes docs/report-screenshot.png: the quickstart's report page (report/index.html, which scripts/quickstart.sh
# writes) in headless Chromium, the top of the page at 1280 px, reduced to a palette PNG under 300 KB.
#   scripts/report-screenshot.sh [REPORT.html] [OUT.png]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
page=${1:-$root/report/index.html}
out=${2:-$root/docs/report-screenshot.png}
[ -f "$page" ] || { echo "report-screenshot: $page not found (run scripts/quickstart.sh first)" >&2; exit 1; }
raw=$(mktemp --suffix=.png)
trap 'rm -f "$raw"' EXIT
PYTHONPATH="$root/python" /usr/bin/python3 -m gpiqa.report.browser screenshot "$page" "$raw" --width 1280 \
  --height "${GPIQA_SCREENSHOT_HEIGHT:-1700}"
/usr/bin/python3 - "$raw" "$out" <<'PY'
import os
import sys

from PIL import Image

image = Image.open(sys.argv[1]).convert("RGB")
image = image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.LANCZOS)
image.quantize(colors=192, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
print(f"report-screenshot: {sys.argv[2]}: {image.width}x{image.height}, {os.path.getsize(sys.argv[2]) // 1024} KB")
PY
