"""vocloud-uws's own configuration: file:line:col errors from the same machinery as
experiments, relative paths from the file's folder, plain HTTP refused off 127.0.0.1, a bad
users file named at its line, and HTTPS with a self-signed certificate made here."""
import pathlib
import subprocess

import requests

from uws_harness import UWS_BIN, Scratch, Server, check, session


def refused(config, *sets):
    args = [str(UWS_BIN), "--config", str(config)]
    for s in sets:
        args += ["--set", s]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    check(out.returncode == 2, f"exit {out.returncode} for a bad config: {out.stderr}")
    return out.stderr


def check_errors(s):
    bad = s.dir / "bad.yaml"
    bad.write_text("server:\n  prot: 8080\nusers:\n  file: users.yaml\n")
    err = refused(bad)
    check(f"{bad}:2:3" in err and "server.port" in err, f"unknown key: {err}")
    config = s.config()
    err = refused(config, "server.host=0.0.0.0")
    check("server.host" in err and "tls_cert" in err, f"plain HTTP off loopback: {err}")
    err = refused(config, "server.port=http")
    check("--set" in err and "server.port" in err, f"bad --set: {err}")
    users = s.dir / "bad-users.yaml"
    users.write_text("users:\n  - name: eve\n    password: plaintext\n")
    err = refused(config, f"users.file={users}")
    check(f"{users}:3:15" in err and "pbkdf2" in err, f"bad users file: {err}")


def check_relative_paths(s):
    sub = s.dir / "conf"
    sub.mkdir()
    (sub / "uws.yaml").write_text(
        "server:\n  port: 0\nstore:\n  dir: ../rel-store\nusers:\n  file: ../users.yaml\n")
    server = Server(sub / "uws.yaml")
    try:
        check(session("alice").get(server.jobs).status_code == 200, "relative users file")
    finally:
        server.stop()
    check((s.dir / "rel-store" / "jobs.sqlite").exists(), "store not beside the config's folder")


def check_tls(s):
    cert, key = s.dir / "cert.pem", s.dir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=120)
    server = Server(s.config(), f"server.tls_cert={cert}", f"server.tls_key={key}")
    try:
        check(server.jobs.startswith("https://127.0.0.1:"), f"URL {server.jobs}")
        alice = session("alice")
        # verify= per request: REQUESTS_CA_BUNDLE in the environment would win over
        # Session.verify.
        check(alice.get(server.jobs, verify=str(cert)).status_code == 200, "HTTPS with the certificate")
        try:
            requests.get(server.jobs, timeout=10)  # the system's CAs do not know it
            check(False, "an unknown certificate was accepted")
        except requests.exceptions.SSLError:
            pass
        plain = server.jobs.replace("https://", "http://")
        try:
            r = requests.get(plain, auth=("alice", "alice-pw"), timeout=10)
            check(r.status_code != 200, "plain HTTP served on the HTTPS port")
        except requests.exceptions.ConnectionError:
            pass
    finally:
        server.stop()


def check_docs():
    """docs/uws.md ends with the key tables of `vocloud-uws explain --markdown`."""
    from uws_harness import SOURCE
    tables = subprocess.run([str(UWS_BIN), "explain", "--markdown"], capture_output=True,
                            text=True, check=True, timeout=30).stdout
    doc = (SOURCE / "docs" / "uws.md").read_text()
    check(doc.endswith(tables), "docs/uws.md is stale: regenerate its reference with "
          "`build/bin/vocloud-uws explain --markdown`")


def check_example(s, name="uws-local.yaml"):
    """configs/<name> starts (the schema accepts it), and its documented demo accounts work."""
    from uws_harness import SOURCE
    server = Server(SOURCE / "configs" / name, "server.port=0",
                    f"store.dir={s.dir / ('example-store-' + name)}", log_dir=s.dir)
    try:
        for user, password in (("demo", "demo"), ("admin", "admin")):
            r = requests.get(server.jobs, auth=(user, password), timeout=30)
            check(r.status_code == 200, f"demo account {user}: {r.status_code}")
        r = requests.get(server.jobs, auth=("demo", "admin"), timeout=30)
        check(r.status_code == 401, "a wrong demo password is accepted")
    finally:
        server.stop()


def main():
    check_docs()
    s = Scratch()
    check_errors(s)
    check_relative_paths(s)
    check_tls(s)
    check_example(s)
    check_example(s, "uws-slurm.yaml")  # starts without Slurm; jobs would queue for sbatch
    s.cleanup()
    print("it_uws_config: ok")


if __name__ == "__main__":
    main()
