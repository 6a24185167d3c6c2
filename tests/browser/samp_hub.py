#!/usr/bin/python3
"""A SAMP hub with the Web Profile on 127.0.0.1 (astropy.samp), which accepts every Web
Profile registration without asking, and a client that subscribes to
spectrum.load.ssa-generic, table.load.votable and table.select.rowList and records what it
receives, one JSON line per message, to RECORD. The hub's own lock file is LOCKFILE (no
~/.samp is touched). Writes READY once both run; stops on SIGTERM or SIGINT.

usage: samp_hub.py LOCKFILE RECORD READY [WEB_PORT]
       samp_hub.py --external LOCKFILE RECORD READY   (only the client, on the running hub of
                                                      LOCKFILE, e.g. JSAMP's)
"""
import json
import signal
import sys
import threading

from astropy.samp import SAMPHubServer, SAMPIntegratedClient
from astropy.samp.lockfile_helpers import read_lockfile


class AcceptAll:
    """The hub's web_profile_dialog: accepts every registration and records who asked (its
    samp.name and the Origin header the browser sent)."""

    def __init__(self, record):
        self.record = record
        self.queue_request = None  # set by the hub
        self.queue_result = None

    def run(self, stop):
        while not stop.is_set():
            try:
                identity, address, origin = self.queue_request.get(timeout=0.1)
            except Exception:
                continue
            name = identity.get("samp.name") if isinstance(identity, dict) else identity
            self.record({"registration": {"name": name, "origin": origin, "address": list(address)}})
            self.queue_result.put(True)


def main():
    external = sys.argv[1] == "--external"
    args = sys.argv[2:] if external else sys.argv[1:]
    lockfile, record_path, ready_path = args[:3]
    web_port = int(args[3]) if len(args) > 3 else 21012
    lock = threading.Lock()

    def record(entry):
        with lock, open(record_path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    stop = threading.Event()
    client = SAMPIntegratedClient(name="vocloud-test-recorder")
    hub = None
    if external:
        client.connect(hub_params=read_lockfile(lockfile))
    else:
        dialog = AcceptAll(record)
        hub = SAMPHubServer(addr="127.0.0.1", lockfile=lockfile, web_profile=True,
                            web_profile_dialog=dialog, web_port=web_port)
        hub.start(wait=False)
        threading.Thread(target=dialog.run, args=(stop,), daemon=True).start()
        client.connect(hub=hub)

    def on_notification(private_key, sender_id, mtype, params, extra):
        record({"kind": "notification", "sender": sender_id, "mtype": mtype, "params": params})

    def on_call(private_key, sender_id, msg_id, mtype, params, extra):
        record({"kind": "call", "sender": sender_id, "mtype": mtype, "params": params})
        client.reply(msg_id, {"samp.status": "samp.ok", "samp.result": {}})

    for mtype in ("spectrum.load.ssa-generic", "table.load.votable", "table.select.rowList"):
        client.bind_receive_notification(mtype, on_notification)
        client.bind_receive_call(mtype, on_call)

    def finish(*_):
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    with open(ready_path, "w") as f:
        f.write(client.get_private_key() + "\n")
    while not stop.wait(0.2):
        pass
    try:
        client.disconnect()
    finally:
        if hub is not None:
            hub.stop()


if __name__ == "__main__":
    main()
