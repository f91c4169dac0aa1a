"""A rocketpush device in Python (paho-mqtt 2.x): the flow every device follows.

  1. Ask the API which edge to use: GET /v1/edges/assign?device=<id> (no API key needed).
  2. Connect there over TLS, client id = device id, password = device secret, persistent session
     (clean_session=False), so that pushes sent while the device is away wait for it.
  3. Subscribe to its topics once per session: devices/<id>, users/<user>, tags/<tag>.
  4. When the edge refuses (CONNACK 3: full or draining) or the connection drops, wait a jittered,
     growing backoff and go back to 1: the edge may be gone, the API knows where to go now.

Configuration (environment): ROCKETPUSH_API (default http://127.0.0.1:3000), DEVICE_ID,
DEVICE_SECRET, DEVICE_USER, DEVICE_TAGS (comma-separated), TLS_CA_FILE (a CA to trust besides the
system's, e.g. the development stack's .data/tls/edge.crt). It prints one JSON line per event.
pip install -r requirements.txt; python3 device.py
"""
import json
import os
import random
import signal
import ssl
import sys
import time
import urllib.parse
import urllib.request
from collections import OrderedDict
from datetime import datetime, timezone

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

API = os.environ.get("ROCKETPUSH_API", "http://127.0.0.1:3000").rstrip("/")
DEVICE_ID = os.environ.get("DEVICE_ID", "")
SECRET = os.environ.get("DEVICE_SECRET", "")
USER = os.environ.get("DEVICE_USER", "")
TAGS = [t.strip() for t in os.environ.get("DEVICE_TAGS", "").split(",") if t.strip()]
CA_FILE = os.environ.get("TLS_CA_FILE")

# CONNACK return codes of MQTT 3.1.1, and the MQTT 5 reason codes paho reports them as.
SERVER_UNAVAILABLE = {3, 136}
BAD_CREDENTIALS = {4, 5, 134, 135}


def say(event, **fields):
    print(json.dumps({"event": event, "at": datetime.now(timezone.utc).isoformat(), **fields}), flush=True)


def backoff_seconds(failures):
    """Full jitter: a random wait up to a cap that doubles per failure, so a fleet does not return at once."""
    return random.random() * min(60.0, 0.5 * 2 ** min(failures, 10))


class Seen:
    """Push ids seen lately: a push sent with "envelope": true is delivered at least once; drop repeats."""

    def __init__(self, size=1000):
        self.ids = OrderedDict()
        self.size = size

    def first_time(self, push_id):
        if push_id in self.ids:
            return False
        self.ids[push_id] = True
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return True


def assign():
    url = f"{API}/v1/edges/assign?device={urllib.parse.quote(DEVICE_ID)}"
    with urllib.request.urlopen(url, timeout=10) as res:
        answer = json.load(res)
    addresses = answer["addresses"]
    # TLS when the edge offers it; plain MQTT only as the edge's last offer.
    return answer["edgeId"], addresses.get("mqtts") or addresses["mqtt"]


class Connection:
    """One connection to one edge; run() returns how it ended: dropped, refused or fatal."""

    def __init__(self, edge_id, url, seen):
        self.edge_id, self.url, self.seen = edge_id, urllib.parse.urlparse(url), seen
        self.outcome = None
        self.connected = False
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=DEVICE_ID, clean_session=False,
                                  protocol=mqtt.MQTTv311)
        self.client.username_pw_set(DEVICE_ID, SECRET)
        if self.url.scheme == "mqtts":
            self.client.tls_set(ca_certs=CA_FILE, cert_reqs=ssl.CERT_REQUIRED)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = self.on_subscribe
        self.client.on_disconnect = self.on_disconnect

    def on_connect(self, client, _userdata, flags, reason_code, _properties):
        if reason_code.is_failure:
            code = reason_code.value
            fatal = code in BAD_CREDENTIALS
            say("refused", edge=self.edge_id, code=code, reason=str(reason_code), retry=not fatal)
            self.outcome = "fatal" if fatal else "refused"
            client.disconnect()
            return
        self.connected = True
        say("connected", edge=self.edge_id, url=self.url.geturl(), sessionPresent=flags.session_present)
        # A persistent session keeps its subscriptions: subscribe only when the edge has none for us.
        if not flags.session_present:
            topics = [f"devices/{DEVICE_ID}"] + ([f"users/{USER}"] if USER else []) + [f"tags/{t}" for t in TAGS]
            self.topics = topics
            client.subscribe([(t, 1) for t in topics])

    def on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties):
        say("subscribed", topics=[{"topic": t, "qos": rc.value} for t, rc in zip(self.topics, reason_codes)])

    def on_message(self, _client, _userdata, msg):
        text = msg.payload.decode("utf-8", errors="replace")
        push_id = None
        try:
            body = json.loads(text)
            push_id = body.get("pushId") if isinstance(body, dict) else None
        except ValueError:
            pass  # a raw payload
        if isinstance(push_id, str) and not self.seen.first_time(push_id):
            say("duplicate", topic=msg.topic, pushId=push_id)
            return
        say("message", topic=msg.topic, payload=text, qos=msg.qos, **({"pushId": push_id} if push_id else {}))

    def on_disconnect(self, _client, _userdata, _flags, reason_code, _properties):
        if self.outcome is None:
            self.outcome = "dropped" if self.connected else "refused"
            say("disconnected" if self.connected else "connect_failed", edge=self.edge_id, reason=str(reason_code))

    def run(self):
        try:
            self.client.connect(self.url.hostname, self.url.port or (8883 if self.url.scheme == "mqtts" else 1883), keepalive=60)
        except (OSError, ssl.SSLError) as err:
            say("connect_failed", edge=self.edge_id, reason=str(err))
            return "refused"
        while self.outcome is None:
            rc = self.client.loop(timeout=1.0)
            if rc != mqtt.MQTT_ERR_SUCCESS and self.outcome is None:
                self.outcome = "dropped" if self.connected else "refused"
                say("disconnected" if self.connected else "connect_failed", edge=self.edge_id, reason=mqtt.error_string(rc))
        self.client.loop(timeout=0.1)
        return self.outcome


def main():
    if not DEVICE_ID or not SECRET:
        print("DEVICE_ID and DEVICE_SECRET are required (POST /v1/devices answers the secret once)", file=sys.stderr)
        return 2
    current = {}

    def stop(_signum, _frame):
        # A clean DISCONNECT, so the edge does not publish a will or wait for the keepalive.
        if current.get("connection"):
            current["connection"].client.disconnect()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    seen = Seen()
    failures = 0
    while True:
        try:
            edge_id, url = assign()
            connection = Connection(edge_id, url, seen)
            current["connection"] = connection
            started = time.monotonic()
            outcome = connection.run()
            # A connection that lived a while was a success: the next problem starts the backoff anew.
            if outcome == "dropped" and time.monotonic() - started > 30:
                failures = 0
        except (OSError, ValueError, KeyError) as err:
            say("assign_failed", reason=str(err))
            outcome = "refused"
        if outcome == "fatal":
            return 1
        wait = backoff_seconds(failures)
        failures += 1
        say("backoff", ms=round(wait * 1000))
        time.sleep(wait)


if __name__ == "__main__":
    sys.exit(main())
