#!/usr/bin/env python3
"""Deterministic benchmark corpus for Seam (issue 14).

Writes N documents of an imaginary engineering organisation twice, with the
same text, in two layouts:

  OUT/seam/  seam.toml and content/{teams,adrs,alignments,rotations}/*.md in
             Seam's format (docs/content-format.md); links are [[id|text]]
             or relative .md links, which Seam resolves and checks.
  OUT/hugo/  a Hugo site: config.toml, minimal layouts/_default/
             {baseof,single,list}.html and the same content/<section>/*.md;
             links are {{< relref >}}, which Hugo resolves and checks.

Front matter is YAML and identical in both layouts; only the link syntax in
the bodies differs. Mix: ~5% teams, ~60% ADRs (300-900 words: Context,
Decision, Consequences, Alternatives Considered; fenced code and tables in
some), ~20% alignments, ~15% rotations, with links between them.

Python 3 standard library only. The same --n and --seed give byte-identical
output. Usage: gen_corpus.py --n 1000 --out DIR [--seed 42]
"""

import argparse
import bisect
import datetime as dt
import json
import os
import random
import re
import shutil
import sys

MIX = (("team", 0.05), ("adr", 0.60), ("alignment", 0.20), ("rotation", 0.15))
FOLDER = {"team": "teams", "adr": "adrs", "alignment": "alignments", "rotation": "rotations"}
TODAY = dt.date(2026, 11, 20)  # the --today the benchmark passes to seam

FUNC = ("the of and to a in is for that we it on with as this be are by will not or from "
        "which should can our each when all must also than into because only need new "
        "current between across within").split()
DOMAIN = ("service latency throughput cache replica shard partition queue consumer producer "
          "schema migration rollout rollback canary deployment pipeline artifact registry "
          "cluster node container scheduler quota budget incident outage postmortem alert "
          "pager escalation runbook dashboard metric trace span log retention audit "
          "encryption token secret certificate gateway proxy ingress endpoint contract "
          "interface protocol payload config flag experiment tenant region failover backup "
          "restore snapshot index query transaction lock consistency availability retry "
          "backoff timeout breaker bulkhead fairness priority backlog roadmap milestone "
          "dependency owner stakeholder review approval decision tradeoff risk mitigation "
          "capacity forecast headroom saturation regression benchmark baseline threshold "
          "customer platform storage network observability identity policy workflow batch "
          "stream event topic broker offset compaction checkpoint journal ledger billing "
          "invoice search ranking model inference memory allocator runtime executor "
          "filesystem volume bucket manifest checksum").split()
SYLLABLES = "ka lo mi ren tor vex qua zin bar pel dru sho nim fal gor tes wi ul an sy ost ep ix".split()
ADJ = ("amber arctic basalt beacon birch cedar cinder cobalt comet copper coral delta ember "
       "falcon fern flint frost garnet glacier granite harbor hazel indigo iris jade juniper "
       "kestrel lagoon lark maple marble meadow mercury meteor nebula nimbus oak obsidian onyx "
       "orbit pine polar prism quartz raven ridge river sable sage sierra slate solar spruce "
       "summit tidal topaz tundra velvet willow zephyr").split()
NOUN = ("anchors builders cartographers compilers conductors engines foundry forge gardeners "
        "guild hive keepers lab lighthouse loom makers mesh mill navigators operators pilots "
        "pioneers relay riggers rovers scouts sentinels smiths stewards tinkerers wardens "
        "weavers works").split()
FIRST = ("Ada Alan Amara Anil Bea Boris Carla Chen Dara Dmitri Elif Emeka Farah Felix Gita "
         "Goran Hana Ines Ivan Jana Jonas Kai Keiko Lars Leila Mara Mateo Nadia Nils Omar Olga "
         "Priya Pablo Quinn Rosa Rui Sana Sven Tara Tomas Uma Viktor Wen Yara Yusuf Zoe").split()
