"""UWS 1.1 conformance of vocloud-uws with the real `vocloud run`: every XML document
validates against the UWS 1.1 schema (xmllint --nonet), status codes and redirects, the
children as text/plain, filters, parameters only while PENDING, results and the archive,
owners (another user's job is a 404), shell metacharacters and ../ harmless, oversized
requests refused."""
import http.client
import io
import pathlib
import tarfile
import urllib.parse

from lxml import etree

from uws_harness import (Scratch, Server, UWS_NS, check, create, phase_of, session, validate,
                         wait_phase)

NS = {"uws": UWS_NS, "xlink": "http://www.w3.org/1999/xlink"}
GOOD = "experiment: tiny\nstages: [synth]\nsynth:\n  count: 100\n  seed: 7\n"


def xml(sess, url, scratch, what, **params):
    r = sess.get(url, params=params, timeout=60)
    check(r.status_code == 200, f"GET {what}: {r.status_code} {r.text}")
    check(r.headers["Content-Type"].startswith("text/xml"), f"{what}: {r.headers['Content-Type']}")
    validate(scratch, r.content, what)
    return etree.fromstring(r.content)


def text_child(sess, job, child):
    r = sess.get(job + "/" + child, timeout=30)
    check(r.status_code == 200, f"GET {child}: {r.status_code}")
    check(r.headers["Content-Type"].startswith("text/plain"), f"{child}: not text/plain")
    return r.text.strip()


def listed_ids(doc):
    return [ref.get("id") for ref in doc.findall("uws:jobref", NS)]


def check_creation_errors(alice, jobs):
    bad = "experiment: tiny\nsynth:\n  cont: 20\n"
    r = alice.post(jobs, data={"experiment": bad}, allow_redirects=False, timeout=30)
    check(r.status_code == 400 and "experiment.yaml:3:3" in r.text, f"bad key: {r.text}")
    r = alice.post(jobs, files={"experiment": ("e.yaml", "experiment: [unclosed\n")},
                   allow_redirects=False, timeout=30)
    check(r.status_code == 400 and "experiment.yaml" in r.text, f"bad YAML: {r.text}")
    r = alice.post(jobs, data={"runid": "x"}, allow_redirects=False, timeout=30)
    check(r.status_code == 400 and "experiment" in r.text, f"no experiment: {r.text}")


def check_pending_job(s, alice, jobs):
    job = create(alice, jobs, GOOD, RUNID="first <run> & co")
    doc = xml(alice, job, s, "job")
    check(doc.findtext("uws:phase", namespaces=NS) == "PENDING", "new job is not PENDING")
    check(doc.findtext("uws:runId", namespaces=NS) == "first <run> & co", "runId not kept")
    check(text_child(alice, job, "phase") == "PENDING", "phase child")
    check(text_child(alice, job, "owner") == "alice", "owner child")
    check(text_child(alice, job, "executionduration") == "3600", "executionduration child")
    check(text_child(alice, job, "destruction") ==
          doc.findtext("uws:destruction", namespaces=NS), "destruction child")
    params = xml(alice, job + "/parameters", s, "parameters")
    check(params.find("uws:parameter[@id='experiment']", NS).text == GOOD, "experiment parameter")
    # Modify while PENDING: accepted (303); a bad one refused with its line, nothing changed.
    changed = GOOD.replace("seed: 7", "seed: 8")
    r = alice.post(job + "/parameters", data={"experiment": changed}, allow_redirects=False)
    check(r.status_code == 303 and r.headers["Location"] == job, f"modify: {r.status_code}")
    r = alice.post(job + "/parameters", data={"experiment": "experiment: x\nsom:\n  rows: -3\n"},
                   allow_redirects=False)
    check(r.status_code == 400 and "experiment.yaml:3:" in r.text, f"bad modify: {r.text}")
    params = xml(alice, job + "/parameters", s, "parameters")
    check(params.find("uws:parameter", NS).text == changed, "the good modification is kept")
    r = alice.post(job + "/executionduration", data={"EXECUTIONDURATION": "600"},
                   allow_redirects=False)
    check(r.status_code == 303 and text_child(alice, job, "executionduration") == "600",
          "executionduration not set")
    return job


def check_wait(alice, jobs):
    """WAIT blocks only while the phase holds (the server's cap here is 600 s, the client
    gives up after 60 s: an answer means WAIT ended for the right reason)."""
    job = create(alice, jobs, GOOD)
    r = alice.get(job, params={"WAIT": "-1", "PHASE": "QUEUED"}, timeout=60)
    check(r.status_code == 200 and "PENDING" in r.text, "WAIT with another PHASE blocked")
    import threading
    threading.Timer(1.0, lambda: alice.post(job + "/phase", data={"PHASE": "RUN"})).start()
    r = alice.get(job, params={"WAIT": "-1"}, timeout=60)
    phase = etree.fromstring(r.content).findtext("uws:phase", namespaces=NS)
    check(phase in ("QUEUED", "EXECUTING", "COMPLETED"), f"WAIT returned {phase}")
    wait_phase(alice, job, {"COMPLETED", "ERROR"})
    alice.post(job, data={"ACTION": "DELETE"})


