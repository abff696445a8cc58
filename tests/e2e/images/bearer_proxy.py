#!/usr/bin/python3
"""A registry front for tests/e2e/images/registry_bearer.sh: Bearer token auth (the
WWW-Authenticate challenge flow of the distribution spec, a token service wanting Basic
credentials) and injected 429 and 503 answers, in front of a real docker-registry.

usage: bearer_proxy.py UPSTREAM_PORT USER:PASSWORD PORT_FILE LOG_FILE
Every request is logged as "METHOD PATH STATUS [scope=...]" (no header values)."""
import base64, http.client, http.server, json, sys, threading

UPSTREAM, CREDS, PORT_FILE, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
# Tokens are bound to their scope: one for pull cannot push, as on Docker Hub.
TOKENS = {"pull": "tok-pull-" + base64.b16encode(CREDS.encode()).decode()[:8].lower(),
          "push": "tok-push-" + base64.b16encode(CREDS.encode()).decode()[:8].lower()}
lock = threading.Lock()
manifest_gets = {"n": 0}

def log(line):
    with lock, open(LOG, "a") as f:
        f.write(line + "\n")

class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host")
        if self.path.startswith("/token"):
            want = "Basic " + base64.b64encode(CREDS.encode()).decode()
            scope = self.path.split("scope=")[-1].split("&")[0] if "scope=" in self.path else ""
            if self.headers.get("Authorization") != want:
                log("GET /token 401"); return self.answer(401)
            log("GET /token 200 scope=" + scope)
            token = TOKENS["push" if "push" in scope else "pull"]
            return self.answer(200, json.dumps({"token": token}).encode(), [("Content-Type", "application/json")])
        write = self.command in ("POST", "PUT", "PATCH", "DELETE")
        allowed = {"Bearer " + TOKENS["push"]} | (set() if write else {"Bearer " + TOKENS["pull"]})
        if self.path.startswith("/v2/") and self.headers.get("Authorization") not in allowed:
            log(f"{self.command} {self.path} 401")
            challenge = f'Bearer realm="http://{host}/token",service="test-registry"'
            return self.answer(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', [("WWW-Authenticate", challenge)])
        if self.command == "GET" and "/manifests/" in self.path:
            with lock:
                manifest_gets["n"] += 1
                n = manifest_gets["n"]
            if n == 1:
                log(f"GET {self.path} 429"); return self.answer(429, b"", [("Retry-After", "0")])
            if n == 2:
                log(f"GET {self.path} 503"); return self.answer(503)
        conn = http.client.HTTPConnection("127.0.0.1", UPSTREAM, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("authorization", "connection")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        r = conn.getresponse()
        data = r.read()
        log(f"{self.command} {self.path} {r.status}")
        self.answer(r.status, data, [(k, v) for k, v in r.getheaders()
                                     if k.lower() not in ("content-length", "connection", "transfer-encoding")])
        conn.close()

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Front)
open(PORT_FILE, "w").write(str(server.server_address[1]))
server.serve_forever()
