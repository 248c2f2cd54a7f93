#!/bin/sh
# Page 1 of each audience's problem profile as a PNG for docs/reports.md, and each PDF's
# page count. Run after `make demo` (which writes out/profile/2026-10/<audience>/problem_profile.pdf):
#   sh bench/page1_images.sh [PERIOD]
# Needs pdftoppm and pdfinfo (poppler-utils). Resolution is kept modest: each image < 150 KB.
set -eu
period="${1:-2026-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
for audience in police partner public; do
  pdf="$root/out/profile/$period/$audience/problem_profile.pdf"
  [ -f "$pdf" ] || { echo "no $pdf: run make demo first" >&2; exit 1; }
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$pdf" "$root/docs/images/page1_$audience"
  pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
  bytes="$(wc -c < "$root/docs/images/page1_$audience.png")"
  echo "$audience: $pages pages; docs/images/page1_$audience.png ($bytes bytes)"
done
