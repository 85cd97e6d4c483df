#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) on loopback for Seam's integration tests.

    server.py --dir DIR [--refuse ADDRESS]... [--auth USER:PASSWORD] [--tls | --implicit-tls]

Prints `READY <port>` once it listens, then serves until stdin closes (the
test ends) or it is killed. Every message it accepts is saved as DIR/N.eml,
with DIR/N.json holding the envelope (sender and recipients).

--refuse ADDRESS  answer RCPT TO for that address with 550.
--auth U:P        require AUTH and accept only that user and password.
--tls             offer STARTTLS with a certificate for localhost from a
                  throwaway CA (trustme) and require it before AUTH and MAIL;
                  the CA is written to DIR/ca.pem for the client to trust.
--implicit-tls    speak TLS from the first byte (as smtps:// on port 465
                  does), with the same throwaway CA.
"""

import argparse
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = {r.lower() for r in refuse}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "login": session.auth_data,
                },
                f,
            )
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        # handled=False: aiosmtpd answers 535 itself when the login is wrong.
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)

    return check


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--auth")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    args = p.parse_args()

    kwargs = {}
    if args.tls or args.implicit_tls:
        import trustme

        ca = trustme.CA()
        ca.cert_pem.write_to_path(os.path.join(args.dir, "ca.pem"))
        cert = ca.issue_cert("localhost", "127.0.0.1")
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        if args.implicit_tls:
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs["authenticator"] = authenticator(user, password)
        kwargs["auth_required"] = True
        # Without --tls the test still logs in over plain text, on loopback only.
        # aiosmtpd does not count implicit TLS as TLS for this check, so only
        # STARTTLS sessions are made to require it.
        kwargs["auth_require_tls"] = args.tls

    # A free port: aiosmtpd's controller needs to know its port before it starts.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(
        Handler(args.dir, args.refuse), hostname="127.0.0.1", port=port, **kwargs
    )
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