LAST = ("Abebe Adeyemi Alvarez Andersen Bauer Becker Chandra Costa Dubois Eriksen Fischer "
        "Garcia Haddad Hansen Ito Jensen Kaur Kim Kowalski Larsen Lopez Martin Meyer Moreau "
        "Nakamura Novak Okafor Olsen Patel Petrov Rossi Santos Sato Schmidt Silva Singh Tanaka "
        "Torres Varga Wagner Wang Weber Yilmaz Zhang").split()
TAGS = ("storage networking security observability reliability performance platform api-design "
        "database caching messaging deployment ci-cd testing cost incident-response compliance "
        "privacy identity search billing mobile web kubernetes migration deprecation tooling "
        "oncall capacity-planning feature-flags analytics logging tracing alerting backup "
        "multi-region latency schema graphql grpc auth encryption secrets").split()
TIMEZONES = ("UTC Europe/London Europe/Berlin America/New_York America/Los_Angeles "
             "Asia/Singapore Asia/Tokyo").split()
ROLES = ["Engineering manager", "Staff engineer", "Product manager", "Tech lead"]
TITLES = ["Use {a} for {b}", "Adopt {a} {b} in the {c} service", "Move {a} to {b}",
          "Deprecate the {a} {b}", "Standardise {a} {b} across teams", "Split {a} from {b}",
          "Keep {a} {b} behind a flag", "Cap {a} {b} per tenant"]


def day(d):
    return d.isoformat()


class Link:
    """A reference to another document, written in each layout's own syntax."""
    __slots__ = ("doc", "wiki")

    def __init__(self, doc, wiki):
        self.doc, self.wiki = doc, wiki


class Doc:
    __slots__ = ("kind", "idx", "id", "file", "title", "fm", "body", "members")

    def __init__(self, kind, idx, id_, file, title):
        self.kind, self.idx, self.id, self.file, self.title = kind, idx, id_, file, title
        self.fm, self.body, self.members = {}, [], []


