"""vocloud-uws with launcher.kind: slurm, on the private Slurm that it_uws_slurm.sh started
(SLURM_CONF in the environment). Slurm's own view of each job (squeue, scontrol) is the
independent expectation:
1. a small demo job waits QUEUED while Slurm keeps it PENDING (a blocker job fills the
   node), HELD after `scontrol hold` until PHASE=RUN releases it, then is EXECUTING while
   Slurm runs it, then COMPLETED with its results; srun gave it the configured 2 ranks
   (stage.json);
2. PHASE=ABORT in the middle of the SOM: Slurm reports the job CANCELLED, the phase is
   ABORTED and no SOM stage is left complete;
3. kill -9 of the service while a job runs: restarted at once, the job is still EXECUTING
   (found by its Slurm id), and PHASE=SUSPEND / RESUME are scontrol suspend / resume; killed again and restarted after Slurm has finished the job,
   its phase is COMPLETED from the start;
4. a job that ended while the service was down and that Slurm then forgot (slurmctld cold
   restarted with -c, so scontrol no longer knows the id) and whose exit_code file is gone
   (a node lost before the wrapper wrote it): the restarted service takes COMPLETED from
   `sacct -c`, the job completion records, which the test reads itself first."""
import json
import os
import pathlib
import subprocess
import time

from uws_harness import SOURCE, Scratch, Server, check, create, fail, phase_of, session, wait_for

DEMO = """experiment: demo
stages: [synth, preprocess, som, forest, predict]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 5, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
predict: {class: double_peak, top: 20}
"""

SLOW = """experiment: slow
stages: [synth, preprocess, som]
synth: {count: 1000, seed: 7}
preprocess: {input: synth, lambda_min: 6300, lambda_max: 6700, points: 800, pca_components: 4}
som: {rows: 24, cols: 24, epochs: 40, checkpoint_every: 1, seed: 1}
"""


SERVERS = []  # every service this test starts: all are stopped at the end, even after a failure


def serve(config, *sets, **kw):
    server = Server(config, *sets, **kw)
    SERVERS.append(server)
    return server


def slurm_job(uws_id):
    """Slurm's id and state of the UWS job (its batch job is named vocloud-uws-<id>)."""
    out = subprocess.run(["squeue", "-h", "-t", "all", "--name", "vocloud-uws-" + uws_id,
                          "-o", "%i|%T"], capture_output=True, text=True, timeout=30).stdout
    line = out.strip().splitlines()[-1] if out.strip() else ""
    return tuple(line.split("|")) if line else (None, None)


def slurm_state(uws_id):
    return slurm_job(uws_id)[1]


def run_log(job_dir):
    """The run's stdout and stderr (vocloud logs on stderr)."""
    return "".join((job_dir / n).read_text() for n in ("stdout.log", "stderr.log")
                   if (job_dir / n).exists())


def post_phase(sess, url, phase):
    r = sess.post(url + "/phase", data={"PHASE": phase}, allow_redirects=False, timeout=30)
    check(r.status_code == 303, f"PHASE={phase}: {r.status_code} {r.text}")


def job_id(url):
    return url.rsplit("/", 1)[1]


def seen_phases(sess, url, final, seconds=240):
    """Every phase the job shows, polled every 0.05 s, until one in `final`."""
    seen = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        phase = phase_of(sess, url)
        if not seen or seen[-1] != phase:
            seen.append(phase)
        if phase in final:
            return seen
        time.sleep(0.05)
    fail(f"{url}: phases {seen}, never one of {final}")


