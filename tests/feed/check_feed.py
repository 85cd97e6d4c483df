#!/usr/bin/env python3
"""Parses an Atom feed with feedparser (not Seam's code) and prints what it read as JSON.

    check_feed.py FILE

Exits 1 when feedparser reports the feed malformed (bozo).
"""

import json
import sys

import feedparser

feed = feedparser.parse(sys.argv[1])
if feed.bozo:
    print("malformed feed: %s" % feed.bozo_exception, file=sys.stderr)
    sys.exit(1)
print(
    json.dumps(
        {
            "version": feed.version,
            "title": feed.feed.get("title"),
            "id": feed.feed.get("id"),
            "updated": feed.feed.get("updated"),
            "links": [l.get("href") for l in feed.feed.get("links", [])],
            "entries": [
                {
                    "id": e.get("id"),
                    "title": e.get("title"),
                    "link": e.get("link"),
                    "updated": e.get("updated"),
                    "content_type": e.content[0].type if e.get("content") else None,
                    "content": e.content[0].value if e.get("content") else None,
                }
                for e in feed.entries
            ],
        }
    )
)
