"""Bytes of a JPEG file that are metadata (APPn, COM segments) or after EOI."""
import sys

d = open(sys.argv[1], "rb").read()
i, meta = 2, 0
while i + 4 <= len(d):
    if d[i] != 0xFF:
        i += 1
        continue
    m = d[i + 1]
    if m == 0xFF:
        i += 1
        continue
    if m == 0xD9:
        meta += len(d) - (i + 2)
        break
    if 0xD0 <= m <= 0xD7 or m == 0x01:
        i += 2
        continue
    n = (d[i + 2] << 8) | d[i + 3]
    if 0xE0 <= m <= 0xEF or m == 0xFE:
        meta += n + 2
    i += 2 + n
    if m == 0xDA:  # skip entropy-coded data
        while i + 1 < len(d) and not (d[i] == 0xFF and d[i + 1] not in (0x00,) and not 0xD0 <= d[i + 1] <= 0xD7):
            i += 1
print(meta)
