"""pyvo's UWS client against vocloud-uws: AsyncTAPJob on a job URL runs, waits, aborts and
deletes jobs and sets the execution duration and destruction; pyvo.io.uws parses the job list
and the job documents."""
import datetime
import io

import pyvo.io.uws as uws
from pyvo.dal import AsyncTAPJob
from pyvo.dal.exceptions import DALServiceError

from uws_harness import STANDIN, Scratch, Server, check, create, session, wait_for

EXP = "experiment: {}\nstages: [synth]\nsynth:\n  count: 100\n"


def main():
    s = Scratch()
    server = Server(s.config(), f"launcher.vocloud={STANDIN}",
                    "launcher.max_running=2")
    try:
        alice = session("alice")
        store = s.dir / "store" / "jobs"
        url = create(alice, server.jobs, EXP.format("viapyvo"))
        job = AsyncTAPJob(url, session=alice)
        check(job.phase == "PENDING", f"pyvo sees {job.phase}")
        check(job.owner == "alice", f"owner {job.owner}")
        job.execution_duration = 1234
        duration = job.execution_duration  # an astropy TimeDelta
        check(abs(duration.sec - 1234) < 1e-6, f"duration {duration}")
        when = (datetime.datetime.utcnow() + datetime.timedelta(days=2)).replace(microsecond=0)
        job.destruction = when
        got = job.destruction.to_datetime()  # an astropy Time
        check(abs((got.replace(tzinfo=None) - when).total_seconds()) < 1e-3,
              f"destruction {job.destruction}, expected {when}")
        job.run()
        check(job.phase in ("QUEUED", "EXECUTING"), f"after run: {job.phase}")
        wait_for(lambda: (store / job.job_id / "output" / "pid").exists(), "the run to start")
        (store / job.job_id / "release").write_text("go\n")
        job.wait(timeout=60)
        check(job.phase == "COMPLETED", f"after wait: {job.phase}")
        check(any(r.id_ == "stdout.log" for r in job.results), "pyvo lists no results")

        other = AsyncTAPJob(create(alice, server.jobs, EXP.format("toabort")), session=alice)
        other.run()
        other.abort()
        check(other.phase == "ABORTED", f"after abort: {other.phase}")
        try:
            other.wait(timeout=10)
            check(False, "pyvo waited on an aborted job")
        except DALServiceError:
            pass  # pyvo refuses to wait on a job that is not active: it saw ABORTED

        jobs = uws.parse_job_list(io.BytesIO(alice.get(server.jobs).content))
        ids = {j.jobid for j in jobs}
        check(ids == {job.job_id, other.job_id}, f"job list parsed by pyvo: {ids}")
        other_url = other.url
        other.delete()
        check(alice.get(other_url).status_code == 404, "pyvo's delete left the job")
        jobs = uws.parse_job_list(io.BytesIO(alice.get(server.jobs).content))
        check({j.jobid for j in jobs} == {job.job_id}, "the deleted job is still listed")
    finally:
        server.stop()
    s.cleanup()
    print("it_uws_pyvo: ok")


if __name__ == "__main__":
    main()
