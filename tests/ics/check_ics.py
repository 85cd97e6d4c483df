#!/usr/bin/env python3
"""Check a Seam rotation calendar with an iCalendar parser Seam did not write.

Usage:
    check_ics.py FILE.ics [INSTANT MEMBER]...

Parses FILE.ics with the PyPI package `icalendar` (`pip install icalendar`)
and checks that:

- the file uses CRLF line endings and no physical line exceeds 75 octets;
- the calendar has VERSION 2.0 and a PRODID;
- every VEVENT has UID, DTSTAMP, DTSTART and DTEND, DTSTART is before
  DTEND, and no two VEVENTs share a UID or overlap in time;
- for each INSTANT MEMBER pair: exactly one VEVENT holds INSTANT
  (DTSTART <= INSTANT < DTEND) and its SUMMARY starts with MEMBER
  followed by " on duty" (so `Ade` does not match `Ade Okafor on duty`).
  INSTANT is ISO 8601 (`2026-03-23T12:00:00Z`, `2026-03-23T12:00:00+01:00`;
  without an offset it is UTC). An empty MEMBER ('') means no VEVENT may
  hold INSTANT (nobody on duty).

Exit status: 0 when every check passes, 1 with a message on stderr when one
fails, 2 on bad usage or a missing `icalendar` package.
"""

import sys
from datetime import datetime, timezone


def fail(message, status=1):
    print(f"check_ics: {message}", file=sys.stderr)
    sys.exit(status)


def parse_instant(text):
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"`{text}` is not an ISO 8601 instant", 2)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t


def as_utc(value, name, uid):
    if not isinstance(value, datetime):
        fail(f"{name} of {uid} is a date, not a date-time")
    if value.tzinfo is None:
        fail(f"{name} of {uid} is a floating time, not UTC")
    return value.astimezone(timezone.utc)


def main(argv):
    if len(argv) < 2 or len(argv) % 2 != 0:
        fail("usage: check_ics.py FILE.ics [INSTANT MEMBER]...", 2)
    try:
        import icalendar
    except ImportError:
        fail("the `icalendar` package is missing: pip install icalendar", 2)

    path = argv[1]
    with open(path, "rb") as f:
        raw = f.read()

    # Line endings and folding: parsers are lenient here, RFC 5545 is not.
    if not raw.endswith(b"\r\n"):
        fail(f"{path} does not end with CRLF")
    for number, line in enumerate(raw[:-2].split(b"\r\n"), start=1):
        if b"\n" in line or b"\r" in line:
            fail(f"{path}:{number}: a bare LF or CR")
        if len(line) > 75:
            fail(f"{path}:{number}: {len(line)} octets, more than 75")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"{path}:{number}: a fold splits a UTF-8 character")

    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # the parser's own error types vary by version
        fail(f"{path} does not parse: {e}")
    if calendar.name != "VCALENDAR":
        fail(f"{path}: the top component is {calendar.name}, not VCALENDAR")
    if str(calendar.get("VERSION", "")) != "2.0":
        fail(f"{path}: VERSION is not 2.0")
    if not calendar.get("PRODID"):
        fail(f"{path}: no PRODID")

    events = []
    uids = set()
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            if event.get(prop) is None:
                fail(f"{path}: a VEVENT ({uid or 'no UID'}) has no {prop}")
        if uid in uids:
            fail(f"{path}: two VEVENTs have UID {uid}")
        uids.add(uid)
        as_utc(event.decoded("DTSTAMP"), "DTSTAMP", uid)
        start = as_utc(event.decoded("DTSTART"), "DTSTART", uid)
        end = as_utc(event.decoded("DTEND"), "DTEND", uid)
        if not start < end:
            fail(f"{path}: {uid} ends ({end}) before it starts ({start})")
        events.append((start, end, str(event.get("SUMMARY", "")), uid))

    events.sort()
    for a, b in zip(events, events[1:]):
        if b[0] < a[1]:
            fail(f"{path}: {a[3]} and {b[3]} overlap")

    for i in range(2, len(argv), 2):
        instant = parse_instant(argv[i])
        member = argv[i + 1]
        holding = [e for e in events if e[0] <= instant < e[1]]
        if not member:
            if holding:
                fail(f"{path}: at {instant} nobody should be on duty, but {holding[0][2]!r}")
            continue
        if not holding:
            fail(f"{path}: no event holds {instant}; expected {member!r} on duty")
        summary = holding[0][2]
        if not summary.startswith(member + " on duty"):
            fail(f"{path}: at {instant} the event is {summary!r}; expected {member!r} on duty")

    pairs = (len(argv) - 2) // 2
    print(f"check_ics: {path}: {len(events)} events valid, {pairs} instant(s) agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
