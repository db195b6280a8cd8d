#!/bin/bash
# Sizes of `jtool copy` output against jpegtran over the corpus: jpegtran -copy all
# -optimize for sequential input, -progressive for progressive input, with -restart NB
# set to the input's restart interval (jtool keeps it; jpegtran would drop it). Prints the totals
# and the metadata + trailer bytes jtool keeps that jpegtran drops.
#   bench/sizes.sh [CORPUS_VALID_DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:-$HERE/../../shared/corpus/valid}
[ -n "${JT:-}" ] || cargo build --release --quiet --manifest-path "$HERE/../Cargo.toml"
JT="${JT:-$HERE/../target/release/jtool}"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
n=0; jt=0; pt=0; meta_j=0; meta_p=0; larger=0
for f in "$DIR"/*.jpg "$DIR"/*.jpeg; do
  [ -f "$f" ] || continue
  "$JT" --quiet copy "$f" "$T/a.jpg" 2>/dev/null || continue
  "$JT" inspect --json "$f" > "$T/i.json"
  if grep -q '"progressive": true' "$T/i.json"; then mode=-progressive; else mode=-optimize; fi
  # jtool keeps the restart interval: give jpegtran the same one, so both write RST markers
  ri=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["restart_interval"]; print(r[0]["interval"] if r else 0)' "$T/i.json")
  jpegtran -copy all $mode -restart ${ri}B -outfile "$T/b.jpg" "$f" 2>/dev/null || continue
  a=$(stat -c %s "$T/a.jpg"); b=$(stat -c %s "$T/b.jpg")
  # bytes outside the frame/scans: APPn, COM and data after EOI
  ma=$(python3 "$HERE/meta_bytes.py" "$T/a.jpg"); mb=$(python3 "$HERE/meta_bytes.py" "$T/b.jpg")
  n=$((n+1)); jt=$((jt+a)); pt=$((pt+b)); meta_j=$((meta_j+ma)); meta_p=$((meta_p+mb))
  if [ $((a-ma)) -gt $((b-mb)) ]; then larger=$((larger+1)); echo "  larger image data: $(basename "$f") jtool $((a-ma)) jpegtran $((b-mb))"; fi
done
echo "files: $n"
echo "jtool copy total:  $jt bytes (metadata+trailer $meta_j, image data $((jt-meta_j)))"
echo "jpegtran total:    $pt bytes (metadata+trailer $meta_p, image data $((pt-meta_p)))"
echo "files where jtool's image data is larger: $larger"
