#!/usr/bin/env python3
"""Serves the git repositories under ROOT over smart HTTP on 127.0.0.1 with basic auth, by
running `git http-backend` as a CGI program. Prints the port on its first line of output.

usage: git-http-server.py ROOT USER PASSWORD

A file ROOT/.stall makes the server hang instead of answering, as a remote that stopped
responding does: `all` for every request, `pack` for the POSTs that carry packs (so the ref
advertisement still arrives), `half` to send half of each POST's answer first.
"""
import base64
import http.server
import os
import signal
import subprocess
import sys
import threading

# The parent may have started us with SIGTERM blocked (a signal mask is inherited).
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
root, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
backend = subprocess.run(["git", "--exec-path"], capture_output=True, text=True).stdout.strip()
backend = os.path.join(backend, "git-http-backend")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def stall(self):
        try:
            with open(os.path.join(root, ".stall")) as f:
                mode = f.read().strip()
        except FileNotFoundError:
            return False
        if mode == "half" and self.command == "POST":
            self.half = True
            return False
        return mode == "all" or (mode == "pack" and self.command == "POST")

    def handle_any(self):
        if self.stall():
            threading.Event().wait()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
        env = {
            "GIT_PROJECT_ROOT": root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        result = subprocess.run([backend], input=body, env=env, capture_output=True)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.split(b"\r\n"):
            if not line:
                continue
            key, _, value = line.decode().partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            else:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if getattr(self, "half", False):
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            threading.Event().wait()
        self.wfile.write(payload)

    do_GET = handle_any
    do_POST = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
