#!/usr/bin/env python3
"""Reads an email (.eml) with Python's email package (not Seam's code) and prints it as JSON.

    read_eml.py FILE

Prints the decoded subject, From, To, the top-level content type, and each
leaf part's content type and decoded text.
"""

import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)

parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append({"type": part.get_content_type(), "text": part.get_content()})

print(
    json.dumps(
        {
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "date": str(msg["date"]),
            "content_type": msg.get_content_type(),
            "parts": parts,
        }
    )
)