class Gen:
    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        tail = max(3000, int(3000 * (n / 1000.0) ** 0.5))  # bigger corpus, bigger vocabulary
        words = list(dict.fromkeys(FUNC + DOMAIN))
        seen = set(words)
        while len(words) < tail:
            w = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
            if w not in seen:
                seen.add(w)
                words.append(w)
        self.words, acc, self.cum = words, 0.0, []
        for rank in range(1, len(words) + 1):  # Zipf, s = 1.05
            acc += rank ** -1.05
            self.cum.append(acc)
        self.func = set(FUNC)

    # -- text
    def word(self):
        return self.words[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    def cword(self):
        while True:
            w = self.word()
            if w not in self.func:
                return w

    def ident(self):
        return re.sub(r"[^a-z0-9]", "_", self.cword())

    def sentence(self, lo=6, hi=18):
        r = self.rng
        ws = [self.word() for _ in range(r.randint(lo, hi))]
        ws[0] = ws[0].capitalize()
        x = r.random()
        if x < 0.07:
            i = r.randrange(1, len(ws))
            ws[i] = "`%s_%s`" % (self.ident(), self.ident())
        elif x < 0.11:
            i = r.randrange(1, len(ws))
            ws[i] = "**%s**" % ws[i]
        return " ".join(ws) + "."

    def para(self, words, pool=(), p_link=0.0):
        """A paragraph of about `words` words; returns (parts, word count)."""
        out, count = [], 0
        while count < words:
            s = self.sentence()
            count += s.count(" ") + 1
            out += [s, " "]
            if pool and self.rng.random() < p_link:
                out += ["See ", self.link(self.rng.choice(pool)), ". "]
        out[-1] = out[-1].rstrip()
        return out + ["\n\n"], count

    def link(self, doc):
        return Link(doc, self.rng.random() < 0.5)

    def person(self):
        return "%s %s" % (self.rng.choice(FIRST), self.rng.choice(LAST))

    def tags(self):
        k = self.rng.choice([1, 2, 2, 3])
        return list(dict.fromkeys(TAGS[min(int(self.rng.expovariate(1 / 10.0)), len(TAGS) - 1)]
                                  for _ in range(k)))

    def code(self):
        r, a, b, c = self.rng, self.ident(), self.ident(), self.ident()
        lang = r.choice(["rust", "yaml", "sql", "toml"])
        if lang == "rust":
            t = ("pub struct %sConfig {\n    pub %s_timeout_ms: u64,\n    pub max_%s: usize,\n}\n\n"
                 "impl %sConfig {\n    pub fn validate(&self) -> Result<(), String> {\n"
                 "        if self.max_%s == 0 {\n            return Err(\"max_%s must be > 0\".into());\n"
                 "        }\n        Ok(())\n    }\n}" % (a.capitalize(), b, c, a.capitalize(), c, c))
        elif lang == "yaml":
            t = ("%s:\n  enabled: true\n  replicas: %d\n  %s:\n    timeout: %ds\n    retries: %d\n"
                 "  owners: [%s, %s]" % (a, r.randint(1, 12), b, r.randint(1, 90), r.randint(0, 5), c, a))
        elif lang == "sql":
            t = ("CREATE TABLE %s_%s (\n    id BIGINT PRIMARY KEY,\n    %s TEXT NOT NULL,\n"
                 "    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n"
                 "CREATE INDEX %s_%s_idx ON %s_%s (%s);" % (a, b, c, a, c, a, b, c))
        else:
            t = ("[%s]\n%s = %d\n%s = \"%s\"\nenabled = %s" % (a, b, r.randint(1, 500), c, a,
                                                             r.choice(["true", "false"])))
        return ["```%s\n%s\n```\n\n" % (lang, t)]

    @staticmethod
    def table(header, rows):
        out = ["| " + " | ".join(header) + " |\n", "|" + "---|" * len(header) + "\n"]
        for row in rows:
            out.append("|")
            for cell in row:
                out += [" ", cell, " |"]
            out.append("\n")
        return out + ["\n"]

    @staticmethod
    def ul(items, ordered=False):
        out = []
        for i, item in enumerate(items):
            out += ["%d. " % (i + 1) if ordered else "- "] + (item if isinstance(item, list) else [item]) + ["\n"]
        return out + ["\n"]

    def date_between(self, a, b):
        return a + dt.timedelta(days=self.rng.randint(0, (b - a).days))

    # -- documents
    def build(self, n):
        r = self.rng
        counts, left = {}, n
        for kind, share in MIX[:-1]:
            counts[kind] = max(2, int(round(n * share)))
            left -= counts[kind]
        counts["rotation"] = left
        teams, names = [], set()
        for i in range(counts["team"]):
            name = "%s %s" % (r.choice(ADJ).capitalize(), r.choice(NOUN).capitalize())
            if name in names:
                name = "%s %d" % (name, i + 1)
            names.add(name)
            slug = name.lower().replace(" ", "-")
            teams.append(Doc("team", i, slug, "teams/%s.md" % slug, name))
        adrs = []
        for i in range(counts["adr"]):
            words = {k: self.cword() for k in "abc"}
            title = r.choice(TITLES).format(**words)
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-")
            adrs.append(Doc("adr", i, "ADR-%04d" % (i + 1), "adrs/%05d-%s.md" % (i + 1, slug), title))
        aligns = [Doc("alignment", i, "align-%05d" % (i + 1), "alignments/align-%05d.md" % (i + 1), "")
                  for i in range(counts["alignment"])]
        rotas = [Doc("rotation", i, "rota-%05d" % (i + 1), "rotations/rota-%05d.md" % (i + 1), "")
                 for i in range(counts["rotation"])]
        everything = teams + adrs + aligns + rotas
        for t in teams:
            t.members = list(dict.fromkeys(self.person() for _ in range(r.randint(3, 8))))
        for t in teams:
            self.team(t, teams, everything)
        span = (dt.date(2026, 11, 15) - dt.date(2019, 1, 1)).days
        for a in adrs:
            self.adr(a, teams, adrs, everything, dt.date(2019, 1, 1) + dt.timedelta(days=a.idx * span // len(adrs)))
        for a in aligns:
            self.alignment(a, teams, adrs)
        for a in rotas:
            self.rotation(a, teams)
        return everything

    def team(self, d, teams, everything):
        r, g = self.rng, self
        members = [{"name": m, "role": r.choice(ROLES)} if i < 2 else m for i, m in enumerate(d.members)]
        deps = []
        ups = [r.choice(teams[:d.idx]) for _ in range(r.randint(0, 4))] if d.idx else []
        for up in dict.fromkeys(ups):  # only on earlier teams: no dependency cycles
            need = g.date_between(dt.date(2026, 12, 1), dt.date(2027, 6, 30))
            tbd = need > dt.date(2027, 1, 15) and r.random() < 0.2
            deps.append({"on": up.id, "what": "%s %s %s" % (r.choice(["API", "Pipeline", "Schema", "SDK"]),
                                                            g.cword(), g.cword()),
                         "type": r.choice(["api", "shared-service", "data", "platform", "release"]),
                         "need_by": day(need),
                         "committed": "TBD" if tbd else day(need - dt.timedelta(days=r.randint(7, 45))),
                         "status": r.choice(["not-started", "in-progress", "on-track", "on-track", "done"]),
                         "risk": r.choice(["low", "medium"]) if not tbd else "medium",
                         "fallback": g.sentence(5, 10),
                         "updated": day(g.date_between(dt.date(2026, 11, 2), dt.date(2026, 11, 19)))})
        d.fm = {"title": d.title, "name": d.title, "mission": g.sentence(8, 16), "lead": d.members[0],
                "members": members, "channels": {"slack": "#team-" + d.id, "email": d.id + "@example.test"},
                "owns": ["%s-%s" % (g.ident(), r.choice(["api", "worker", "web", "service"]))
                         for _ in range(r.randint(1, 4))],
                "updated": day(g.date_between(dt.date(2026, 10, 25), dt.date(2026, 11, 19))),
                "tags": g.tags()}
        if deps:
            d.fm["depends_on"] = deps
        pool = [r.choice(everything) for _ in range(3)]
        b = d.body
        b += g.para(r.randint(40, 90), pool, 0.2)[0]
        b += ["## Current Priorities\n\n"] + g.ul([g.sentence(5, 12) for _ in range(r.randint(2, 5))], True)
        b += ["## Looking for Input On\n\n"] + g.ul([[g.link(r.choice(pool)), ": " + g.sentence(4, 10)]
                                                    for _ in range(r.randint(1, 3))])
        b += ["## Recent Wins\n\n"] + g.para(r.randint(40, 120), pool, 0.3)[0]
        if deps:
            b += ["## Dependencies\n\n"] + g.ul([[g.link(up), " - " + x["what"]]
                                                  for up, x in zip(dict.fromkeys(ups), deps)])

    def adr(self, d, teams, adrs, everything, date):
        r, g = self.rng, self
        team = r.choice(teams)
        affects = [t.id for t in dict.fromkeys(r.choice(teams) for _ in range(r.randint(0, 3))) if t is not team]
        status = r.choice(["accepted"] * 6 + ["proposed", "rejected", "deprecated"])
        fm = {"title": d.title, "status": status, "date": day(date), "team": team.id,
              "deciders": list(dict.fromkeys(self.person() for _ in range(r.randint(1, 3))))}
        if affects:
            fm["affects"] = affects
        if status == "proposed":
            fm["comment_by"] = day(date + dt.timedelta(days=r.randint(7, 30)))
        if d.idx >= 10 and status == "accepted" and r.random() < 0.06:
            old = adrs[r.randrange(d.idx)]
            if old.fm["status"] in ("accepted", "deprecated"):
                fm["supersedes"] = [old.id]
                old.fm["status"] = "superseded"
                old.fm["superseded_by"] = d.id
        fm["tags"] = g.tags()
        d.fm = fm
        pool = [team] + [r.choice(everything) for _ in range(r.randint(1, 4))]
        total, b = r.randint(300, 900), d.body
        for sec, share in (("Context", .3), ("Decision", .25), ("Consequences", .25), ("Alternatives Considered", .2)):
            b += ["## %s\n\n" % sec]
            b += g.para(max(25, int(total * share)), pool, 0.25)[0]
            if sec == "Decision" and r.random() < 0.45 or sec == "Consequences" and r.random() < 0.15:
                b += g.code()
            if sec == "Alternatives Considered" and r.random() < 0.35:
                b += g.table(["Option", "Cost", "Risk", "Notes"],
                             [[g.cword().capitalize(), r.choice(["low", "medium", "high"]),
                               r.choice(["low", "medium", "high"]), g.sentence(3, 7)]
                              for _ in range(r.randint(2, 5))])
        b += ["## Related\n\n"] + g.ul([[g.link(x)] for x in dict.fromkeys(pool)])

    def alignment(self, d, teams, adrs):
        r, g = self.rng, self
        parties = list(dict.fromkeys(r.choice(teams) for _ in range(r.randint(2, 4))))
        while len(parties) < 2:
            parties = list(dict.fromkeys(parties + [r.choice(teams)]))
        related = list(dict.fromkeys(r.choice(adrs) for _ in range(r.randint(1, 3))))
        status = r.choice(["draft", "active", "active", "active", "closed"])
        d.title = "Alignment: %s %s for %s" % (g.cword().capitalize(), g.cword(), g.cword())
        start = g.date_between(dt.date(2025, 1, 1), dt.date(2026, 10, 31))
        commits = [{"team": t.id, "deliverable": "%s %s %s" % (r.choice(["Ship", "Migrate", "Publish", "Retire"]),
                                                               g.cword(), g.cword()),
                    "date": day(g.date_between(dt.date(2026, 12, 1), dt.date(2027, 9, 30))),
                    "confidence": r.choice([50, 60, 70, 75, 80, 90])} for t in parties]
        d.fm = {"title": d.title, "teams": [t.id for t in parties], "owner": self.person(), "status": status,
                "review_by": day(g.date_between(dt.date(2026, 12, 1), dt.date(2027, 6, 30))),
                "date": day(start), "updated": day(g.date_between(start, dt.date(2026, 11, 19))),
                "adrs": [a.id for a in related], "commitments": commits, "tags": g.tags()}
        pool, b = parties + related, d.body
        b += g.para(r.randint(30, 70), pool, 0.2)[0]
        b += ["## Ownership Map\n\n"] + g.table(["Area", "Owner"], [[g.cword().capitalize() + " " + g.cword(), g.link(t)]
                                                                    for t in parties])
        b += ["## Interface Definitions\n\n"] + g.para(r.randint(50, 140), pool, 0.2)[0]
        if r.random() < 0.2:
            b += g.code()
        b += ["## Timeline Commitments\n\n"] + g.table(
            ["Date", "Team", "Deliverable", "Confidence"],
            [[c["date"], g.link(t), c["deliverable"], "%d%%" % c["confidence"]] for c, t in zip(commits, parties)])
        b += ["## Slip Protocol\n\n"] + g.ul([g.sentence(6, 14) for _ in range(r.randint(2, 4))])
        b += ["## Escalation Path\n\n"] + g.ul([self.person() + " (" + r.choice(ROLES).lower() + ")"
                                               for _ in range(r.randint(2, 3))], True)

    def rotation(self, d, teams):
        r, g = self.rng, self
        team = r.choice(teams)
        kind = r.choice(["on-call", "on-call", "liaison", "office-hours", "other"])
        d.title = "%s %s" % (team.title, kind.replace("-", " "))
        start = g.date_between(dt.date(2025, 1, 6), dt.date(2026, 10, 26))
        fm = {"title": d.title, "name": d.title, "kind": kind, "team": team.id, "start": day(start),
              "every": r.choice(["1w", "1w", "2w"]), "handoff": r.choice(["Mon 09:00", "Tue 10:00", "Fri 16:00"]),
              "timezone": r.choice(TIMEZONES), "members": team.members}
        if r.random() < 0.2:
            frm = g.date_between(dt.date(2026, 11, 23), dt.date(2027, 2, 1))
            fm["overrides"] = [{"from": day(frm), "to": day(frm + dt.timedelta(days=r.randint(1, 6))),
                                "member": r.choice(team.members)}]
        d.fm = fm
        others = [r.choice(teams) for _ in range(r.randint(1, 2))]
        b = d.body
        b += g.para(r.randint(30, 80), [team], 0.3)[0]
        b += ["## Responsibilities\n\n"] + g.ul([g.sentence(5, 12) for _ in range(r.randint(3, 6))])
        b += ["## Escalation\n\n"] + g.ul([[g.link(team), " (owning team)"]] + [[g.link(t), " (escalation)"] for t in others])
        b += ["## Handoff Checklist\n\n"] + g.table(["Step", "Who", "Notes"], [
            ["%d" % (i + 1), r.choice(team.members), g.sentence(3, 8)] for i in range(r.randint(3, 6))])


# -- writing

def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return v  # bare, so that YAML readers see a date
    return json.dumps(v)  # a JSON string is a valid YAML double-quoted scalar


def yaml(fm, pad=""):
    out = []
    for k, v in fm.items():
        if isinstance(v, dict):
            out.append("%s%s:" % (pad, k))
            out += yaml(v, pad + "  ")
        elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
            out.append("%s%s:" % (pad, k))
            for x in v:
                if isinstance(x, dict):
                    lines = yaml(x, pad + "    ")
                    out.append(pad + "  - " + lines[0].lstrip())
                    out += lines[1:]
                else:
                    out.append("%s  - %s" % (pad, scalar(x)))
        elif isinstance(v, list):
            out.append("%s%s: [%s]" % (pad, k, ", ".join(scalar(x) for x in v)))
        else:
            out.append("%s%s: %s" % (pad, k, scalar(v)))
    return out


def render(doc, layout):
    out = []
    for p in doc.body:
        if not isinstance(p, Link):
            out.append(p)
            continue
        t = p.doc
        if layout == "hugo":
            out.append('[%s]({{< relref "/%s" >}})' % (t.title, t.file))
        elif p.wiki:
            out.append("[[%s|%s]]" % (t.id, t.title))
        else:
            out.append("[%s](../%s)" % (t.title, t.file))
    return "---\n%s\n---\n\n%s" % ("\n".join(yaml(doc.fm)), "".join(out).rstrip("\n") + "\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


HUGO_CONFIG = '''baseURL = "https://wiki.example.test/"
languageCode = "en"
title = "Generated Org"
buildFuture = true       # render every page whatever the clock says
noBuildLock = true       # leave no .hugo_build.lock in the corpus
disableKinds = ["RSS"]   # keep to HTML pages (Seam's feeds are few and small)

[taxonomies]
  tag = "tags"

[markup.highlight]
  codeFences = true
  noClasses = true
'''
HUGO_BASEOF = '''<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body>
<nav><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
'''
HUGO_SINGLE = '''{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Params.status }}<p class="status">Status: {{ . }}</p>{{ end }}
{{ with .Params.team }}<p class="team">Team: {{ . }}</p>{{ end }}
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ end }}
'''
HUGO_LIST = '''{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
</ul>
{{ end }}
'''


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True, help="number of documents (at least 20)")
    ap.add_argument("--out", required=True, help="output folder; its seam/ and hugo/ are replaced")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    if args.n < 20:
        ap.error("--n must be at least 20")
    docs = Gen(args.n, args.seed).build(args.n)
    seam, hugo = os.path.join(args.out, "seam"), os.path.join(args.out, "hugo")
    for root in (seam, hugo):
        if os.path.exists(root):
            shutil.rmtree(root)
    write(os.path.join(seam, "seam.toml"), 'title = "Generated Org"\nbase_url = "https://wiki.example.test/"\n')
    write(os.path.join(hugo, "config.toml"), HUGO_CONFIG)
    for name, text in (("baseof", HUGO_BASEOF), ("single", HUGO_SINGLE), ("list", HUGO_LIST)):
        write(os.path.join(hugo, "layouts", "_default", name + ".html"), text)
    for d in docs:
        write(os.path.join(seam, "content", d.file), render(d, "seam"))
        write(os.path.join(hugo, "content", d.file), render(d, "hugo"))
    counts = {k: sum(1 for d in docs if d.kind == k) for k, _ in MIX}
    info = {"n": args.n, "seed": args.seed, "counts": counts}
    write(os.path.join(args.out, "corpus.json"), json.dumps(info, indent=2) + "\n")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
