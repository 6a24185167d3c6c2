"""Mail when a job ends (NOTIFY=mail): an SMTP server (aiosmtpd, Debian's python3-aiosmtpd)
started on 127.0.0.1 by the test and stopped by its PID receives one mail per notified job,
parsed here with Python's email module: to the owner's address, with the job id, phase, run
time (checked against the job document's startTime and endTime) and every result link of the
job's results document. A job without NOTIFY sends nothing; NOTIFY for a user without an
address is refused. With the SMTP server down, the job still ends COMPLETED and the service's
log says why the mail failed."""
import email
import email.policy
import mailbox
import re
import signal
import socket
import subprocess
import xml.etree.ElementTree as ET

from uws_harness import (STANDIN, UWS_NS, Scratch, Server, check, create, session, wait_for,
                         wait_phase)

from it_uws_phases import exp, release


def parse_iso(text):
    """UWS xs:dateTime in UTC ('...Z') -> epoch seconds."""
    import datetime
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd writing every message into a maildir; stopped by its PID."""

    def __init__(self, folder, port):
        self.maildir = folder
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
             "aiosmtpd.handlers.Mailbox", str(folder)])

        def listening():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(listening, "aiosmtpd to listen", 20)

    def messages(self):
        box = mailbox.Maildir(str(self.maildir), factory=None, create=False)
        return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
                for key in box.keys()]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)


def job_times(sess, job):
    root = ET.fromstring(sess.get(job).content)
    ns = {"uws": UWS_NS}
    return (parse_iso(root.find("uws:startTime", ns).text),
            parse_iso(root.find("uws:endTime", ns).text))


def result_hrefs(sess, job):
    root = ET.fromstring(sess.get(job + "/results").content)
    return [r.get("{http://www.w3.org/1999/xlink}href")
            for r in root.findall(f"{{{UWS_NS}}}result")]


def check_mail(message, job, phase, sess):
    job_id = job.rsplit("/", 1)[1]
    check(message["To"].addresses[0].addr_spec == "alice@example.org", f"to: {message['To']}")
    check(job_id in message["Subject"] and phase in message["Subject"],
          f"subject: {message['Subject']}")
    body = message.get_body().get_content()
    check(f"Job: {job_id}" in body and f"Phase: {phase}" in body, f"body: {body}")
    start, end = job_times(sess, job)
    seconds = float(re.search(r"Run time: ([0-9.]+) s", body).group(1))
    check(abs(seconds - (end - start)) < 0.2, f"run time {seconds} vs {end - start}")
    for href in result_hrefs(sess, job):
        check(href in body, f"result link {href} missing from: {body}")
    check(job in body, "no link to the job")


def check_delivered(s, smtp_port):
    smtp = SmtpServer(s.dir / "maildir", smtp_port)
    server = Server(s.config(f"mail:\n  smtp_url: smtp://127.0.0.1:{smtp_port}\n  timeout: 5\n"),
                    f"launcher.vocloud={STANDIN}")
    try:
        alice, bob = session("alice"), session("bob")
        store = s.dir / "store"
        quiet = create(alice, server.jobs, exp("quiet"), PHASE="RUN")
        release(store, quiet)
        wait_phase(alice, quiet, {"COMPLETED"})
        told = create(alice, server.jobs, exp("told"), PHASE="RUN", NOTIFY="mail")
        params = ET.fromstring(alice.get(told + "/parameters").content)
        check([(q.get("id"), q.text) for q in params if q.get("id") == "notify"] ==
              [("notify", "mail")], "NOTIFY is not among the job's parameters")
        release(store, told)
        wait_phase(alice, told, {"COMPLETED"})
        wait_for(lambda: len(smtp.messages()) >= 1, "the mail of a COMPLETED job", 30)
        check(len(smtp.messages()) == 1, "a job without NOTIFY sent mail")
        check_mail(smtp.messages()[0], told, "COMPLETED", alice)
        aborted = create(alice, server.jobs, exp("cut"), PHASE="RUN", NOTIFY="mail")
        wait_phase(alice, aborted, {"EXECUTING"})
        alice.post(aborted + "/phase", data={"PHASE": "ABORT"})
        wait_for(lambda: len(smtp.messages()) >= 2, "the mail of an ABORTED job", 30)
        aborted_mail = [m for m in smtp.messages() if "ABORTED" in m["Subject"]]
        check(len(aborted_mail) == 1 and aborted.rsplit("/", 1)[1] in aborted_mail[0]["Subject"],
              "no ABORTED mail")
        r = bob.post(server.jobs, data={"experiment": exp("b"), "NOTIFY": "mail"},
                     allow_redirects=False)
        check(r.status_code == 400 and "no mail address" in r.text, f"bob: {r.status_code} {r.text}")
    finally:
        server.stop()
        smtp.stop()


def check_server_down(s, smtp_port):
    """Nothing listens on smtp_port any more: the job completes, the log says why."""
    config = s.config(f"mail:\n  smtp_url: smtp://127.0.0.1:{smtp_port}\n  timeout: 5\n")
    server = Server(config, f"launcher.vocloud={STANDIN}", "store.dir=" + str(s.dir / "store2"))
    try:
        alice = session("alice")
        job = create(alice, server.jobs, exp("unheard"), PHASE="RUN", NOTIFY="mail")
        release(s.dir / "store2", job)
        check(wait_phase(alice, job, {"COMPLETED", "ERROR"}) == "COMPLETED",
              "a failed mail changed the job's phase")
        job_id = job.rsplit("/", 1)[1]
        wait_for(lambda: f"mail: job {job_id}: could not send" in server.log_path.read_text(),
                 "the log line of the failed mail", 30)
        line = [l for l in server.log_path.read_text().splitlines()
                if f"mail: job {job_id}" in l][0]
        check("alice@example.org" in line and f"127.0.0.1:{smtp_port}" in line and
              "connect" in line.lower(), f"the log does not say why: {line}")
        check(alice.get(job).status_code == 200, "the job is gone")
    finally:
        server.stop()


def main():
    s = Scratch()
    port = free_port()
    check_delivered(s, port)
    check_server_down(s, port)
    s.cleanup()
    print("it_uws_mail: ok")


if __name__ == "__main__":
    main()
