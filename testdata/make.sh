#!/bin/bash
# Regenerates jtool's own test files. Needs imagemagick, libjpeg-turbo-progs, libimage-exiftool-perl.
# The committed files are what the tests use; regenerating with other tool versions may change bytes.
set -euo pipefail
cd "$(dirname "$0")"
IM="convert-im6.q16 -limit thread 1"
$IM -seed 7 -size 67x45 plasma:fractal -depth 8 src_67x45.ppm
$IM -seed 8 -size 33x17 plasma:fractal -depth 8 src_33x17.ppm
cjpeg -quality 85 -outfile baseline_420_q85_67x45.jpg src_67x45.ppm
cjpeg -quality 90 -sample 1x1 -optimize -outfile opt_444_q90_67x45.jpg src_67x45.ppm
cjpeg -quality 75 -progressive -outfile prog_420_q75_67x45.jpg src_67x45.ppm
cjpeg -quality 80 -sample 2x1 -restart 1 -outfile rst1row_422_q80_67x45.jpg src_67x45.ppm
cjpeg -quality 80 -sample 1x2 -optimize -outfile sub440_q80_67x45.jpg src_67x45.ppm
cjpeg -quality 80 -sample 4x1 -outfile sub411_q80_67x45.jpg src_67x45.ppm
cjpeg -quality 90 -grayscale -outfile gray_q90_67x45.jpg src_67x45.ppm
cjpeg -quality 10 -outfile qt16_q10_33x17.jpg src_33x17.ppm
cjpeg -quality 85 -progressive -restart 2B -sample 1x1 -outfile prog_rst2b_444_33x17.jpg src_33x17.ppm
# metadata: Exif (Orientation 6, Make/Model, pixel dimensions, a 24x16 JPEG thumbnail),
# a comment, and data after EOI
cjpeg -quality 85 -outfile meta_420_67x45.jpg src_67x45.ppm
$IM src_67x45.ppm -resize '24x16!' -depth 8 thumb.ppm
cjpeg -quality 80 -outfile thumb.jpg thumb.ppm
exiftool -q -overwrite_original -Make=jtool-testdata -Model=Synthetic -Orientation#=6 \
  -ExifImageWidth=67 -ExifImageHeight=45 '-ThumbnailImage<=thumb.jpg' -Comment='made for jtool tests' meta_420_67x45.jpg
rm thumb.ppm thumb.jpg
printf 'TRAILER-DATA-AFTER-EOI' >> meta_420_67x45.jpg
# Exif dates that differ from one another, Orientation 1 (jtool date, jtool jhead)
cjpeg -quality 85 -outfile dates_420_67x45.jpg src_67x45.ppm
exiftool -q -overwrite_original -Make=jtool-testdata -Model=Synthetic -Orientation#=1 \
  -ModifyDate='2005:01:01 00:00:00' -DateTimeOriginal='2004:02:28 23:30:00' \
  -CreateDate='2004:02:28 23:30:01' dates_420_67x45.jpg
# 12-bit files, made by jtool's own 12-bit encoder (its output equals the IJG 12-bit
# library's, tests/pixels_wide.rs); kept apart, since 8-bit djpeg cannot read them
mkdir -p p12
jtool encode --precision 12 -q 85 --sampling 422 src_67x45.ppm p12/p12_422_q85_67x45.jpg
jtool encode --precision 12 -q 90 --grayscale --progressive src_33x17.ppm p12/p12_gray_prog_q90_33x17.jpg
jtool encode --precision 12 -q 80 --restart 1 src_67x45.ppm p12/p12_420_rst_q80_67x45.jpg
# a lossless (SOF3) file, made by DCMTK's IJG lossless codec (apt-get install dcmtk)
mkdir -p lossless
img2dcm baseline_420_q85_67x45.jpg a.dcm && dcmdjpeg a.dcm u.dcm && dcmcjpeg +el +sv 4 +pt 0 u.dcm l.dcm
dcmdump +W . l.dcm > /dev/null && mv l.dcm.1.raw lossless/ll_rgb_sv4_67x45.jpg
rm -f a.dcm u.dcm l.dcm l.dcm.0.raw
