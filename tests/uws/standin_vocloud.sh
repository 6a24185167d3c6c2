#!/bin/sh
# A stand-in for `vocloud run EXP --set output=DIR` whose length the test controls: it
# writes its pid and a heartbeat counter (one tick per 0.1 s) under DIR until the file
# DIR/../release appears, then writes DIR/done.txt and exits 0 (or 3 when the experiment's
# name contains "fail", with a message on stderr). Used for the phases that need a run that
# lasts: queue, suspend/resume, abort, executionduration, restart. It gives up after about
# 120 s (exit 4), so a failed test leaves nothing running.
exp="$2"; out="${4#output=}"
mkdir -p "$out"
echo $$ > "$out/pid"
n=0
while [ ! -e "$out/../release" ]; do
  n=$((n + 1))
  if [ "$n" -gt 1200 ]; then echo "stand-in: never released" >&2; exit 4; fi
  echo "$n" > "$out/heartbeat.tmp"; mv "$out/heartbeat.tmp" "$out/heartbeat"
  sleep 0.1
done
echo done > "$out/done.txt"
if grep -q '^experiment:.*fail' "$exp"; then echo "stand-in: failing as asked" >&2; exit 3; fi
echo "stand-in: finished"
