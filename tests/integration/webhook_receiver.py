#!/usr/bin/env python3
"""webhook_receiver.py — a real HTTP receiver for the alerts' webhooks
(tests/integration/test_alerts.sh), on a free loopback port.

Every POST is appended to --log as one JSON line: the path, the headers, the
body (parsed when it is JSON, else the text) and the status answered. What it
answers depends on the path's first segment:
  /ok/...     200
  /flaky/...  500 for the first --fail-first requests to /flaky, then 200
  /down/...   500 while the file --down-flag exists, then 200
  /gone/...   404
  /slow/...   sleeps --slow-seconds, then 200 (to make the sender time out)
Once listening it writes its port to --port-file. It runs until killed.
"""
import argparse
import json
import os
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=2)
    parser.add_argument("--down-flag", default="")
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    args = parser.parse_args()
    flaky_seen = [0]

    class Handler(BaseHTTPRequestHandler):
        def status_for(self, kind):
            if kind == "flaky":
                flaky_seen[0] += 1
                return 500 if flaky_seen[0] <= args.fail_first else 200
            if kind == "down":
                return 500 if args.down_flag and os.path.exists(args.down_flag) else 200
            if kind == "gone":
                return 404
            if kind == "slow":
                time.sleep(args.slow_seconds)
            return 200

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode("utf-8", "replace")
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            kind = self.path.strip("/").split("/")[0]
            status = self.status_for(kind)
            record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body, "status": status}
            with open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (a timeout)

        def log_message(self, *_):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as out:
        out.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
