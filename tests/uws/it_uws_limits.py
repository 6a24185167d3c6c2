"""Per-user disk limit (jobs.max_disk_per_user): while a user's job folders hold less than the
limit they create jobs; once they hold more (a large file put into one of alice's job folders
here, its size counted by the test itself) a new job, and a copy of an old one, is refused
with 403 and a message naming the user, the sizes and the key; another user is not affected;
deleting the job frees the room. Blocking: with server.threads 8 (4 for WAIT), 8 clients
in WAIT leave the job list answered, and the WAITs past the fourth return at once.
(The per-user limit of running jobs is in it_uws_phases.)"""
import os
import threading
import time

from uws_harness import STANDIN, Scratch, Server, check, create, session

from it_uws_phases import exp, job_dir

LIMIT_MIB = 1


def tree_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder)
               for f in files if not os.path.islink(os.path.join(d, f)))


def check_wait_reserve(s):
    server = Server(s.config(), f"launcher.vocloud={STANDIN}", "server.threads=8",
                    "server.wait_cap=60", "store.dir=" + str(s.dir / "wait-store"))
    try:
        alice = session("alice")
        jobs = [create(alice, server.jobs, exp(f"w{i}")) for i in range(8)]
        answered = []

        def wait_on(job):
            session("alice").get(job, params={"WAIT": "-1"}, timeout=120)
            answered.append(time.time())

        threads = [threading.Thread(target=wait_on, args=(j,), daemon=True) for j in jobs]
        for t in threads:
            t.start()
        deadline = time.time() + 30
        while len(answered) < 4 and time.time() < deadline:
            time.sleep(0.05)
        check(len(answered) == 4, f"{len(answered)} WAITs answered early, not the 4 past the "
              "WAIT workers")
        r = alice.get(server.jobs, timeout=30)  # well below the 60 s WAIT cap
        check(r.status_code == 200 and r.text.count("<uws:jobref") == 8, "the list is not served")
        for job in jobs:  # end the blocked WAITs: the phase changes
            alice.post(job + "/phase", data={"PHASE": "ABORT"})
        for t in threads:
            t.join(timeout=30)
        check(len(answered) == 8, "blocked WAITs did not end with the phase change")
    finally:
        server.stop()


def main():
    s = Scratch()
    check_wait_reserve(s)
    server = Server(s.config(f"jobs:\n  max_disk_per_user: {LIMIT_MIB}\n"),
                    f"launcher.vocloud={STANDIN}")
    try:
        alice, bob = session("alice"), session("bob")
        store = s.dir / "store"
        first = create(alice, server.jobs, exp("first"))
        second = create(alice, server.jobs, exp("second"))  # under the limit: accepted
        big = job_dir(store, first) / "output" / "big.bin"
        big.parent.mkdir(parents=True, exist_ok=True)
        big.write_bytes(b"\0" * (LIMIT_MIB * 1024 * 1024 + 4096))
        used = tree_bytes(job_dir(store, first)) + tree_bytes(job_dir(store, second))
        check(used > LIMIT_MIB * 1024 * 1024, f"the test's own count: {used}")
        r = alice.post(server.jobs, data={"experiment": exp("third")}, allow_redirects=False)
        check(r.status_code == 403, f"over the limit: {r.status_code} {r.text}")
        check("'alice'" in r.text and "disk limit" in r.text and "jobs.max_disk_per_user" in r.text
              and f"{used / 1048576:.1f} MiB" in r.text, f"message: {r.text}")
        r = alice.post(server.jobs, data={"COPY": first.rsplit("/", 1)[1]}, allow_redirects=False)
        check(r.status_code == 403, f"a copy over the limit: {r.status_code}")
        create(bob, server.jobs, exp("bobs"))  # bob's own folders are empty
        r = alice.post(first, data={"ACTION": "DELETE"}, allow_redirects=False)
        check(r.status_code == 303, f"delete: {r.status_code}")
        create(alice, server.jobs, exp("after-delete"))
    finally:
        server.stop()
    s.cleanup()
    print("it_uws_limits: ok")


if __name__ == "__main__":
    main()
