#!/usr/bin/python3
# raw_http.py — one HTTP request sent byte for byte, for the tests of what
# `tenure serve` does with requests curl will not send (malformed, oversized,
# trickled) and with connections from other addresses.
#
#   raw_http.py PORT [--from ADDR] [--hold ADDR:N]... [--lines-every SECONDS]
#               [--wait-close] < REQUEST
#
# Connects to 127.0.0.1:PORT from ADDR (default 127.0.0.1; all of
# 127.0.0.0/8 is this machine on Linux), sends the bytes read from stdin
# (nothing when stdin is empty), and reads the answer until the server closes
# the connection or has sent one whole response (10 s at most). With
# --lines-every, the request is sent one line at a time, that many seconds
# apart, until the server answers or closes. --hold first opens N connections
# from ADDR that send nothing, and keeps them open until the answer is in.
# --wait-close goes on reading after a whole response until the server
# closes the connection (a kept-alive one closes at its idle deadline).
#
# Prints one line, "STATUS SECONDS CONTENT_TYPE EXTRA", then the body:
#   STATUS        the answer's status; 0 when the server closed without one
#   SECONDS       from connecting to the end of the answer (or the close)
#   CONTENT_TYPE  the Content-Type header, "-" without one
#   EXTRA         bytes after the first response's body (0 unless the server
#                 sent more than one response, or a header block twice)
import socket
import sys
import time


def connect(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def parse(data):
    """(status, content type, body, extra bytes) of the first response in data."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1."):
        return 0, "-", b"", 0
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    length = int(headers.get("content-length", len(rest)))
    return status, headers.get("content-type", "-"), rest[:length], len(rest) - min(length, len(rest))


def complete(data):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(rest) >= int(value)
    return False


def exchange(s, request, every, wait_close):
    """Sends request (line by line, `every` seconds apart, when every > 0); returns what came back."""
    s.settimeout(0.05 if every else 10)
    parts = request.splitlines(keepends=True) if every else [request]
    data, deadline = b"", time.monotonic() + 10
    for part in parts:
        try:
            s.sendall(part)
        except OSError:
            break
        until = time.monotonic() + every
        while every and time.monotonic() < until:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return data
            if not chunk:
                return data
            data += chunk
    s.settimeout(0.2)
    while time.monotonic() < deadline and (wait_close or not complete(data)):
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def main(argv):
    port, source, holds, every, wait_close = int(argv[1]), "127.0.0.1", [], 0.0, False
    i = 2
    while i < len(argv):
        if argv[i] == "--wait-close":
            wait_close, i = True, i + 1
            continue
        if argv[i] == "--from":
            source = argv[i + 1]
        elif argv[i] == "--hold":
            address, _, count = argv[i + 1].partition(":")
            holds += [connect(port, address) for _ in range(int(count))]
        elif argv[i] == "--lines-every":
            every = float(argv[i + 1])
        i += 2
    if holds:
        time.sleep(0.3)  # the server accepts them first
    request = sys.stdin.buffer.read()
    started = time.monotonic()
    s = connect(port, source)
    data = exchange(s, request, every, wait_close)
    seconds = time.monotonic() - started
    status, content_type, body, extra = parse(data)
    sys.stdout.write(f"{status} {seconds:.3f} {content_type} {extra}\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(body + b"\n")
    for h in holds + [s]:
        h.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
