#!/bin/bash
# Times jtool against jpegtran on the same files in one run and prints the ratios.
#   bench/run.sh [IMAGE_DIR]     (default: $TMPDIR/jtool-bench-images, made if missing)
# Needs hyperfine, libjpeg-turbo-progs, imagemagick (for the images).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
IMG=${1:-${TMPDIR:-/tmp}/jtool-bench-images}
[ -f "$IMG/big_420_q90.jpg" ] || bash "$HERE/../../shared/bench/make-images.sh" "$IMG" >/dev/null
# STATIC=1 times the static build (see README, "Set-up"), which starts a process
# faster; the default is what `cargo build --release` makes.
if [ -z "${JT:-}" ] && [ "${STATIC:-0}" = 1 ]; then
  T=$(rustc -vV | sed -n 's/^host: //p')
  RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
    cargo build --release --quiet --target "$T" \
    --manifest-path "$HERE/../Cargo.toml"
  JT="$HERE/../target/$T/release/jtool"
fi
[ -n "${JT:-}" ] || cargo build --release --quiet --manifest-path "$HERE/../Cargo.toml"
JT="${JT:-$HERE/../target/release/jtool}"
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT

compare() { # name, jtool command, peer command
  hyperfine -N --warmup 2 --runs "${FAST_RUNS:-${RUNS:-10}}" --export-json "$OUT/r.json" -n jtool "$2" -n peer "$3" >/dev/null
  python3 - "$1" "$OUT/r.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[2]))["results"]}
j, p = r["jtool"]["median"] * 1000, r["peer"]["median"] * 1000
print(f"{sys.argv[1]:<48} jtool {j:8.1f} ms   peer {p:8.1f} ms   peer/jtool = {p / j:5.2f}x")
PY
}

B=$IMG/big_420_q90.jpg
for f in big_420_q90 big_rst photo_420_q90 big_444_q95; do
  [ -f "$IMG/$f.jpg" ] || continue
  compare "copy $f (vs jpegtran -copy all -optimize)" \
    "$JT copy $IMG/$f.jpg $OUT/a.jpg" "jpegtran -copy all -optimize -outfile $OUT/b.jpg $IMG/$f.jpg"
done
# Plain jpegtran writes the Annex K tables: against jtool's default (optimal tables, a
# smaller file) and against --standard-huffman (the same bytes).
compare "copy big_420_q90 (vs plain jpegtran -copy all)" \
  "$JT copy $B $OUT/a.jpg" "jpegtran -copy all -outfile $OUT/b.jpg $B"
compare "copy --standard-huffman big_420_q90 (vs jpegtran -copy all)" \
  "$JT copy --standard-huffman $B $OUT/a.jpg" "jpegtran -copy all -outfile $OUT/b.jpg $B"
compare "copy big_prog (vs jpegtran -copy all -progressive)" \
  "$JT copy $IMG/big_prog.jpg $OUT/a.jpg" "jpegtran -copy all -progressive -outfile $OUT/b.jpg $IMG/big_prog.jpg"
compare "copy --progressive big_420_q90 (vs jpegtran -progressive)" \
  "$JT copy --progressive $B $OUT/a.jpg" "jpegtran -copy all -progressive -outfile $OUT/b.jpg $B"
compare "copy --baseline --standard-huffman big_prog (vs jpegtran)" \
  "$JT copy --baseline --standard-huffman $IMG/big_prog.jpg $OUT/a.jpg" "jpegtran -copy all -outfile $OUT/b.jpg $IMG/big_prog.jpg"
# transforms: jpegtran -optimize so both write optimal Huffman tables
for t in "rotate 90:-rotate 90" "flip h:-flip horizontal" "transpose:-transpose" "rotate 180:-rotate 180"; do
  compare "${t%%:*} big_420_q90 (vs jpegtran ${t#*:} -optimize)" \
    "$JT ${t%%:*} $B $OUT/a.jpg" "jpegtran -copy all -optimize ${t#*:} -outfile $OUT/b.jpg $B"
done
for g in 1024x1024+0+0 1024x1024+2488+1488; do
  compare "crop $g big_420_q90 (vs jpegtran -crop -optimize)" \
    "$JT crop --geometry $g $B $OUT/a.jpg" "jpegtran -copy all -optimize -crop $g -outfile $OUT/b.jpg $B"
  compare "crop $g big_rst (vs jpegtran -crop -optimize)" \
    "$JT crop --geometry $g $IMG/big_rst.jpg $OUT/a.jpg" "jpegtran -copy all -optimize -crop $g -outfile $OUT/b.jpg $IMG/big_rst.jpg"