def check_completed_job(s, alice, jobs, store):
    # Uploaded as a file this time (multipart), run at once.
    r = alice.post(jobs, files={"experiment": ("tiny.yaml", GOOD)}, data={"PHASE": "RUN"},
                   allow_redirects=False, timeout=30)
    check(r.status_code == 303, f"upload: {r.status_code} {r.text}")
    job = r.headers["Location"]
    check(wait_phase(alice, job, {"COMPLETED", "ERROR"}) == "COMPLETED",
          "tiny job failed: " + text_child(alice, job, "error"))
    doc = xml(alice, job, s, "completed job")
    check(doc.findtext("uws:startTime", namespaces=NS) and doc.findtext("uws:endTime",
          namespaces=NS), "start/end times missing")
    r = alice.post(job + "/parameters", data={"experiment": GOOD}, allow_redirects=False)
    check(r.status_code == 409, f"modify after run: {r.status_code}")
    results = xml(alice, job + "/results", s, "results")
    ids = {r.get("id"): r.get("{http://www.w3.org/1999/xlink}href")
           for r in results.findall("uws:result", NS)}
    stage = "output/tiny/synth/stage.json"
    for wanted in ("stdout.log", "stderr.log", "results.tar.gz", stage):
        check(wanted in ids, f"result {wanted} missing: {sorted(ids)}")
    job_dir = store / "jobs" / job.rsplit("/", 1)[1]
    check(alice.get(ids[stage]).content == (job_dir / stage).read_bytes(), "stage.json differs")
    archive = tarfile.open(fileobj=io.BytesIO(alice.get(ids["results.tar.gz"]).content))
    names = set(archive.getnames())
    check(stage in names and "stdout.log" in names, f"archive lacks files: {sorted(names)[:5]}")
    check("experiment 'tiny' done" in alice.get(ids["stderr.log"]).text +
          alice.get(ids["stdout.log"]).text, "the run's log is not served")
    return job


def check_copy(s, alice, jobs, completed, store):
    """COPY (extension): a new PENDING job with the old one's experiment, or with changes."""
    same = create(alice, jobs, None, COPY=completed.rsplit("/", 1)[1])
    old_yaml = alice.get(completed + "/parameters").content
    check(alice.get(same + "/parameters").content == old_yaml, "a copy has another experiment")
    check(phase_of(alice, same) == "PENDING", "a copy is not PENDING")
    changed = GOOD.replace("seed: 7", "seed: 9")
    edited = create(alice, jobs, changed, COPY=completed.rsplit("/", 1)[1])
    params = etree.fromstring(alice.get(edited + "/parameters").content)
    check(params.find("uws:parameter", NS).text == changed, "copy with changes")
    r = session("bob").post(jobs, data={"COPY": completed.rsplit("/", 1)[1]},
                            allow_redirects=False)
    check(r.status_code == 404, f"bob copied alice's job: {r.status_code}")
    for job in (same, edited):
        alice.post(job, data={"ACTION": "DELETE"})


def check_lists(s, alice, jobs, pending, completed):
    everything = listed_ids(xml(alice, jobs, s, "job list"))
    check(set(everything) == {pending.rsplit("/", 1)[1], completed.rsplit("/", 1)[1]},
          f"list: {everything}")
    done = listed_ids(xml(alice, jobs, s, "PHASE list", PHASE="COMPLETED"))
    check(done == [completed.rsplit("/", 1)[1]], f"PHASE=COMPLETED: {done}")
    last = listed_ids(xml(alice, jobs, s, "LAST list", LAST="1"))
    check(last == [completed.rsplit("/", 1)[1]], f"LAST=1: {last}")
    created = etree.fromstring(alice.get(pending).content).findtext("uws:creationTime",
                                                                    namespaces=NS)
    after = listed_ids(xml(alice, jobs, s, "AFTER list", AFTER=created))
    check(after == [completed.rsplit("/", 1)[1]], f"AFTER: {after}")
    r = alice.get(jobs, params={"PHASE": "DONE"})
    check(r.status_code == 400, "a bad PHASE filter is refused")


