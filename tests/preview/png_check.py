#!/usr/bin/env python3
"""Independent check of vocloud's PNG previews, with the standard library only: the PNG is
parsed chunk by chunk (signature, CRC-32 of every chunk, IHDR fields, IDAT concatenated and
inflated, IEND last) and the five scanline filters undone.

  png_check.py panels FILE.png N BAND ROW MARGIN
      Decodes the preview PNG of N spectra and checks its size (1000 x BAND + N*ROW) and
      that each spectrum's two panels hold line pixels: blue raw-flux pixels on the left,
      dark preprocessed-flux pixels inside the right panel's plot area.
"""
import struct
import sys
import zlib


def fail(message):
    print("png_check: " + message, file=sys.stderr)
    sys.exit(1)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("bad signature")
    pos, chunks = 8, []
    while pos < len(data):
        if pos + 12 > len(data):
            fail("truncated chunk at byte %d" % pos)
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            fail("CRC mismatch in chunk %r" % kind)
        chunks.append((kind, body))
        pos += 12 + length
    kinds = [k for k, _ in chunks]
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
        fail("chunk order %r" % kinds)
    width, height, depth, colour, method, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, colour, method, filt, interlace) != (8, 2, 0, 0, 0):
        fail("IHDR %r" % ((depth, colour, method, filt, interlace),))
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    stride = width * 3
    if len(raw) != (stride + 1) * height:
        fail("inflated %d bytes, expected %d" % (len(raw), (stride + 1) * height))
    out = bytearray()
    prev = bytearray(stride)
    used = set()
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        used.add(ftype)
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ftype == 0:
                pred = 0
            elif ftype == 1:
                pred = a
            elif ftype == 2:
                pred = b
            elif ftype == 3:
                pred = (a + b) // 2
            elif ftype == 4:
                pred = paeth(a, b, c)
            else:
                fail("filter type %d in row %d" % (ftype, y))
            line[i] = (line[i] + pred) & 0xFF
        out += line
        prev = line
    return width, height, bytes(out), used


def cmd_panels(png, n, band, row, margin):
    width, height, pixels, _ = decode(png)
    if (width, height) != (1000, band + n * row):
        fail("size %dx%d, expected 1000x%d" % (width, height, band + n * row))

    def px(x, y):
        i = (y * width + x) * 3
        return pixels[i], pixels[i + 1], pixels[i + 2]

    half = (width - 3 * margin) // 2
    for k in range(n):
        top = band + k * row + 34
        blue = dark = 0
        # Stay clear of titles, tick labels and axis labels: the middle of each plot area.
        for y in range(top + 40, top + row - 100):
            for x in range(margin + 90, margin + half - 30):
                r, g, b = px(x, y)
                if b > 120 and b - r > 60:
                    blue += 1
            for x in range(2 * margin + half + 90, 2 * margin + 2 * half - 30):
                r, g, b = px(x, y)
                if max(r, g, b) < 110:
                    dark += 1
        if blue < 100 or dark < 100:
            fail("spectrum %d: %d raw-line pixels, %d preprocessed-line pixels" % (k, blue, dark))
        print("spectrum %d: %d raw-line pixels, %d preprocessed-line pixels" % (k, blue, dark))


def main(argv):
    if len(argv) == 7 and argv[1] == "panels":
        cmd_panels(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
    else:
        fail("usage: see the docstring")


if __name__ == "__main__":
    main(sys.argv)