done
# A camera-like file: the 24 MP image with an Exif thumbnail (160x107), which jtool turns
# with the image (jpegtran leaves it; exiftran turns it too).
if command -v exiftool >/dev/null && command -v convert-im6.q16 >/dev/null; then
  convert-im6.q16 "$B" -resize 160x120 -quality 90 "$OUT/thumb160.jpg"
  cp "$B" "$OUT/cam.jpg"
  exiftool -q -overwrite_original -Make=Bench -Model=Camera '-ThumbnailImage<='"$OUT/thumb160.jpg" "$OUT/cam.jpg"
  compare "rotate 90 with Exif thumbnail (vs jpegtran)" \
    "$JT rotate 90 $OUT/cam.jpg $OUT/a.jpg" "jpegtran -copy all -optimize -rotate 90 -outfile $OUT/b.jpg $OUT/cam.jpg"
  if command -v exiftran >/dev/null; then
    compare "rotate 90 with Exif thumbnail (vs exiftran -9)" \
      "$JT rotate 90 $OUT/cam.jpg $OUT/a.jpg" "exiftran -9 -o $OUT/b.jpg $OUT/cam.jpg"
    compare "thumbnail --regenerate (vs exiftran -g)" \
      "$JT thumbnail --regenerate $OUT/cam.jpg $OUT/a.jpg" "exiftran -g -o $OUT/b.jpg $OUT/cam.jpg"
  fi
  compare "crop 3000x2000 with Exif thumbnail (vs jpegtran)" \
    "$JT crop --geometry 3000x2000+1000+1000 $OUT/cam.jpg $OUT/a.jpg" \
    "jpegtran -copy all -optimize -crop 3000x2000+1000+1000 -outfile $OUT/b.jpg $OUT/cam.jpg"
fi

