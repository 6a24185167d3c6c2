"""kill -9 of vocloud-uws loses nothing: jobs persist in SQLite and on disk; on restart a
running job's process is found again by pid and start time and kept EXECUTING, queued and
pending jobs stay so, and a run that ended while the service was down gets its phase from
the exit status its monitor recorded."""
import os

from uws_harness import (STANDIN, Scratch, Server, check, create, phase_of, session, wait_for,
                         wait_phase)

EXP = "experiment: {}\nstages: [synth]\nsynth:\n  count: 100\n"


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def main():
    s = Scratch()
    config = s.config()
    sets = (f"launcher.vocloud={STANDIN}",)
    store = s.dir / "store" / "jobs"
    server = Server(config, *sets)
    try:
        alice = session("alice")
        a = create(alice, server.jobs, EXP.format("a"), PHASE="RUN")
        b = create(alice, server.jobs, EXP.format("b"), PHASE="RUN")
        c = create(alice, server.jobs, EXP.format("c"))
        ida, idb = a.rsplit("/", 1)[1], b.rsplit("/", 1)[1]
        wait_phase(alice, a, {"EXECUTING"})
        wait_for(lambda: (store / ida / "output" / "pid").exists(), "a's run")
        pid_a = int((store / ida / "output" / "pid").read_text())
        check(phase_of(alice, b) == "QUEUED", "b not queued")
        server.stop(hard=True)  # kill -9 while a runs and b queues
        check(alive(pid_a), "a's run died with the service")

        server = Server(config, *sets)
        a, b, c = (server.jobs + "/" + u.rsplit("/", 1)[1] for u in (a, b, c))
        check(phase_of(alice, a) == "EXECUTING", "a lost after restart")
        check(phase_of(alice, b) == "QUEUED", "b lost after restart")
        check(phase_of(alice, c) == "PENDING", "c lost after restart")
        (store / ida / "release").write_text("go\n")
        check(wait_phase(alice, a, {"COMPLETED", "ERROR"}) == "COMPLETED",
              "the adopted run's end was not recorded: " + alice.get(a + "/error").text)
        check("results.tar.gz" in alice.get(a + "/results").text, "a's archive missing")
        wait_phase(alice, b, {"EXECUTING"})
        wait_for(lambda: (store / idb / "output" / "pid").exists(), "b's run")
        server.stop(hard=True)  # kill -9 while b runs; b ends while the service is down
        (store / idb / "release").write_text("go\n")
        wait_for(lambda: (store / idb / "exit_code").exists(), "b's monitor to record its end")

        server = Server(config, *sets)
        b, c = (server.jobs + "/" + u.rsplit("/", 1)[1] for u in (b, c))
        check(phase_of(alice, b) == "COMPLETED", f"b is {phase_of(alice, b)} after restart")
        check(phase_of(alice, c) == "PENDING", "c changed")
    finally:
        server.stop(hard=True)
    s.cleanup()
    print("it_uws_restart: ok")


if __name__ == "__main__":
    main()
