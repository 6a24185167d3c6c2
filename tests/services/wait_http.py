#!/usr/bin/python3
"""wait_http.py URL [TIMEOUT_S] [PID]: wait until URL answers with any HTTP
status (exit 0), or until TIMEOUT_S (default 60) passes or process PID dies
(exit 1).  Talks to the URL directly, ignoring any *_proxy settings."""
import os
import sys
import time
import urllib.error
import urllib.request

url = sys.argv[1]
deadline = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 60)
pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def alive(p):
    try:
        with open("/proc/%d/stat" % p) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


while time.time() < deadline:
    try:
        opener.open(url, timeout=5).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)                       # it answered, with an error status
    except OSError:
        pass
    if pid is not None and not alive(pid):
        sys.stderr.write("wait_http: process %d exited\n" % pid)
        sys.exit(1)
    time.sleep(0.2)
sys.stderr.write("wait_http: no answer from %s\n" % url)
sys.exit(1)