echo "peak memory (max RSS, KiB):"
for t in "rotate 90:-rotate 90" "flip h:-flip horizontal" "transpose:-transpose" "copy:-copy all" "crop --geometry 1024x1024+0+0:-crop 1024x1024+0+0"; do
  a=$( { /usr/bin/time -f %M "$JT" ${t%%:*} "$B" "$OUT/a.jpg"; } 2>&1 )
  b=$( { /usr/bin/time -f %M jpegtran -copy all -optimize ${t#*:} -outfile "$OUT/b.jpg" "$B"; } 2>&1 )
  echo "  ${t%%:*}: jtool $a, jpegtran $b"
done

# Integrity check against jpeginfo -c (which decodes at 1/8 scale: entropy decoding and
# a 1×1 IDCT), when jpeginfo is installed.
if command -v jpeginfo >/dev/null; then
  for f in big_420_q90 big_rst big_444_q95 big_prog; do
    compare "verify $f (vs jpeginfo -c)" "$JT verify $IMG/$f.jpg" "jpeginfo -c $IMG/$f.jpg"
  done
fi

# Small files, one process per file as a per-image pipeline runs them: here the cost
# of starting the process is most of the time. The thumbnail is made from small.ppm.
if [ -f "$IMG/small.ppm" ] && command -v convert-im6.q16 >/dev/null; then
  convert-im6.q16 "$IMG/small.ppm" -resize 160x120 ppm:- | cjpeg -quality 85 >"$OUT/thumb.jpg"
  FAST_RUNS=$((${RUNS:-10} * 20))
  for f in "$OUT/thumb.jpg" "$IMG/small_420_q85.jpg"; do
    n=$(basename "$f" .jpg)
    compare "copy $n (vs jpegtran -copy all -optimize)" \
      "$JT copy $f $OUT/a.jpg" "jpegtran -copy all -optimize -outfile $OUT/b.jpg $f"
    compare "rotate 90 $n (vs jpegtran -rotate 90 -optimize)" \
      "$JT rotate 90 $f $OUT/a.jpg" "jpegtran -copy all -optimize -rotate 90 -outfile $OUT/b.jpg $f"
    if command -v jpeginfo >/dev/null; then
      compare "verify $n (vs jpeginfo -c)" "$JT verify $f" "jpeginfo -c $f"
    fi
    compare "decode $n (vs djpeg -dct int)" "$JT decode $f $OUT/a.ppm" "djpeg -dct int -outfile $OUT/b.ppm $f"
  done
  unset FAST_RUNS
fi

# The pixel path against djpeg/cjpeg (same settings, exact outputs).
P=$IMG/big.ppm
if [ "${PIXELS:-1}" = 1 ] && [ -f "$P" ]; then
  for f in big_420_q90 photo_420_q90 big_444_q95 big_prog; do
    compare "decode $f (vs djpeg -dct int)" \
      "$JT decode $IMG/$f.jpg $OUT/a.ppm" "djpeg -dct int -outfile $OUT/b.ppm $IMG/$f.jpg"
  done
  # Thumbnails straight from the coefficients (reduced inverse DCTs).
  for s in 1/8 1/4 1/2; do
    for f in big_420_q90 big_prog; do
      compare "decode --scale $s $f (vs djpeg -scale $s)" \
        "$JT decode --scale $s $IMG/$f.jpg $OUT/a.ppm" \
        "djpeg -dct int -scale $s -outfile $OUT/b.ppm $IMG/$f.jpg"
    done
  done
  # The other eighths: the IJG's 3- to 16-point transforms (one reduction, one enlargement).
  for s in 3/8 12/8; do
    compare "decode --scale $s big_420_q90 (vs djpeg -scale $s)" \
      "$JT decode --scale $s $B $OUT/a.ppm" "djpeg -dct int -scale $s -outfile $OUT/b.ppm $B"
  done
  compare "decode --grayscale big_420_q90 (vs djpeg -grayscale)" \
    "$JT decode --grayscale $B $OUT/a.pgm" "djpeg -dct int -grayscale -outfile $OUT/b.pgm $B"
  # Regions: near the top, in the middle, and in the middle of the file with restart
  # markers (where jtool starts at the restart interval above the region).
  for c in "$B:256x256+2000+100" "$B:256x256+2000+1500" "$IMG/big_rst.jpg:1024x1024+3000+2000"; do
    compare "decode --crop ${c#*:} $(basename "${c%%:*}" .jpg) (vs djpeg -crop)" \
      "$JT decode --crop ${c#*:} ${c%%:*} $OUT/a.ppm" "djpeg -dct int -crop ${c#*:} -outfile $OUT/b.ppm ${c%%:*}"
  done
  compare "decode --scale 1/8 --crop 64x64+200+20 big_420_q90 (vs djpeg)" \
    "$JT decode --scale 1/8 --crop 64x64+200+20 $B $OUT/a.ppm" \
    "djpeg -dct int -scale 1/8 -crop 64x64+200+20 -outfile $OUT/b.ppm $B"
  compare "decode big_420_q90 to BMP (vs djpeg -bmp)" \
    "$JT decode --format bmp $B $OUT/a.bmp" "djpeg -dct int -bmp -outfile $OUT/b.bmp $B"
  # The other DCT methods (the same bytes as djpeg's and cjpeg's) and input smoothing.
  for m in fast float; do
    compare "decode --dct $m big_420_q90 (vs djpeg -dct $m)" \
      "$JT decode --dct $m $B $OUT/a.ppm" "djpeg -dct $m -outfile $OUT/b.ppm $B"
    compare "encode -q 90 --dct $m big.ppm (vs cjpeg -dct $m)" \
      "$JT encode -q 90 --dct $m --standard-huffman $P $OUT/a.jpg" \
      "cjpeg -quality 90 -dct $m -outfile $OUT/b.jpg $P"
  done
  compare "encode -q 90 --smooth 30 big.ppm (vs cjpeg -smooth 30)" \
    "$JT encode -q 90 --smooth 30 --standard-huffman $P $OUT/a.jpg" \
    "cjpeg -quality 90 -dct int -smooth 30 -outfile $OUT/b.jpg $P"
  for q in "--standard-huffman:" "--sampling 444 --standard-huffman:-sample 1x1" ":-optimize" "--progressive:-progressive" "--rgb --standard-huffman:-rgb" "--sampling 4x1 --standard-huffman:-sample 4x1"; do
    compare "encode -q 90 ${q%%:*} big.ppm (vs cjpeg -dct int ${q#*:})" \
      "$JT encode -q 90 ${q%%:*} $P $OUT/a.jpg" "cjpeg -quality 90 -dct int ${q#*:} -outfile $OUT/b.jpg $P"
  done
fi

# A size target (requantization), against jpegoptim --size, which re-encodes through
# pixels; both overwrite a copy of the input.
if [ "${PIXELS:-1}" = 1 ] && command -v jpegoptim >/dev/null; then
  F=$IMG/photo_420_q90.jpg
  compare "requantize --size 200 photo_420_q90 (vs jpegoptim --size=200)" \
    "bash -c 'cp $F $OUT/s1.jpg && $JT requantize --size 200 --in-place $OUT/s1.jpg'" \
    "bash -c 'cp $F $OUT/s2.jpg && jpegoptim -q --size=200 $OUT/s2.jpg'"
fi

# Batches: 120 files (60 × medium 1920×1080, 60 × small 640×480), rotate 90 with optimized
# tables, jtool's worker pool against jpegtran in a shell loop and under xargs -P.
if [ "${BATCH:-1}" = 1 ] && [ -f "$IMG/medium_420_q85.jpg" ] && [ -f "$IMG/small_420_q85.jpg" ]; then
  mkdir -p "$OUT/in" "$OUT/o1" "$OUT/o2"
  for i in $(seq 1 60); do
    cp "$IMG/medium_420_q85.jpg" "$OUT/in/m$i.jpg"; cp "$IMG/small_420_q85.jpg" "$OUT/in/s$i.jpg"
  done
  NP=$(nproc)
  compare "batch rotate 90, 120 files (vs jpegtran loop)" \
    "$JT rotate 90 --out-dir $OUT/o1 $(echo "$OUT"/in/*.jpg)" \
    "bash -c 'for f in $OUT/in/*.jpg; do jpegtran -rotate 90 -optimize -copy all -outfile $OUT/o2/\${f##*/} \$f; done'"
  compare "batch rotate 90, 120 files (vs jpegtran xargs -P$NP)" \
    "$JT rotate 90 --out-dir $OUT/o1 $(echo "$OUT"/in/*.jpg)" \
    "bash -c 'ls $OUT/in/*.jpg | xargs -P$NP -I{} sh -c \"jpegtran -rotate 90 -optimize -copy all -outfile $OUT/o2/\\\$(basename {}) {}\"'"
fi
