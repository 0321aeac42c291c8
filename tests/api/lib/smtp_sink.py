"""A real SMTP server for the API tests: an aiosmtpd handler that keeps every message it
receives as a file, and a parser that reads one back with independent libraries (Python's
email package and icalendar), so the tests check what a mail client would see.

Serve (Debian python3-aiosmtpd; the tests start and stop it):
    PYTHONPATH=tests/api/lib python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR
Each message becomes DIR/<nanoseconds>-<n>.eml (written to a hidden file first, then renamed,
so a reader never sees half a message), with DIR/<same>.json holding the envelope.

Parse (Debian python3-icalendar):
    python3 tests/api/lib/smtp_sink.py parse FILE.eml
prints JSON: from, to, subject, date, message_id, content_language, auto_submitted, type,
parts [{type, params, filename, disposition, text, ics?, base64?}] where base64 holds the bytes of a
binary part (a PDF attached), and ics, for a text/calendar part,
is {method, uid, dtstart, dtend (ISO 8601, UTC), summary, location, url, sequence, status,
description, organizer, attendee, alarms}.
"""
import itertools
import json
import os
import sys
import time


class Sink:
    """aiosmtpd handler: accepts every message and writes it to a folder."""

    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)
        os.makedirs(folder, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the folder to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%d" % (time.time_ns(), next(self.counter))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        with open(os.path.join(self.folder, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(meta, f)
        tmp = os.path.join(self.folder, "." + name + ".eml")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, name + ".eml"))
        return "250 OK"


def _ics(text):
    import icalendar

    cal = icalendar.Calendar.from_ical(text)
    ev = next(iter(cal.walk("VEVENT")))

    def iso(key):
        v = ev.decoded(key)
        return v.isoformat() if v is not None else None

    return {
        "method": str(cal.get("method")),
        "uid": str(ev.get("uid")),
        "dtstart": iso("dtstart"),
        "dtend": iso("dtend"),
        "summary": str(ev.get("summary")),
        "location": str(ev.get("location")) if ev.get("location") is not None else None,
        "url": str(ev.get("url")) if ev.get("url") is not None else None,
        "sequence": int(ev.get("sequence", 0)),
        "status": str(ev.get("status")),
        "description": str(ev.get("description")),
        "organizer": str(ev.get("organizer")),
        "attendee": str(ev.get("attendee")) if ev.get("attendee") is not None else None,
        "alarms": len(list(ev.walk("VALARM"))),
    }


def parse(path):
    import email
    from email import policy

    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    out = {
        "from": str(msg["From"]),
        "to": str(msg["To"]),
        "subject": str(msg["Subject"]),
        "date": str(msg["Date"]),
        "message_id": str(msg["Message-ID"]),
        "content_language": str(msg["Content-Language"]),
        "auto_submitted": str(msg["Auto-Submitted"]),
        "type": msg.get_content_type(),
        "parts": [],
    }
    for part in msg.walk():
        entry = {"type": part.get_content_type()}
        if not part.is_multipart():
            params = part.get_params() or []
            entry["params"] = {k: v for k, v in params[1:]}
            entry["filename"] = part.get_filename()
            entry["disposition"] = part.get_content_disposition()
            text = part.get_content()
            if entry["type"] == "text/calendar":
                entry["ics"] = _ics(text)
            # Canonical CRLF line ends as plain newlines, for the tests' substring checks.
            entry["text"] = text.replace("\r\n", "\n") if isinstance(text, str) else None
            if isinstance(text, bytes):
                import base64

                entry["base64"] = base64.b64encode(text).decode("ascii")
        out["parts"].append(entry)
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "parse":
        json.dump(parse(sys.argv[2]), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
