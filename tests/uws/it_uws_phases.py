"""The local launcher through every phase, with the stand-in vocloud (a run that lasts until
the test releases it): QUEUED while another job executes (max_running 1), SUSPENDED (the
process group stopped: state T in /proc) and RESUME, ABORT (the process group ends, logs kept),
ERROR with the run's message, executionduration enforced, destruction enforced by the
reaper; a per-user limit of running jobs."""
import datetime
import os
import pathlib

from uws_harness import (STANDIN, Scratch, Server, check, create, phase_of, session, validate,
                         wait_for, wait_phase)


def exp(name):
    return f"experiment: {name}\nstages: [synth]\nsynth:\n  count: 100\n"


def job_dir(store, job):
    return store / "jobs" / job.rsplit("/", 1)[1]


def run_pid(store, job):
    pid_file = job_dir(store, job) / "output" / "pid"
    wait_for(pid_file.exists, f"{pid_file}")
    wait_for(lambda: pid_file.read_text().strip() != "", "pid written")
    return int(pid_file.read_text())


def state_of(pid):
    """The process state letter from /proc (None when the process is gone)."""
    try:
        text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rfind(")") + 2]


def release(store, job):
    (job_dir(store, job) / "release").write_text("go\n")


def check_queue_and_suspend(alice, jobs, store):
    first = create(alice, jobs, exp("first"), PHASE="RUN")
    second = create(alice, jobs, exp("second-fail"), PHASE="RUN")
    check(wait_phase(alice, first, {"EXECUTING"}) == "EXECUTING", "first not executing")
    check(phase_of(alice, second) == "QUEUED", "second not queued behind the first")
    pid = run_pid(store, first)
    r = alice.post(first + "/phase", data={"PHASE": "SUSPEND"}, allow_redirects=False)
    check(r.status_code == 303, f"suspend: {r.status_code} {r.text}")
    check(phase_of(alice, first) == "SUSPENDED", "not SUSPENDED")
    wait_for(lambda: state_of(pid) == "T", "the run stopped (state T)")
    r = alice.post(first + "/phase", data={"PHASE": "RESUME"}, allow_redirects=False)
    check(r.status_code == 303 and phase_of(alice, first) == "EXECUTING", "resume")
    wait_for(lambda: state_of(pid) not in ("T", None), "the run continued")
    beat = job_dir(store, first) / "output" / "heartbeat"
    seen = beat.read_text()
    wait_for(lambda: beat.read_text() != seen, "the heartbeat moves again")
    release(store, first)
    check(wait_phase(alice, first, {"COMPLETED", "ERROR"}) == "COMPLETED", "first not completed")
    check(wait_phase(alice, second, {"EXECUTING"}) == "EXECUTING", "second did not start")
    release(store, second)
    check(wait_phase(alice, second, {"COMPLETED", "ERROR"}) == "ERROR", "failing run not ERROR")
    error = alice.get(second + "/error").text
    check("exit status 3" in error and "failing as asked" in error, f"error: {error}")


def check_abort(s, alice, jobs, store):
    job = create(alice, jobs, exp("aborted"), PHASE="RUN")
    check(wait_phase(alice, job, {"EXECUTING"}) == "EXECUTING", "not executing")
    pid = run_pid(store, job)
    r = alice.post(job + "/phase", data={"PHASE": "ABORT"}, allow_redirects=False)
    check(r.status_code == 303 and phase_of(alice, job) == "ABORTED", "abort")
    wait_for(lambda: state_of(pid) is None, "the aborted run's processes to end")
    doc = alice.get(job + "/results")
    validate(s, doc.content, "results of an aborted job")
    check("stderr.log" in doc.text and "stdout.log" in doc.text, "logs not kept after abort")
    check(alice.post(job + "/phase", data={"PHASE": "RUN"}, allow_redirects=False).status_code
          == 409, "an aborted job ran again")


def check_execution_duration(alice, jobs, store):
    job = create(alice, jobs, exp("overtime"), EXECUTIONDURATION="1")
    check(alice.get(job + "/executionduration").text.strip() == "1", "duration not set")
    alice.post(job + "/phase", data={"PHASE": "RUN"})
    pid = run_pid(store, job)
    check(wait_phase(alice, job, {"ABORTED", "COMPLETED", "ERROR"}) == "ABORTED",
          "a run past its executionduration was not aborted")
    check("executionduration" in alice.get(job + "/error").text, "no reason given")
    wait_for(lambda: state_of(pid) is None, "the overtime run's processes to end")


def check_destruction(alice, jobs, store):
    job = create(alice, jobs, exp("doomed"))
    soon = (datetime.datetime.utcnow() + datetime.timedelta(seconds=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    r = alice.post(job + "/destruction", data={"DESTRUCTION": soon}, allow_redirects=False)
    check(r.status_code == 303 and alice.get(job + "/destruction").text.strip() == soon,
          f"destruction not set: {r.status_code}")
    wait_for(lambda: alice.get(job).status_code == 404, "the reaper to delete the job", 30)
    check(not job_dir(store, job).exists(), "the reaped job's folder remains")


def check_per_user_limit(s):
    """launcher.max_running 2, jobs.max_running_per_user 1: alice's second job waits while
    bob's job passes it."""
    server = Server(s.config(), f"launcher.vocloud={STANDIN}", "launcher.max_running=2",
                    "jobs.max_running_per_user=1", "store.dir=" + str(s.dir / "store2"))
    try:
        alice, bob = session("alice"), session("bob")
        store = s.dir / "store2"
        a1 = create(alice, server.jobs, exp("a1"), PHASE="RUN")
        wait_phase(alice, a1, {"EXECUTING"})
        a2 = create(alice, server.jobs, exp("a2"), PHASE="RUN")
        b1 = create(bob, server.jobs, exp("b1"), PHASE="RUN")
        check(wait_phase(bob, b1, {"EXECUTING"}) == "EXECUTING", "bob's job did not pass")
        check(phase_of(alice, a2) == "QUEUED", "alice runs two jobs at once")
        release(store, a1)
        check(wait_phase(alice, a2, {"EXECUTING"}) == "EXECUTING", "a2 did not follow a1")
        release(store, a2)
        release(store, b1)
        for job, who in ((a2, alice), (b1, bob)):
            wait_phase(who, job, {"COMPLETED"})
    finally:
        server.stop()


def main():
    s = Scratch()
    config = s.config("jobs:\n  reaper_interval: 0.2\n")
    server = Server(config, f"launcher.vocloud={STANDIN}")
    try:
        alice = session("alice")
        store = s.dir / "store"
        check_queue_and_suspend(alice, server.jobs, store)
        check_abort(s, alice, server.jobs, store)
        check_execution_duration(alice, server.jobs, store)
        check_destruction(alice, server.jobs, store)
    finally:
        server.stop()
    check_per_user_limit(s)
    s.cleanup()
    print("it_uws_phases: ok")


if __name__ == "__main__":
    main()