def blocker(scratch):
    """An exclusive job that fills the node until the file `release` appears."""
    release = scratch.dir / "release-blocker"
    out = subprocess.run(["sbatch", "--parsable", "--exclusive", "-o", "/dev/null", "--wrap",
                          f"while [ ! -e {release} ]; do sleep 0.1; done"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    job = out.strip().split(";")[0]
    wait_for(lambda: subprocess.run(["squeue", "-h", "-j", job, "-o", "%T"], capture_output=True,
                                    text=True, timeout=30).stdout.strip() == "RUNNING",
             "the blocker job to run", 60)
    return release


def demo_through_the_queue(scratch, server, alice, store):
    release = blocker(scratch)
    url = create(alice, server.jobs, DEMO, PHASE="RUN")
    uid = job_id(url)
    wait_for(lambda: slurm_state(uid) == "PENDING", "the demo's Slurm job to be PENDING", 60)
    check(phase_of(alice, url) == "QUEUED", f"Slurm PENDING but phase {phase_of(alice, url)}")
    time.sleep(1)  # several polls of the scheduler: still queued behind the blocker
    check(phase_of(alice, url) == "QUEUED", "the job left QUEUED while Slurm kept it PENDING")
    slurm_id = slurm_job(uid)[0]
    subprocess.run(["scontrol", "hold", slurm_id], check=True, timeout=30)
    wait_for(lambda: phase_of(alice, url) == "HELD", "phase HELD after scontrol hold", 30)
    post_phase(alice, url, "RUN")  # releases it in Slurm
    wait_for(lambda: phase_of(alice, url) == "QUEUED", "phase QUEUED after PHASE=RUN", 30)
    check(slurm_state(uid) == "PENDING", f"released: Slurm says {slurm_state(uid)}")
    release.write_text("go\n")
    seen = seen_phases(alice, url, {"COMPLETED", "ERROR", "ABORTED"})
    check(seen[-1] == "COMPLETED", f"demo: phases {seen}: " + alice.get(url + "/error").text)
    check("EXECUTING" in seen and seen.index("QUEUED") < seen.index("EXECUTING"),
          f"demo: phases {seen}, expected QUEUED, EXECUTING, COMPLETED")
    wait_for(lambda: slurm_state(uid) == "COMPLETED", "Slurm to report the demo COMPLETED", 30)
    results = alice.get(url + "/results").text
    for name in ("results.tar.gz", "som.h5", "forest.h5", "candidates.csv", "stdout.log"):
        check(name in results, f"demo: result {name} missing:\n{results}")
    job_dir = store / uid
    for stage in ("preprocess", "som", "forest"):
        ranks = json.loads((job_dir / "output" / "demo" / stage / "stage.json").read_text())["ranks"]
        check(ranks == 2, f"demo: {stage} ran on {ranks} ranks, slurm.tasks is 2")
    check("srun --mpi=" in (job_dir / "stdout.log").read_text(), "the batch script's banner")
    print("slurm: demo QUEUED (Slurm PENDING) -> EXECUTING -> COMPLETED on 2 ranks:", seen)


def abort_mid_run(server, alice, store):
    url = create(alice, server.jobs, SLOW, PHASE="RUN")
    uid = job_id(url)
    wait_for(lambda: "som: epoch 3/" in run_log(store / uid), "the SOM's epoch 3", 180)
    check(phase_of(alice, url) == "EXECUTING", f"running SOM: phase {phase_of(alice, url)}")
    check(slurm_state(uid) == "RUNNING", f"running SOM: Slurm says {slurm_state(uid)}")
    post_phase(alice, url, "ABORT")
    check(phase_of(alice, url) == "ABORTED", f"after abort: phase {phase_of(alice, url)}")
    wait_for(lambda: slurm_state(uid) == "CANCELLED", "Slurm to report the job CANCELLED", 60)
    som = store / uid / "output" / "slow" / "som"
    check(not (som / "stage.json").exists(), "the aborted SOM left a complete stage")
    check("stage som: done" not in run_log(store / uid), "the aborted SOM finished")
    check(any((store / uid / "output" / "slow" / ".variants" / "som").glob("*.partial")),
          "the aborted SOM left no partial folder")
    print("slurm: abort in the SOM -> Slurm CANCELLED, phase ABORTED, no complete SOM stage")


def restart_while_running(config, sets, alice, server, store):
    url = create(alice, server.jobs, SLOW.replace("slow", "again"), PHASE="RUN")
    uid = job_id(url)
    wait_for(lambda: "som: epoch 1/" in run_log(store / uid), "the SOM to start", 180)
    check(phase_of(alice, url) == "EXECUTING", f"before kill: phase {phase_of(alice, url)}")
    server.stop(hard=True)
    check(slurm_state(uid) == "RUNNING", "the Slurm job died with the service")
    server = serve(config, *sets)
    url = server.jobs + "/" + uid
    check(phase_of(alice, url) == "EXECUTING", f"after restart: phase {phase_of(alice, url)}")
    post_phase(alice, url, "SUSPEND")  # scontrol suspend
    check(slurm_state(uid) == "SUSPENDED", f"PHASE=SUSPEND: Slurm says {slurm_state(uid)}")
    time.sleep(0.5)  # several polls: Slurm's SUSPENDED keeps the phase
    check(phase_of(alice, url) == "SUSPENDED", f"suspended: phase {phase_of(alice, url)}")
    post_phase(alice, url, "RESUME")  # scontrol resume
    check(slurm_state(uid) == "RUNNING", f"PHASE=RESUME: Slurm says {slurm_state(uid)}")
    check(phase_of(alice, url) == "EXECUTING", f"resumed: phase {phase_of(alice, url)}")
    server.stop(hard=True)  # again; the job ends while the service is down
    wait_for(lambda: slurm_state(uid) == "COMPLETED", "Slurm to complete the job", 180)
    server = serve(config, *sets)
    url = server.jobs + "/" + uid
    check(phase_of(alice, url) == "COMPLETED",
          f"restarted after the end: phase {phase_of(alice, url)}: " + alice.get(url + "/error").text)
    check("results.tar.gz" in alice.get(url + "/results").text, "the archive is missing")
    print("slurm: kill -9 while running -> EXECUTING after restart; ended while down -> COMPLETED")
    return server


TINY = """experiment: tiny
stages: [synth, preprocess]
synth: {count: 200, seed: 3}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 100, pca_components: 2}
"""


def cold_restart_slurmctld():
    """Stops this test's slurmctld (the PID in its own pid file, checked to be ours) and starts
    it again with -c: every job record is dropped; the jobcomp file stays. The new PID goes to
    $SLURM_SCRATCH/extra-pids, which it_uws_slurm.sh stops on exit."""
    conf = os.environ["SLURM_CONF"]
    home = pathlib.Path(conf).parent
    pid = int((home / "slurmctld.pid").read_text().split()[0])
    cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    check("slurmctld" in cmdline and conf in cmdline, f"pid {pid} is not this test's slurmctld")
    os.kill(pid, 15)
    wait_for(lambda: not pathlib.Path(f"/proc/{pid}").exists(), "slurmctld to stop", 30)
    log = open(home / "log" / "slurmctld-cold.stderr", "w")
    proc = subprocess.Popen(["slurmctld", "-D", "-i", "-c", "-f", conf], stdout=log, stderr=log)
    with open(pathlib.Path(os.environ["SLURM_SCRATCH"]) / "extra-pids", "a") as f:
        f.write(f"{proc.pid}\n")
    wait_for(lambda: subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True,
                                    timeout=10).stdout.strip().startswith("idle"),
             "the cold slurmctld to see the node idle", 60)


def forgotten_by_slurm(config, sets, alice, server, store):
    url = create(alice, server.jobs, TINY, PHASE="RUN")
    uid = job_id(url)
    wait_for(lambda: slurm_state(uid) in ("RUNNING", "COMPLETED"), "Slurm to start the job", 120)
    sid = slurm_job(uid)[0]
    server.stop(hard=True)
    wait_for(lambda: slurm_state(uid) == "COMPLETED", "Slurm to complete the job", 180)
    cold_restart_slurmctld()
    shown = subprocess.run(["scontrol", "-o", "show", "job", sid], capture_output=True, text=True,
                           timeout=30)
    check(shown.returncode != 0 and "Invalid job id" in shown.stderr,
          f"Slurm still knows job {sid}: {shown.stdout}{shown.stderr}")
    acct = subprocess.run(["sacct", "-c", "-n", "-P", "-j", sid, "-o", "jobid,state"],
                          capture_output=True, text=True, timeout=30).stdout
    check(f"{sid}|COMPLETED" in acct.split(), f"sacct -c has no COMPLETED record of {sid}: {acct!r}")
    (store / uid / "exit_code").unlink()
    server = serve(config, *sets)
    url = server.jobs + "/" + uid
    check(phase_of(alice, url) == "COMPLETED",
          f"forgotten by Slurm: phase {phase_of(alice, url)}: " + alice.get(url + "/error").text)
    print("slurm: a job Slurm forgot, without its exit_code file -> COMPLETED from sacct -c")
    return server


def main():
    if not os.environ.get("SLURM_CONF"):
        fail("run through it_uws_slurm.sh (SLURM_CONF)")
    s = Scratch()
    config = s.config()
    sets = ("launcher.kind=slurm", f"slurm.template={SOURCE / 'slurm' / 'uws-job.sbatch.in'}",
            "slurm.tasks=2", "slurm.time=10", "launcher.max_running=4")
    store = s.dir / "store" / "jobs"
    server = serve(config, *sets)
    try:
        alice = session("alice")
        demo_through_the_queue(s, server, alice, store)
        abort_mid_run(server, alice, store)
        server = restart_while_running(config, sets, alice, server, store)
        (s.dir / "release-blocker").write_text("go\n")
        server = forgotten_by_slurm(config, sets, alice, server, store)
    finally:
        for started in SERVERS:
            if started.proc.poll() is None:
                started.stop(hard=True)
        (s.dir / "release-blocker").write_text("go\n")
        # Every job of this private Slurm (SLURM_CONF) is the test's own.
        left = subprocess.run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True,
                              timeout=30).stdout.split()
        if left:
            subprocess.run(["scancel", *left], timeout=30)
    s.cleanup()
    print("it_uws_slurm: ok")


if __name__ == "__main__":
    main()
