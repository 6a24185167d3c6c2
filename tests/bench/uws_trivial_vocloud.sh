#!/bin/sh
# A trivial `vocloud run EXP --set output=DIR` for the uws benchmark when no vocloud is built:
# writes one file and exits 0 at once, so the figure is the service's own latency.
out="${4#output=}"
mkdir -p "$out" && echo done > "$out/done.txt"