def check_owners(s, jobs, job):
    bob = session("bob")
    check(bob.get(job).status_code == 404, "bob reads alice's job")
    check(bob.get(job + "/phase").status_code == 404, "bob reads alice's phase")
    check(bob.post(job + "/phase", data={"PHASE": "RUN"}).status_code == 404, "bob runs it")
    check(bob.post(job, data={"ACTION": "DELETE"}, allow_redirects=False).status_code == 404,
          "bob deletes it")
    check(listed_ids(xml(bob, jobs, s, "bob's list")) == [], "bob's list shows alice's jobs")
    check(session("root").get(job).status_code == 200, "the supervisor cannot see it")
    check(job.rsplit("/", 1)[1] in listed_ids(xml(session("root"), jobs, s, "root's list")),
          "the supervisor's list lacks it")
    wrong = session("alice")
    wrong.auth = ("alice", "wrong")
    import requests
    check(wrong.get(jobs).status_code == 401, "a wrong password is accepted")
    check(requests.get(jobs).status_code == 401, "no credentials accepted")


def check_hostile_input(s, alice, jobs, store):
    hostile = ("experiment: 'x;touch PWNED1 $(touch PWNED2) `touch PWNED3`'\n"
               "output: ../../../escape\nstages: [synth]\nsynth:\n  count: 100\n")
    job = create(alice, jobs, hostile, PHASE="RUN")
    check(wait_phase(alice, job, {"COMPLETED", "ERROR"}) == "COMPLETED",
          "hostile-named job failed: " + text_child(alice, job, "error"))
    # The name became a folder, never a command: no file PWNED* anywhere.
    check(not list(s.dir.rglob("PWNED*")) and not list(pathlib.Path.cwd().glob("PWNED*")),
          "a shell ran the experiment's name")
    check(any(p.name.startswith("x;touch PWNED1") for p in s.dir.rglob("*")),
          "the experiment's folder with the odd name is missing")
    check(not (s.dir / "escape").exists() and not (s.dir.parent / "escape").exists(),
          "the experiment's output escaped the job folder")
    job_dir = store / "jobs" / job.rsplit("/", 1)[1]
    check(any((job_dir / "output").iterdir()), "outputs are not in the job folder")
    # An experiment that would read (and publish as results) files of the server is refused.
    thief = ("experiment: thief\nstages: [acquire]\nacquire:\n  sources:\n"
             "    - kind: local\n      path: " + str(s.dir / "users.yaml") + "\n")
    r = alice.post(jobs, data={"experiment": thief}, allow_redirects=False)
    check(r.status_code == 400 and "experiment.yaml:6:13: acquire.sources[0].path" in r.text,
          f"a path outside the job folder: {r.status_code} {r.text}")
    # ../ in a result name, raw and encoded, never leaves the folder.
    url = urllib.parse.urlsplit(job)
    for path in ("/results/../../../users.yaml", "/results/%2e%2e/%2e%2e/%2e%2e/users.yaml",
                 "/results/output/../../../users.yaml"):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("GET", url.path + path, headers={"Authorization": _basic("alice")})
        status = conn.getresponse().status
        conn.close()
        check(status in (400, 404), f"{path}: status {status}")
    # Oversized request (limit 1 MiB): 413, no job created.
    before = listed_ids(xml(alice, jobs, s, "list"))
    r = alice.post(jobs, data={"experiment": "experiment: big\n#" + "x" * (2 << 20)})
    check(r.status_code == 413, f"oversized: {r.status_code}")
    check(listed_ids(xml(alice, jobs, s, "list")) == before, "the oversized request made a job")


def _basic(user):
    import base64
    return "Basic " + base64.b64encode(f"{user}:{user}-pw".encode()).decode()


def check_delete(alice, jobs, job, store):
    r = alice.post(job, data={"ACTION": "DELETE"}, allow_redirects=False)
    check(r.status_code == 303 and r.headers["Location"] == jobs, f"delete: {r.status_code}")
    check(alice.get(job).status_code == 404, "a deleted job is still there")
    check(not (store / "jobs" / job.rsplit("/", 1)[1]).exists(), "its folder is still there")


def main():
    s = Scratch()
    server = Server(s.config(), "server.wait_cap=600")
    try:
        alice = session("alice")
        check_creation_errors(alice, server.jobs)
        pending = check_pending_job(s, alice, server.jobs)
        check_wait(alice, server.jobs)
        completed = check_completed_job(s, alice, server.jobs, s.dir / "store")
        check_copy(s, alice, server.jobs, completed, s.dir / "store")
        check_lists(s, alice, server.jobs, pending, completed)
        check_owners(s, server.jobs, pending)
        check_hostile_input(s, alice, server.jobs, s.dir / "store")
        check_delete(alice, server.jobs, pending, s.dir / "store")
        check(phase_of(alice, completed) == "COMPLETED", "completed job changed")
    finally:
        code = server.stop()
    check(code == 0, f"vocloud-uws ended with {code} after SIGTERM")
    s.cleanup()
    print("it_uws_protocol: ok")


if __name__ == "__main__":
    main()
