#!/usr/bin/env bash
# `make run`: prepare the SQLite database under var/, create the demo staff
# account, start a local SMTP sink (unless OVI_SMTP_URL is set) and serve
# the site. Settings come from the environment (README).
#
# The sink is Debian's python3-aiosmtpd on 127.0.0.1:2525: it accepts every
# message and writes it, decoded, to var/mail.log (`tail -f var/mail.log`),
# so you can follow the e-mail (and click its links) without a mail server.
# It stops when ovi stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export OVI_DB=${OVI_DB:-var/ovi.db}
export OVI_ORG_NAME=${OVI_ORG_NAME:-Ovi demo programme}
build/ovi migrate
echo
build/ovi demo
echo

SINK_PORT=2525
sink_pid=
stop_sink() {
	if [ -n "$sink_pid" ]; then
		kill "$sink_pid" 2>/dev/null || true
		wait "$sink_pid" 2>/dev/null || true
	fi
}
trap stop_sink EXIT

# Debian's python3 (the aiosmtpd package installs there, not into another
# python that may come first in PATH).
PY=/usr/bin/python3
if [ -z "${OVI_SMTP_URL:-}" ]; then
	if "$PY" -c 'import aiosmtpd' 2>/dev/null; then
		"$PY" - var/mail.log "$SINK_PORT" <<'PY' &
import datetime, email, email.policy, signal, sys, time
from aiosmtpd.controller import Controller

log_path, port = sys.argv[1], int(sys.argv[2])

class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=('plain',))
        text = body.get_content() if body else '(no text part)'
        kinds = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
        with open(log_path, 'a', encoding='utf-8') as f:
            f.write('=' * 72 + '\n')
            f.write(f'Received: {datetime.datetime.now():%Y-%m-%d %H:%M:%S}\n')
            f.write(f'Envelope: {envelope.mail_from} -> {", ".join(envelope.rcpt_tos)}\n')
            for h in ('From', 'To', 'Reply-To', 'Subject', 'Date', 'Message-ID'):
                if msg[h] is not None:
                    f.write(f'{h}: {msg[h]}\n')
            f.write(f'Parts: {", ".join(kinds)}\n\n{text.rstrip()}\n\n')
        return '250 OK: written to the log'

def stop(*_):
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
controller = Controller(Sink(), hostname='127.0.0.1', port=port)
controller.start()
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
PY
		sink_pid=$!
		# Wait until it listens (or has died, e.g. the port is taken).
		for _ in $(seq 50); do
			kill -0 "$sink_pid" 2>/dev/null || break
			(exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && break
			sleep 0.1
		done
		if kill -0 "$sink_pid" 2>/dev/null; then
			export OVI_SMTP_URL=smtp://127.0.0.1:$SINK_PORT
			echo "E-mail goes to a local SMTP sink: read it with  tail -f var/mail.log"
		else
			sink_pid=
			echo "warning: the local SMTP sink did not start (port $SINK_PORT in use?): e-mail stays in the outbox" >&2
		fi
	else
		echo "warning: python3-aiosmtpd is missing (scripts/deps.sh run installs it): e-mail stays in the outbox" >&2
	fi
	echo
fi

build/ovi serve
