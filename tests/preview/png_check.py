#!/usr/bin/env python3
"""Independent checks of vocloud's PNG and HTML previews, with the standard library only.

  png_check.py decode FILE.png FILE.rgb
      Parses the PNG chunk by chunk (signature, CRC-32 of every chunk, IHDR fields, IDAT
      concatenated and inflated, IEND last), undoes the five scanline filters and compares
      the pixels with the raw RGB bytes in FILE.rgb. Prints the filter types used.
  png_check.py panels FILE.png N BAND ROW MARGIN
      Decodes the preview PNG of N spectra and checks its size (1000 x BAND + N*ROW) and
      that each spectrum's two panels hold line pixels: blue raw-flux pixels on the left,
      dark preprocessed-flux pixels inside the right panel's plot area.
  png_check.py html FILE.html D ID:RAWPOINTS ...
      Checks the page: one <svg> per spectrum in order, each with polylines of class "pre"
      holding D points in all and of class "raw" holding RAWPOINTS, the id in its heading,
      and nothing fetched from the network.
"""
import struct
import sys
import zlib
from html.parser import HTMLParser


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


def cmd_decode(png, rgb):
    width, height, pixels, used = decode(png)
    expected = open(rgb, "rb").read()
    if len(expected) != len(pixels):
        fail("%d pixel bytes, expected %d" % (len(pixels), len(expected)))
    if pixels != expected:
        first = next(i for i in range(len(pixels)) if pixels[i] != expected[i])
        fail("pixel byte %d (x %d, y %d) differs" % (first, (first // 3) % width, first // 3 // width))
    print("decoded %dx%d, pixels equal, filters used %s" % (width, height, sorted(used)))


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


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.headings, self.urls = [], [], []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if key in a:
                self.urls.append(a[key])
        if tag == "svg":
            self.svgs.append({"pre": 0, "raw": 0, "pre_lines": 0})
        elif tag == "polyline" and self.svgs:
            cls = a.get("class", "")
            points = [p for p in a.get("points", "").split() if p]
            for p in points:
                x, y = p.split(",")
                float(x), float(y)
            if cls in ("pre", "raw"):
                self.svgs[-1][cls] += len(points)
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.headings[-1] += data


def cmd_html(path, dims, expected):
    text = open(path, encoding="utf-8").read()
    parser = PageParser()
    parser.feed(text)
    if len(parser.svgs) != len(expected):
        fail("%d <svg>, expected %d" % (len(parser.svgs), len(expected)))
    for svg, heading, (sid, raw) in zip(parser.svgs, parser.headings, expected):
        if heading != sid:
            fail("heading %r, expected %r" % (heading, sid))
        if svg["pre"] != dims:
            fail("%s: %d preprocessed points, expected %d" % (sid, svg["pre"], dims))
        if svg["raw"] != raw:
            fail("%s: %d raw points, expected %d" % (sid, svg["raw"], raw))
    if parser.urls:
        fail("the page loads %r" % parser.urls)
    for needle in ("http://", "https://"):
        rest = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        if needle in rest:
            fail("the page mentions %s" % needle)
    print("html: %d svg, %d grid points each" % (len(parser.svgs), dims))


def main(argv):
    if len(argv) == 4 and argv[1] == "decode":
        cmd_decode(argv[2], argv[3])
    elif len(argv) == 7 and argv[1] == "panels":
        cmd_panels(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
    elif len(argv) >= 4 and argv[1] == "html":
        expected = [(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in argv[4:]]
        cmd_html(argv[2], int(argv[3]), expected)
    else:
        fail("usage: see the docstring")


if __name__ == "__main__":
    main(sys.argv)
