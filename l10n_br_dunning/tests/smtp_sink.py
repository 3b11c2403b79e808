# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real SMTP server on 127.0.0.1 that keeps what it receives: test
equipment, so Odoo's mail queue really delivers (no mock of Odoo)."""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 sink")
            elif verb == "DATA":
                self._reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk)
                self.server.received.append(b"".join(data))
                self._reply("250 kept")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received = []
        self.port = self.server_address[1]

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()
