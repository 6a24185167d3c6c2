"""Helpers of the vocloud-uws tests: a users file, a service started on 127.0.0.1 with a
free port and stopped by its PID, UWS 1.1 schema validation with `xmllint --nonet`.
Run by ctest (VOCLOUD_BUILD_DIR, VOCLOUD_SOURCE_DIR set)."""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

BUILD = pathlib.Path(os.environ["VOCLOUD_BUILD_DIR"])
SOURCE = pathlib.Path(os.environ["VOCLOUD_SOURCE_DIR"])
UWS_BIN = BUILD / "bin" / "vocloud-uws"
STANDIN = SOURCE / "tests" / "uws" / "standin_vocloud.sh"
GAVO_SCHEMATA = pathlib.Path("/usr/lib/python3/dist-packages/gavo/resources/schemata")
UWS_NS = "http://www.ivoa.net/xml/UWS/v1.0"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def hash_password(password):
    out = subprocess.run([str(UWS_BIN), "hash-password"], input=password + "\n",
                         capture_output=True, text=True, check=True, timeout=30)
    return out.stdout.strip()


class Scratch:
    """A temporary folder with a users file (alice, bob: users; carol: privileged; root:
    supervisor). alice and carol have a mail address (NAME@example.org), bob none."""

    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="vocloud-uws-"))
        lines = ["users:"]
        for name, role in (("alice", "user"), ("bob", "user"), ("carol", "privileged"),
                           ("root", "supervisor")):
            lines += [f"  - name: {name}", f"    role: {role}",
                      f"    password: '{hash_password(name + '-pw')}'"]
            if name in ("alice", "carol"):
                lines.append(f"    email: {name}@example.org")
        (self.dir / "users.yaml").write_text("\n".join(lines) + "\n")
        self.schema = self._schema()

    def _schema(self):
        # UWS.xsd imports xlink.xsd from the web: point it at Debian's copy (--nonet).
        text = (GAVO_SCHEMATA / "UWS.xsd").read_text()
        text = text.replace("http://docs.g-vo.org/schemata/xlink.xsd",
                            str(GAVO_SCHEMATA / "xlink.xsd"))
        path = self.dir / "UWS.xsd"
        path.write_text(text)
        return path

    def config(self, extra=""):
        path = self.dir / "uws.yaml"
        path.write_text(
            "server:\n  host: 127.0.0.1\n  port: 0\n  wait_cap: 5\n"
            "store:\n  dir: store\nusers:\n  file: users.yaml\n"
            "launcher:\n  ranks: 1\n  max_running: 1\n  kill_grace: 2\n"
            "  poll_interval: 0.05\n  mpirun_args: [--oversubscribe]\n" + extra)
        return path

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """vocloud-uws started on a free port; stop() ends it by its PID (kill -9 with hard)."""

    def __init__(self, config, *sets, env=None, log_dir=None):
        args = [str(UWS_BIN), "--config", str(config)]
        for s in sets:
            args += ["--set", s]
        # The server's stderr: beside the config, or in log_dir (a config from the source tree).
        self.log_path = pathlib.Path(log_dir or pathlib.Path(config).parent) / "server.log"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log,
                                     text=True, env=env)
        deadline = time.time() + 20
        line = ""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line or self.proc.poll() is not None:
                break
        match = re.search(r"serving (\S+)", line)
        if not match:
            self.stop(hard=True)
            fail("vocloud-uws did not print its URL: " + repr(line) + " " +
                 pathlib.Path(self.log_path).read_text())
        self.jobs = match.group(1)

    def stop(self, hard=False):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log.close()
        return self.proc.returncode


def session(user):
    s = requests.Session()
    s.auth = (user, user + "-pw")
    return s


def validate(scratch, xml_text, what):
    """Validates a document against UWS 1.1 with xmllint --nonet; fails the test if not."""
    path = scratch.dir / "doc.xml"
    path.write_bytes(xml_text if isinstance(xml_text, bytes) else xml_text.encode())
    out = subprocess.run(["xmllint", "--nonet", "--noout", "--schema", str(scratch.schema),
                          str(path)], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"{what} is not valid UWS 1.1:\n{out.stderr}\n{xml_text}")


def create(sess, jobs_url, yaml_text, **fields):
    """POST /jobs; returns the job URL (the 303's Location)."""
    data = {} if yaml_text is None else {"experiment": yaml_text}
    data.update(fields)
    r = sess.post(jobs_url, data=data, allow_redirects=False, timeout=30)
    check(r.status_code == 303, f"POST /jobs: {r.status_code} {r.text}")
    return r.headers["Location"]


def phase_of(sess, job_url):
    r = sess.get(job_url + "/phase", timeout=30)
    check(r.status_code == 200, f"GET phase: {r.status_code}")
    return r.text.strip()


def wait_phase(sess, job_url, wanted, seconds=60):
    """Polls (with WAIT) until the job's phase is in `wanted`; returns it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        phase = phase_of(sess, job_url)
        if phase in wanted:
            return phase
        sess.get(job_url, params={"WAIT": "1"}, timeout=30)
    fail(f"{job_url}: phase {phase_of(sess, job_url)}, expected one of {wanted}")


def wait_for(predicate, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)
