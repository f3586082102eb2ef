import base64, hashlib, hmac, http.server, json, sys, time
# Verifies Standard Webhooks signatures with the whsec_ secret in ./hook.secret; logs each delivery.
secret = base64.b64decode(open('hook.secret').read().strip()[6:])
log = open('received.log', 'a')
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        mid, ts = self.headers['webhook-id'], self.headers['webhook-timestamp']
        sig = base64.b64encode(hmac.new(secret, f"{mid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        ok = ('v1,' + sig) in self.headers['webhook-signature'].split(' ')
        log.write(f"{time.time():.6f} {mid} {'ok' if ok else 'BAD'} {json.loads(body)['type']}\n"); log.flush()
        self.send_response(204 if ok else 401); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
