"""The vocloud-uws benchmark (tests/bench/uws.sh): latency of a trivial job, GET /jobs while
many clients block in WAIT, and the server's memory with many jobs in its store. Uses the
service helpers of tests/uws (uws_harness.py). Writes its figures as JSON to argv[1]."""
import concurrent.futures
import json
import os
import pathlib
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "uws"))
from uws_harness import BUILD, Scratch, Server, check, create, session  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
RUNS = int(os.environ.get("BENCH_UWS_RUNS", "20"))
WAITERS = int(os.environ.get("BENCH_UWS_WAITERS", "200"))
STORE = int(os.environ.get("BENCH_UWS_STORE", "10000"))
TRIVIAL = "experiment: trivial\nstages: [synth]\nsynth:\n  count: 100\n"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def memory_kib(pid):
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def curl_get(url, user="alice"):
    """GET with curl: (HTTP status, seconds from curl's own clock, bytes). curl, not requests,
    so that the figure is the server's and not a Python client's reading of a large body."""
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-u", f"{user}:{user}-pw", "-w",
                          "%{http_code} %{time_total} %{size_download}", url],
                         capture_output=True, text=True, timeout=300, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


def latency(s, vocloud):
    server = Server(s.config(), f"launcher.vocloud={vocloud}", "server.wait_cap=60",
                    "store.dir=" + str(s.dir / "latency"))
    try:
        alice = session("alice")
        seconds = []
        for i in range(RUNS):
            start = time.perf_counter()
            job = create(alice, server.jobs, TRIVIAL, PHASE="RUN")
            phase = alice.get(job + "/phase").text.strip()
            while phase not in ("COMPLETED", "ERROR", "ABORTED"):
                alice.get(job, params={"WAIT": "-1"})
                phase = alice.get(job + "/phase").text.strip()
            check(phase == "COMPLETED", f"the trivial job ended {phase}")
            seconds.append(time.perf_counter() - start)
        return {"runs": RUNS, "p50_s": statistics.median(seconds), "mean_s": statistics.mean(seconds),
                "min_s": min(seconds), "max_s": max(seconds)}
    finally:
        server.stop()


def blocked_list(s):
    """WAITERS clients each block in WAIT on a PENDING job of their own (its phase never
    changes) while one client times GET /jobs."""
    server = Server(s.config(), "server.wait_cap=120", "store.dir=" + str(s.dir / "wait"),
                    f"launcher.vocloud={HERE / 'uws_trivial_vocloud.sh'}")
    stop = threading.Event()
    try:
        alice = session("alice")
        jobs = [create(alice, server.jobs, TRIVIAL) for _ in range(WAITERS)]
        started = threading.Barrier(WAITERS + 1)

        def wait_on(job):
            sess = session("alice")
            started.wait()
            while not stop.is_set():
                try:
                    sess.get(job, params={"WAIT": "-1"}, timeout=300)
                except Exception:  # the server stopped under it at the end
                    return

        threads = [threading.Thread(target=wait_on, args=(j,), daemon=True) for j in jobs]
        for t in threads:
            t.start()
        started.wait()
        time.sleep(2)  # every client is now inside its WAIT
        seconds = []
        for _ in range(200):
            status, took, _ = curl_get(server.jobs)
            seconds.append(took)
            check(status == 200, f"GET /jobs: {status}")
        return {"waiters": WAITERS, "jobs_listed": WAITERS, "requests": len(seconds),
                "p50_ms": 1e3 * percentile(seconds, 50), "p99_ms": 1e3 * percentile(seconds, 99),
                "max_ms": 1e3 * max(seconds)}
    finally:
        stop.set()
        server.stop()


def store_memory(s):
    server = Server(s.config(), "store.dir=" + str(s.dir / "many"),
                    f"launcher.vocloud={HERE / 'uws_trivial_vocloud.sh'}")
    try:
        alice = session("alice")
        alice.get(server.jobs)  # the account checked once (PBKDF2), as in steady use
        empty = memory_kib(server.proc.pid)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            local = threading.local()

            def one(i):
                if not hasattr(local, "s"):
                    local.s = session("alice")
                create(local.s, server.jobs, TRIVIAL)

            list(pool.map(one, range(STORE)))
        create_s = time.perf_counter() - start
        full = memory_kib(server.proc.pid)  # before any list of them
        check(alice.get(server.jobs).text.count("<uws:jobref") == STORE, "not every job is listed")
        list_s = min(curl_get(server.jobs)[1] for _ in range(3))
        listed = memory_kib(server.proc.pid)
        return {"jobs": STORE, "rss_empty_kib": empty["VmRSS"], "rss_kib": full["VmRSS"],
                "rss_after_lists_kib": listed["VmRSS"], "hwm_kib": listed["VmHWM"],
                "creates_per_s": STORE / create_s, "list_all_s": list_s,
                "list_bytes": curl_get(server.jobs)[2]}
    finally:
        server.stop()


def main():
    built = BUILD / "bin" / "vocloud"
    vocloud = built if built.exists() else HERE / "uws_trivial_vocloud.sh"
    s = Scratch()
    out = {"benchmark": "uws", "job_runs": str(vocloud)}
    out["latency"] = latency(s, vocloud)
    lat = out["latency"]
    print(f"   create-to-COMPLETED ({vocloud.name}, {RUNS} jobs): p50 {lat['p50_s']:.3f} s, "
          f"mean {lat['mean_s']:.3f} s, min {lat['min_s']:.3f} s, max {lat['max_s']:.3f} s")
    out["list_while_waiting"] = w = blocked_list(s)
    print(f"   GET /jobs with {WAITERS} clients in WAIT: p50 {w['p50_ms']:.1f} ms, "
          f"p99 {w['p99_ms']:.1f} ms, max {w['max_ms']:.1f} ms")
    out["store"] = m = store_memory(s)
    print(f"   {STORE} jobs in the store: server RSS {m['rss_kib'] / 1024:.1f} MiB "
          f"(empty {m['rss_empty_kib'] / 1024:.1f} MiB; after 5 lists of all "
          f"{m['rss_after_lists_kib'] / 1024:.1f} MiB, peak {m['hwm_kib'] / 1024:.1f} MiB); "
          f"{m['creates_per_s']:.0f} creates/s; GET /jobs of all (curl, best of 3) {m['list_all_s']:.3f} s "
          f"({m['list_bytes'] / 1e6:.1f} MB)")
    json.dump(out, open(sys.argv[1], "w"), indent=1)
    s.cleanup()


if __name__ == "__main__":
    main()
