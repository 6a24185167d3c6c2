"""Roles: the privileged user carol runs a job whose output goes into the shared base of
knowledge (jobs.shared_base); the stand-in run writes there, not into the job's folder.
Every user's job may then name that folder (alice's acquire reads it), but alice may not
write there: her job is refused with a clear error. The supervisor sees and manages every
job: root aborts and deletes alice's running job."""
from uws_harness import STANDIN, Scratch, Server, check, create, session, wait_phase

from it_uws_phases import exp, job_dir


def writer(shared, name):
    return f"experiment: {name}\noutput: {shared}/{name}\nstages: [synth]\nsynth:\n  count: 100\n"


def reader(shared):
    return (f"experiment: reads-kb\nstages: [acquire]\nacquire:\n  sources:\n"
            f"    - kind: local\n      path: {shared}/kb1\n")


def check_shared_base(s, server, shared, store):
    carol, alice = session("carol"), session("alice")
    job = create(carol, server.jobs, writer(shared, "kb1"), PHASE="RUN")
    wait_phase(carol, job, {"EXECUTING"})
    (shared / "release").write_text("go\n")  # the stand-in waits for OUTPUT/../release
    check(wait_phase(carol, job, {"COMPLETED", "ERROR"}) == "COMPLETED", "carol's job failed")
    check((shared / "kb1" / "done.txt").exists(), "nothing written into the shared base")
    check(not (job_dir(store, job) / "output" / "done.txt").exists(),
          "the privileged job wrote into its own folder")
    create(alice, server.jobs, reader(shared))  # reading the shared base: accepted
    r = alice.post(server.jobs, data={"experiment": writer(shared, "mine")},
                   allow_redirects=False)
    check(r.status_code == 400 and "shared base of knowledge" in r.text and
          "only privileged users may write" in r.text, f"alice writes: {r.status_code} {r.text}")
    check(not (shared / "mine").exists(), "alice's refused job left a folder")
    # A plain output elsewhere is replaced by the job's own folder, as before.
    create(alice, server.jobs, "experiment: own\noutput: out\nstages: [synth]\n")


def check_supervisor(server, store):
    alice, root = session("alice"), session("root")
    job = create(alice, server.jobs, exp("watched"), PHASE="RUN")
    check(wait_phase(alice, job, {"EXECUTING"}) == "EXECUTING", "not executing")
    r = root.post(job + "/phase", data={"PHASE": "ABORT"}, allow_redirects=False)
    check(r.status_code == 303 and alice.get(job + "/phase").text.strip() == "ABORTED",
          f"the supervisor cannot abort alice's job: {r.status_code}")
    r = root.post(job, data={"ACTION": "DELETE"}, allow_redirects=False)
    check(r.status_code == 303 and alice.get(job).status_code == 404,
          "the supervisor cannot delete alice's job")
    check(not job_dir(store, job).exists(), "the deleted job's folder remains")


def main():
    s = Scratch()
    shared = s.dir / "shared"
    shared.mkdir()
    server = Server(s.config("jobs:\n  shared_base: shared\n"), f"launcher.vocloud={STANDIN}")
    try:
        check_shared_base(s, server, shared, s.dir / "store")
        check_supervisor(server, s.dir / "store")
    finally:
        server.stop()
    s.cleanup()
    print("it_uws_roles: ok")


if __name__ == "__main__":
    main()
