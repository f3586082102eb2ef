#!/usr/bin/env python3
"""Deterministic generator and independent checker for Callwarden's synthetic CDR captures.

    python3 Captures/generate.py          # (re)writes every capture and its .expected.json sidecar
    python3 Captures/generate.py --check  # re-reads the files and verifies them (exit 1 on failure)

Everything is produced from seeded `random.Random` instances, so two runs give identical bytes.
Every external number comes from Ofcom's drama ranges (never assigned to real subscribers).
Standard library only (Python 3.11). See Captures/README.md for what is planted where.

The sidecars are written from the *plan* (what was planted and what the rules must say about it);
`--check` re-reads the written files with the csv/json modules, normalises numbers like
CallModel's NumberPlan (GB), simulates the detection rules roughly and compares with the sidecars.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import heapq
import json
import math
import os
import random
import sys
import time
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = "Config/callwarden.yaml"

# --------------------------------------------------------------------------------------------
# Deployment being simulated
# --------------------------------------------------------------------------------------------

WEEK_START = calendar.timegm((2026, 1, 12, 0, 0, 0))  # Monday; Europe/London is UTC+0 in January
DAY = 86400
MIN = 60
HOUR = 3600

PERSONAL = [str(e) for e in range(1000, 1030)]  # personal extensions
QUEUE = "1200"  # service queue: many distinct first-time callers every hour
QUEUE_AGENTS = ["1020", "1021", "1022", "1023", "1024", "1025"]
SERVICE_EXTENSIONS = [QUEUE]

# Allow list and known customers the captures assume (the lead's Config/callwarden.yaml).
SECURITY_DESK = ["+442079460000", "+442079460001"]
ALLOW_NUMBERS = SECURITY_DESK + ["999", "112"]
KNOWN_CUSTOMERS = ["+441134960500"]

# Ofcom drama ranges (national format prefix, 3 free digits each).
DRAMA_RANGES = [
    "07700900",  # mobile 07700 900000-900999
    "02079460",  # London 020 7946 0000-0999
    "01134960",  # Leeds 0113 496 0000-0999
    "01144960",  # Sheffield
    "01154960",  # Nottingham
    "01174960",  # Bristol
    "01214960",  # Birmingham
    "01614960",  # Manchester
]

# Detection thresholds (defaults of the rules the captures are designed around).
REPEAT_CALLS, REPEAT_WINDOW = 5, 30 * MIN
STALK_CALLS, STALK_MIN_DAYS, STALK_DAYS, STALK_WINDOW = 8, 2, 4, 7 * DAY
ANON_CALLS, ANON_WINDOW = 3, 30 * MIN
HOP_NUMBERS, HOP_WINDOW, HOP_SHORT, HOP_HISTORY = 4, 60 * MIN, 30, 24 * HOUR
REOFFENCE_MEMORY = 30 * DAY

# Planted numbers (national form as the PBX writes them).
H_REPEAT = "07700900123"  # (a)
H_REOFFENDER = "07700900666"  # (b)
H_STALKER = "01614960777"  # (c)
H_HOPPERS = ["07700900901", "01214960902", "01174960903", "07700900904", "01154960905"]  # (e)
H_CUSTOMER = "01134960500"  # (f)
H_SECURITY = "02079460000"  # (g)
H_SECURITY_2 = "02079460001"
FS_REPEAT = "07700900444"
JSON_PAI = "07700900555"
JSON_PAI_E164 = "+447700900555"
NCC_CUSTOMER = "01174960321"
RESERVED = set([H_REPEAT, H_REOFFENDER, H_STALKER, H_CUSTOMER, H_SECURITY, H_SECURITY_2, FS_REPEAT,
                JSON_PAI, NCC_CUSTOMER] + H_HOPPERS)


def e164(national: str) -> str:
    assert national.startswith("0") and not national.startswith("00")
    return "+44" + national[1:]


def at(day: int, hh: int, mm: int, ss: int = 0) -> int:
    return WEEK_START + day * DAY + hh * HOUR + mm * MIN + ss


def local_text(t: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def rfc3339(t: float, style: str = "Z") -> str:
    whole = int(t)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    if style == "frac":
        return base + ".%03dZ" % int(round((t - whole) * 1000))
    if style == "offset":
        return base + "+00:00"
    return base + "Z"


# --------------------------------------------------------------------------------------------
# Calls and the constraint ledger
# --------------------------------------------------------------------------------------------

OUTCOMES = ("answered", "no-answer", "busy", "failed", "cancelled", "rejected", "congestion")


@dataclass
class Call:
    start: int
    caller: str  # raw, as the PBX shows it
    callee: str  # extension
    outcome: str
    ring: int  # seconds from start to answer (or to giving up)
    talk: int  # seconds answered (billsec); 0 when unanswered
    identity: str | None = None  # counted E.164 (asserted identity first); None if withheld/internal
    name: str | None = None
    internal: bool = False
    withheld: bool = False
    asserted: str | None = None  # JSON lines only: asserted identity in E.164
    privacy: bool = False
    tag: str = "background"
    agent: str | None = None  # queue member who answered
    via_local: bool = False  # Asterisk newcdrcolumns: queue call written as two CDR rows
    full_phases: bool = False  # JSON lines: started/ringing/answered/ended instead of 2 events

    @property
    def end(self) -> int:
        return self.start + self.ring + self.talk

    @property
    def answered(self) -> bool:
        return self.outcome == "answered"

    @property
    def short_or_unanswered(self) -> bool:
        return (not self.answered) or self.talk <= HOP_SHORT


def peak_with(times: list[int], t: int, width: int) -> int:
    """Max number of points in a closed window of `width` seconds that contains `t`, with `t` added."""
    lo, hi = bisect_left(times, t - width), bisect_right(times, t + width)
    pts = times[lo:hi]
    insort(pts, t)
    best, j = 0, 0
    for i, s in enumerate(pts):
        if s > t:
            break
        while j < len(pts) and pts[j] <= s + width:
            j += 1
        best = max(best, j - i)
    return best


class Ledger:
    """All calls of one capture, with the indexes the background constraints need."""

    def __init__(self, hopper_ext: str | None = None, queue_short_cap: int = 10):
        self.calls: list[Call] = []
        self.by_identity = defaultdict(list)
        self.by_pair = defaultdict(list)
        self.withheld = defaultdict(list)
        self.newshort = defaultdict(list)  # ext -> starts of short/unanswered calls new to that ext
        self.shortany = defaultdict(list)  # ext -> starts of all short/unanswered calls
        self.int_src = defaultdict(list)
        self.int_pair = defaultdict(list)
        self.quiet: list[tuple[str, int, int]] = []  # (ext, from, to): no background there
        self.seen_pair: set = set()
        self.hopper_ext = hopper_ext
        self.queue_short_cap = queue_short_cap

    def is_new_to(self, c: Call) -> bool:
        return c.identity is not None and (c.identity, c.callee) not in self.seen_pair

    def admissible(self, c: Call) -> str | None:
        """None when the background call keeps every rule well below its threshold, else why not."""
        t, ext = c.start, c.callee
        for q_ext, a, b in self.quiet:
            if q_ext == ext and a <= t <= b:
                return "quiet"
        if c.identity is not None:
            if peak_with(self.by_identity[c.identity], t, REPEAT_WINDOW) > 2:
                return "repeat"
            day0 = t - (t - WEEK_START) % DAY
            same_day = [x for x in self.by_identity[c.identity] if day0 <= x < day0 + DAY]
            if len(same_day) >= 3:
                return "repeat"
            pair = self.by_pair[(c.identity, ext)]
            if len(pair) >= 4:
                return "stalk"
            days = {(x - WEEK_START) // DAY for x in pair} | {(t - WEEK_START) // DAY}
            if len(days) > 2:
                return "stalk"
        if c.withheld and peak_with(self.withheld[ext], t, HOUR) > 1:
            return "withheld"
        if c.internal:
            if peak_with(self.int_src[c.caller], t, REPEAT_WINDOW) > 2:
                return "internal"
            pair = self.int_pair[(c.caller, ext)]
            days = {(x - WEEK_START) // DAY for x in pair} | {(t - WEEK_START) // DAY}
            if len(pair) >= 3 or len(days) > 2:
                return "internal"
        if c.short_or_unanswered:
            if ext == self.hopper_ext and peak_with(self.shortany[ext], t, HOUR) > 1:
                return "hopper-baseline"
            if self.is_new_to(c):
                cap = self.queue_short_cap if ext == QUEUE else 2
                if peak_with(self.newshort[ext], t, HOUR) > cap:
                    return "new-short"
        return None

    def add(self, c: Call) -> None:
        self.calls.append(c)
        t, ext = c.start, c.callee
        if c.short_or_unanswered:
            insort(self.shortany[ext], t)
            if self.is_new_to(c):
                insort(self.newshort[ext], t)
        if c.identity is not None:
            insort(self.by_identity[c.identity], t)
            insort(self.by_pair[(c.identity, ext)], t)
            self.seen_pair.add((c.identity, ext))
        if c.withheld:
            insort(self.withheld[ext], t)
        if c.internal:
            insort(self.int_src[c.caller], t)
            insort(self.int_pair[(c.caller, ext)], t)

    def add_planted(self, calls: list[Call], margin: int = 90 * MIN) -> None:
        for c in sorted(calls, key=lambda c: c.start):
            self.add(c)
        for c in calls:  # per call: a stalker's five days must not silence the extension all week
            self.quiet.append((c.callee, c.start - margin, c.end + margin))


# --------------------------------------------------------------------------------------------
# Background traffic
# --------------------------------------------------------------------------------------------

FIRST = ["Alex", "Sam", "Jo", "Chris", "Morgan", "Jamie", "Robin", "Charlie", "Dana", "Kit", "Lee",
         "Nia", "Omar", "Priya", "Tomasz", "Zoë", "Siobhán", "Ravi", "Grace", "Ewan", "Aisha", "Finn"]
LAST = ["Abbott", "Bell", "Carter", "Dunn", "Ellis", "Foster", "Gill", "Hughes", "Iqbal", "Jones",
        "Khan", "Lowe", "Marsh", "Nowak", "O'Neill", "Price", "Quinn", "Reid", "Shaw", "Turner"]
# Awkward names that exercise quoting; the Asterisk capture only (FreeSWITCH does not escape).
AWKWARD = ['Smith, Jo', 'Pat "Tiny" Doyle', "Ångström Ltd"]

HOUR_WEIGHTS = [(7, 1), (8, 5), (9, 12), (10, 14), (11, 13), (12, 7), (13, 10), (14, 13), (15, 12),
                (16, 9), (17, 3), (18, 1)]


def drama_pool(rng: random.Random) -> list[str]:
    """Every drama-range number not reserved for planted callers, mobiles first-ish."""
    nums = [p + "%03d" % i for p in DRAMA_RANGES for i in range(1000)]
    keyed = []
    for n in nums:
        if n in RESERVED or n.startswith("02079460") and n < "02079460010":
            continue  # keep 020 7946 0000-0009 for the organisation's own numbers
        weight = 4.0 if n.startswith("077") else 1.0
        keyed.append((rng.random() ** (1.0 / weight), n))
    keyed.sort(reverse=True)
    return [n for _, n in keyed]


class Background:
    """A realistic office week (or day), generated in time order under the ledger's constraints."""

    def __init__(self, rng: random.Random, ledger: Ledger, days: list[int], *, awkward_names: bool,
                 scale: float = 1.0, personal_mean: float = 7.0, queue_rate=(16, 30),
                 internal_per_day: int = 35, weekly: int = 18, factors: dict | None = None,
                 asserted_rate: float = 0.0, full_phase_rate: float = 0.0):
        self.rng, self.ledger, self.days = rng, ledger, days
        self.pool = drama_pool(rng)
        self.pool_next = 0
        self.names: dict[str, str | None] = {}
        self.known: list[str] = []
        self.known_set: set = set()
        self.awkward = list(AWKWARD) if awkward_names else []
        self.scale, self.personal_mean, self.queue_rate = scale, personal_mean, queue_rate
        self.internal_per_day, self.weekly = internal_per_day, weekly
        self.factors = {e: rng.uniform(0.6, 1.4) for e in PERSONAL}
        self.factors.update(factors or {})
        self.asserted_rate, self.full_phase_rate = asserted_rate, full_phase_rate
        self.heap: list = []
        self.seq = 0
        self.staff = {e: "%s %s" % (rng.choice(FIRST), rng.choice(LAST)) for e in PERSONAL}

    # -- helpers ---------------------------------------------------------------------------
    def push(self, t: int, kind: str, payload=None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, payload))

    def new_number(self) -> str:
        n = self.pool[self.pool_next]
        self.pool_next += 1
        return n

    def name_for(self, national: str) -> str | None:
        if national not in self.names:
            r = self.rng.random()
            if self.awkward and r < 0.03:
                self.names[national] = self.awkward.pop(0)
            elif r < 0.35:
                self.names[national] = "%s %s" % (self.rng.choice(FIRST), self.rng.choice(LAST))
            else:
                self.names[national] = None
        return self.names[national]

    def raw_form(self, national: str) -> str:
        r = self.rng.random()
        if r < 0.05:
            return e164(national)  # +447700900456
        if r < 0.09:
            return "0044" + national[1:]  # 00447700900789
        return national

    def business_time(self, day: int) -> int:
        hours = [h for h, _ in HOUR_WEIGHTS]
        weights = [w for _, w in HOUR_WEIGHTS]
        h = self.rng.choices(hours, weights)[0]
        return at(day, h, 0) + self.rng.randrange(HOUR)

    def outcome(self, kind: str) -> tuple[str, int, int]:
        r = self.rng.random()
        if kind == "queue":
            if r < 0.62:
                return "answered", self.rng.randint(4, 40), self.rng.randint(35, 600)
            if r < 0.80:
                return "answered", self.rng.randint(4, 40), self.rng.randint(8, 30)
            return "no-answer", self.rng.randint(10, 120), 0
        if kind == "weekend":
            if r < 0.8:
                return "no-answer", self.rng.randint(15, 35), 0
            return "answered", self.rng.randint(3, 15), self.rng.randint(31, 400)
        if kind == "internal":
            if r < 0.85:
                return "answered", self.rng.randint(2, 10), self.rng.randint(15, 600)
            if r < 0.97:
                return "no-answer", self.rng.randint(15, 30), 0
            return "busy", 1, 0
        if r < 0.70:
            talk = int(min(1800, max(31, self.rng.lognormvariate(math.log(150), 0.8))))
            return "answered", self.rng.randint(3, 20), talk
        if r < 0.78:
            return "answered", self.rng.randint(3, 20), self.rng.randint(4, 30)
        if r < 0.92:
            return "no-answer", self.rng.randint(15, 35), 0
        if r < 0.96:
            return "busy", self.rng.randint(0, 2), 0
        if r < 0.975:
            return "cancelled", self.rng.randint(3, 12), 0
        if r < 0.99:
            return "failed", self.rng.randint(0, 1), 0
        return "rejected", 0, 0

    def long_answer(self) -> tuple[str, int, int]:
        return "answered", self.rng.randint(3, 20), self.rng.randint(45, 500)

    def external_call(self, t: int, ext: str, national: str | None, kind: str, tag: str) -> Call:
        outcome, ring, talk = self.outcome(kind)
        if national is None:  # withheld
            form = self.rng.choices(["anonymous", "Restricted", ""], [7, 2, 1])[0]
            c = Call(t, form, ext, outcome, ring, talk, identity=None, withheld=True, privacy=True,
                     name="Anonymous" if form == "anonymous" else None, tag=tag)
            if self.asserted_rate and self.rng.random() < self.asserted_rate:
                # withheld but the network asserted who it is: counted by that identity
                c.asserted = e164(self.new_number())
                c.identity, c.withheld = c.asserted, False
            return c
        return Call(t, self.raw_form(national), ext, outcome, ring, talk, identity=e164(national),
                    name=self.name_for(national), tag=tag)

    def try_admit(self, c: Call, fallbacks=True) -> bool:
        for attempt in range(6):
            why = self.ledger.admissible(c)
            if why is None:
                if c.callee == QUEUE and c.answered:
                    c.agent = self.rng.choice(QUEUE_AGENTS)
                if self.full_phase_rate and c.answered and self.rng.random() < self.full_phase_rate:
                    c.full_phases = True
                self.ledger.add(c)
                if c.identity is not None and c.identity not in self.known_set and not c.internal:
                    self.known_set.add(c.identity)
                    self.known.append(c.identity)
                return True
            if not fallbacks or why in ("quiet", "internal"):
                return False
            if why in ("new-short", "hopper-baseline"):
                c.outcome, c.ring, c.talk = self.long_answer()
            elif why == "withheld":
                n = self.new_number()
                c.caller, c.identity, c.withheld, c.privacy, c.name, c.asserted = (
                    self.raw_form(n), e164(n), False, False, self.name_for(n), None)
            else:  # repeat / stalk: somebody else calls instead
                n = self.new_number()
                c.caller, c.identity, c.withheld, c.privacy, c.name, c.asserted = (
                    self.raw_form(n), e164(n), False, False, self.name_for(n), None)
        return False

    def national_of(self, identity: str) -> str:
        return "0" + identity[3:]

    # -- schedule --------------------------------------------------------------------------
    def schedule(self) -> None:
        rng = self.rng
        for day in self.days:
            weekday = time.gmtime(WEEK_START + day * DAY).tm_wday < 5
            hours = range(9, 17) if weekday else range(10, 14)
            for h in hours:
                lo, hi = self.queue_rate if weekday else (16, 20)
                n = rng.randint(lo, hi)
                if weekday and day == self.days[0] and h == 9:
                    n = rng.randint(max(lo, 26), max(hi, 30))  # first-morning rush
                n = max(1, int(round(n * self.scale)))
                for _ in range(n):
                    self.push(at(day, h, 0) + rng.randrange(HOUR), "queue")
            if weekday:
                for ext in PERSONAL:
                    k = max(0, int(round(rng.gauss(self.personal_mean * self.factors[ext], 2) * self.scale)))
                    for _ in range(k):
                        self.push(self.business_time(day), "personal", ext)
                for _ in range(int(round(self.internal_per_day * self.scale))):
                    src, dst = rng.sample(PERSONAL, 2)
                    self.push(self.business_time(day), "internal", (src, dst))
                if rng.random() < 0.8:
                    self.push(self.business_time(day), "desk2", rng.choice(PERSONAL))
            else:
                for _ in range(rng.randint(5, 9)):
                    self.push(at(day, rng.randint(9, 17), 0) + rng.randrange(HOUR), "weekend",
                              rng.choice(PERSONAL))
        weekdays = [d for d in self.days if time.gmtime(WEEK_START + d * DAY).tm_wday < 5]
        for _ in range(self.weekly if weekdays else 0):
            national = self.new_number()
            self.push(self.business_time(rng.choice(weekdays)), "weekly", (national, rng.choice(PERSONAL)))

    def run(self) -> None:
        self.schedule()
        rng = self.rng
        while self.heap:
            t, _, kind, payload = heapq.heappop(self.heap)
            if kind == "queue":
                national = None if rng.random() < 0.03 else self.new_number()
                c = self.external_call(t, QUEUE, national, "queue", "queue")
                if self.try_admit(c):
                    self.maybe_callback(c, 0.10)
            elif kind in ("personal", "weekend"):
                ext = payload
                r = rng.random()
                if r < 0.03:
                    national = None
                elif r < 0.28 and self.known:
                    national = self.national_of(rng.choice(self.known))
                else:
                    national = self.new_number()
                c = self.external_call(t, ext, national, "weekend" if kind == "weekend" else "personal",
                                       kind)
                if self.try_admit(c) and kind == "personal":
                    self.maybe_callback(c, 0.10)
            elif kind == "callback":
                national, ext, depth = payload
                c = self.external_call(t, ext, national, "personal", "callback")
                if self.try_admit(c, fallbacks=False) and depth < 2:
                    self.maybe_callback(c, 0.35, depth + 1)
            elif kind == "weekly":
                national, ext = payload
                c = self.external_call(t, ext, national, "personal", "weekly")
                if c.short_or_unanswered:
                    c.outcome, c.ring, c.talk = self.long_answer()
                self.try_admit(c, fallbacks=False)
            elif kind == "desk2":
                ext = payload
                outcome, ring, talk = self.long_answer()
                c = Call(t, H_SECURITY_2, ext, outcome, ring, talk, identity=e164(H_SECURITY_2),
                         name="Security Desk", tag="security-desk")
                self.try_admit(c, fallbacks=False)
            elif kind == "internal":
                src, dst = payload
                outcome, ring, talk = self.outcome("internal")
                c = Call(t, src, dst, outcome, ring, talk, internal=True, name=self.staff[src],
                         tag="internal")
                self.try_admit(c, fallbacks=False)

    def maybe_callback(self, c: Call, p: float, depth: int = 1) -> None:
        if c.identity is None or c.identity in ALLOW_NUMBERS or self.rng.random() >= p:
            return
        t = c.end + self.rng.randint(35, 150) * MIN
        day0 = c.start - (c.start - WEEK_START) % DAY
        if t > day0 + 18 * HOUR + 30 * MIN:
            return
        ext = c.callee
        if ext == QUEUE and self.rng.random() < 0.4:
            ext = self.rng.choice(PERSONAL)  # got a direct line from the queue agent
        self.push(t, "callback", (self.national_of(c.identity), ext, depth))


# --------------------------------------------------------------------------------------------
# Planted harassers
# --------------------------------------------------------------------------------------------

def burst(raw: str, identity: str, ext: str, starts: list[int], rng: random.Random, tag: str,
          outcomes: list[tuple[str, int, int]] | None = None, name: str | None = None) -> list[Call]:
    """One planted caller's calls; short, so that each ends before the next starts."""
    calls = []
    for i, t in enumerate(starts):
        if outcomes:
            outcome, ring, talk = outcomes[i]
        else:
            r = rng.random()
            if r < 0.6:
                outcome, ring, talk = "answered", rng.randint(3, 12), rng.randint(10, 75)
            elif r < 0.85:
                outcome, ring, talk = "no-answer", rng.randint(15, 30), 0
            else:
                outcome, ring, talk = "busy", 1, 0
        calls.append(Call(t, raw, ext, outcome, ring, talk, identity=identity, name=name, tag=tag))
    for a, b in zip(calls, calls[1:]):
        assert a.end < b.start, "planted calls must not overlap"
    return calls


def offsets(day: int, hh: int, mm: int, minutes: list[int], rng: random.Random) -> list[int]:
    return [at(day, hh, mm) + m * MIN + rng.randint(0, 40) for m in minutes]


def plant_week(rng: random.Random) -> tuple[list[list[Call]], list[dict]]:
    """The harassers planted in week.csv and what the rules must say about them (sorted later)."""
    sets, expected = [], []
    # (a) repeat caller: 7 calls in 25 minutes on Tuesday to 1010; two calls in +44 form.
    a_forms = [H_REPEAT, H_REPEAT, e164(H_REPEAT), H_REPEAT, H_REPEAT, e164(H_REPEAT), H_REPEAT]
    a = burst(H_REPEAT, e164(H_REPEAT), "1010", offsets(1, 14, 10, [0, 4, 8, 13, 17, 21, 25], rng), rng, "a")
    for c, f in zip(a, a_forms):
        c.caller = f
    sets.append(a)
    expected.append(dict(kind="repeat-caller", caller=e164(H_REPEAT), target="1010", action="alert", first=a[0].start))
    # (b) re-offender: 6 calls in 20 min Monday, 6 calls in 20 min Thursday, both to 1011.
    b1 = burst(H_REOFFENDER, e164(H_REOFFENDER), "1011", offsets(0, 10, 5, [0, 4, 8, 12, 16, 20], rng), rng, "b1")
    b2 = burst(H_REOFFENDER, e164(H_REOFFENDER), "1011", offsets(3, 9, 40, [0, 4, 8, 12, 16, 20], rng), rng, "b2")
    b2[1].caller = "0044" + H_REOFFENDER[1:]
    sets += [b1, b2]
    expected.append(dict(kind="repeat-caller", caller=e164(H_REOFFENDER), target="1011", action="alert", first=b1[0].start))
    expected.append(dict(kind="repeat-caller", caller=e164(H_REOFFENDER), target="1011", action="block", first=b2[0].start))
    # (c) stalker: one short call a day to 1012 on five days, different times.
    c_times = [at(0, 16, 47, 12), at(1, 9, 13, 40), at(2, 12, 31, 5), at(3, 19, 5, 33), at(4, 8, 58, 21)]
    c_out = [("answered", 6, 18), ("no-answer", 24, 0), ("answered", 4, 9), ("answered", 9, 22), ("no-answer", 28, 0)]
    c = burst(H_STALKER, e164(H_STALKER), "1012", c_times, rng, "c", c_out)
    sets.append(c)
    expected.append(dict(kind="stalking", caller=e164(H_STALKER), target="1012", action="alert", first=c[0].start))
    # (d) anonymous: 4 withheld calls within 20 minutes on Wednesday to 1013.
    d_times = offsets(2, 15, 30, [0, 6, 13, 20], rng)
    d_forms = ["anonymous", "anonymous", "Restricted", "anonymous"]
    d_out = [("no-answer", 20, 0), ("answered", 5, 41), ("answered", 7, 12), ("no-answer", 26, 0)]
    d = [Call(t, f, "1013", o, r, k, withheld=True, privacy=True, name="Anonymous" if f == "anonymous" else None, tag="d")
         for t, f, (o, r, k) in zip(d_times, d_forms, d_out)]
    sets.append(d)
    expected.append(dict(kind="anonymous", caller=None, target="1013", action="alert", first=d[0].start))
    # (e) number-hopper: 5 never-seen numbers within 40 minutes on Thursday to 1014, short/unanswered.
    e_times = offsets(3, 13, 15, [0, 9, 17, 28, 40], rng)
    e_out = [("no-answer", 27, 0), ("answered", 6, 8), ("no-answer", 30, 0), ("answered", 5, 12), ("no-answer", 25, 0)]
    e = [Call(t, n, "1014", o, r, k, identity=e164(n), tag="e") for t, n, (o, r, k) in zip(e_times, H_HOPPERS, e_out)]
    sets.append(e)
    expected.append(dict(kind="number-hopping", caller=None, callers=sorted(e164(n) for n in H_HOPPERS),
                         target="1014", action="alert", first=e[0].start))
    # (f) known customer bursts 11 calls in 40 min to 1015 (10 of them inside 27 minutes).
    f = burst(H_CUSTOMER, e164(H_CUSTOMER), "1015",
              offsets(2, 11, 20, [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 38], rng), rng, "f",
              outcomes=[("answered", 5, 40)] + [("no-answer", 20, 0), ("answered", 4, 25), ("no-answer", 18, 0)] * 3 + [("answered", 6, 61)],
              name="Leeds Plumbing Co")
    sets.append(f)
    expected.append(dict(kind="repeat-caller", caller=e164(H_CUSTOMER), target="1015", action="review", first=f[0].start))
    # (g) allow-listed security desk calls 1016 ten times in an hour: nothing.
    g = burst(H_SECURITY, e164(H_SECURITY), "1016",
              offsets(4, 10, 0, [0, 6, 12, 18, 24, 30, 36, 42, 48, 54], rng), rng, "g",
              outcomes=[("answered", 3, 60)] * 10, name="Security Desk")
    sets.append(g)
    return sets, expected


def customer_ordinary_call(rng: random.Random) -> Call:
    # The known customer also makes one ordinary call to the queue on Monday.
    return Call(at(0, 14, 22, 9), H_CUSTOMER, QUEUE, "answered", 12, 184, identity=e164(H_CUSTOMER),
                name="Leeds Plumbing Co", tag="customer", agent="1022")


# --------------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------------

def q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


AST_DISPOSITION = {"answered": "ANSWERED", "no-answer": "NO ANSWER", "cancelled": "NO ANSWER", "busy": "BUSY",
                   "failed": "FAILED", "rejected": "FAILED", "congestion": "CONGESTION"}
FS_CAUSE = {"answered": "NORMAL_CLEARING", "no-answer": "NO_ANSWER", "cancelled": "ORIGINATOR_CANCEL",
            "busy": "USER_BUSY", "failed": "NORMAL_TEMPORARY_FAILURE", "rejected": "CALL_REJECTED",
            "congestion": "NORMAL_CIRCUIT_CONGESTION"}
JSON_PHASE = {"answered": ("ended", "answered"), "no-answer": ("failed", "no-answer"),
              "cancelled": ("cancelled", "cancelled"), "busy": ("failed", "busy"), "failed": ("failed", "failed"),
              "rejected": ("failed", "rejected"), "congestion": ("failed", "congestion")}


def clid_of(c: Call) -> str:
    if c.name:
        return '"%s" <%s>' % (c.name, c.caller)  # Asterisk does not escape the name; cdr_csv doubles quotes
    return c.caller


def render_asterisk(calls: list[Call], rng: random.Random, columns: int) -> list[tuple[int, int, str]]:
    """CDR rows as cdr_csv writes them; returns (end, sequence, line) for sorting by write order."""
    assert columns in (17, 21)
    rows = []
    chan = 0x2A0
    counter = 1180
    sequence = 40
    for c in sorted(calls, key=lambda c: c.start):
        chan += 1
        channel = ("PJSIP/%s-%08x" % (c.caller, chan)) if c.internal else ("PJSIP/trunk-%08x" % chan)
        counter += 1
        uid = "%d.%d" % (c.start, counter)
        dcontext = "from-internal" if c.internal else "from-trunk"
        rang = c.outcome in ("answered", "no-answer", "busy", "cancelled")
        if c.callee == QUEUE:
            lastapp, lastdata = "Queue", "support,t,,,300"
        else:
            lastapp, lastdata = "Dial", "PJSIP/%s,30" % c.callee
        answer = local_text(c.start + c.ring) if c.answered else None
        base = [q(""), q(c.caller), q(c.callee), q(dcontext), q(clid_of(c)), q(channel)]
        if c.via_local:
            # Queue call via a Local channel: two CDRs (trunk -> Local;1, Local;2 -> agent phone)
            # with different uniqueids sharing the trunk channel's linkedid.
            assert columns == 21 and c.answered and c.agent
            chan += 1
            local = "Local/%s@from-queue-%08x" % (c.agent, chan)
            chan += 1
            agent_chan = "PJSIP/%s-%08x" % (c.agent, chan)
            counter += 1
            leg_start = c.start + c.ring - 4
            uid2 = "%d.%d" % (leg_start, counter)
            sequence += 1
            row1 = base + [q(local + ";1"), q("Queue"), q("support,t,,,300"), q(local_text(c.start)),
                           q(answer), q(local_text(c.end)), str(c.end - c.start), str(c.talk),
                           q("ANSWERED"), q("DOCUMENTATION"), q(uid), q(""), q(""), q(uid), str(sequence)]
            rows.append((c.end, sequence, ",".join(row1)))
            sequence += 1
            row2 = [q(""), q(c.caller), q(c.agent), q("from-queue"), q(clid_of(c)), q(local + ";2"),
                    q(agent_chan), q("Dial"), q("PJSIP/%s,,tr" % c.agent), q(local_text(leg_start)),
                    q(answer), q(local_text(c.end)), str(c.end - leg_start), str(c.talk),
                    q("ANSWERED"), q("DOCUMENTATION"), q(uid2), q(""), q(""), q(uid), str(sequence)]
            rows.append((c.end, sequence, ",".join(row2)))
            continue
        dst_owner = c.agent if (c.callee == QUEUE) else c.callee
        if rang and dst_owner:
            chan += 1
            dstchannel = "PJSIP/%s-%08x" % (dst_owner, chan)
        else:
            dstchannel = ""
        fields = base + [q(dstchannel), q(lastapp), q(lastdata), q(local_text(c.start)),
                         q(answer) if answer else "", q(local_text(c.end)), str(c.end - c.start), str(c.talk),
                         q(AST_DISPOSITION[c.outcome]), q("DOCUMENTATION"), q(uid)]
        sequence += 1
        if columns == 21:
            fields += [q(""), q(""), q(uid), str(sequence)]
        rows.append((c.end, sequence, ",".join(fields)))
    return rows


def fs_uuid(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) % 4], h[17:20], h[20:32])


def render_freeswitch(calls: list[Call], rng: random.Random) -> list[tuple[int, int, str]]:
    """mod_cdr_csv's built-in `default` template, verbatim: 13 quoted values, and the template's own
    space before the last one (`"${bleg_uuid}", "${accountcode}"`)."""
    rows = []
    for i, c in enumerate(sorted(calls, key=lambda c: c.start)):
        if c.internal:
            name, number, context = c.name or c.caller, c.caller, "default"
        elif c.withheld:
            name, number, context = ("Anonymous" if c.caller == "anonymous" else c.caller), c.caller, "public"
        else:
            name, number, context = (c.name or c.caller), c.caller, "public"
        uuid = fs_uuid(rng)
        bleg = fs_uuid(rng) if c.answered or c.outcome in ("no-answer", "busy", "cancelled") else ""
        values = [name, number, c.callee, context, local_text(c.start),
                  local_text(c.start + c.ring) if c.answered else "", local_text(c.end),
                  str(c.end - c.start), str(c.talk), FS_CAUSE[c.outcome], uuid, bleg]
        line = ",".join('"%s"' % v for v in values) + ', ""'
        rows.append((c.end, i, line))
    return rows


def render_jsonl(calls: list[Call], rng: random.Random) -> list[tuple[float, int, str]]:
    events = []
    for i, c in enumerate(sorted(calls, key=lambda c: c.start)):
        call_id = "%016x@pbx.callwarden.test" % rng.getrandbits(64)
        r = rng.random()
        style = "epoch" if i % 60 == 31 else "frac" if r < 0.05 else "offset" if r < 0.08 else "Z"
        frac = rng.randint(1, 999) / 1000 if style == "frac" else 0.0

        def stamp(t: float):
            return int(t) if style == "epoch" else rfc3339(t + frac, style)

        common = {"caller": c.caller, "callee": c.callee}
        if c.name and not c.internal:
            common["caller_name"] = c.name
        if c.asserted:
            common["asserted_identity"] = c.asserted
        if c.privacy:
            common["privacy"] = True
        phase, disposition = JSON_PHASE[c.outcome]
        lines = [(c.start, 0, dict(v=1, time=stamp(c.start), call_id=call_id, phase="started", **common))]
        if c.full_phases and c.answered:
            lines.append((c.start + 1, 1, dict(v=1, time=stamp(c.start + 1), call_id=call_id, phase="ringing", **common)))
            lines.append((c.start + c.ring, 2, dict(v=1, time=stamp(c.start + c.ring), call_id=call_id, phase="answered", **common)))
        end = dict(v=1, time=stamp(c.end), call_id=call_id, phase=phase, **common)
        end.update(disposition=disposition, start=stamp(c.start), duration=c.end - c.start, talk_time=c.talk)
        lines.append((c.end, 3, end))
        for t, order, obj in lines:
            ascii_only = rng.random() < 0.1
            events.append((t + frac, i * 4 + order, json.dumps(obj, ensure_ascii=ascii_only, separators=(",", ":"))))
    return events


# --------------------------------------------------------------------------------------------
# Malformed lines
# --------------------------------------------------------------------------------------------

def garbage(rng: random.Random) -> bytes:
    allowed = [b for b in range(1, 256) if b not in (0x0A, 0x0D, 0x22, 0x2C, 0x7B)]
    body = bytes(rng.choice(allowed) for _ in range(rng.randint(40, 90)))
    return b"\xff\xfe" + body  # never starts like a record; invalid UTF-8 on purpose


def splice(rng: random.Random, valid: list[bytes], bad: list[bytes]) -> list[bytes]:
    """Inserts the malformed lines at seeded positions, never among the first 10 lines."""
    out = list(valid)
    for line in bad:
        out.insert(rng.randint(10, len(out) - 1), line)
    return out


def asterisk_malformed(rng: random.Random, sample: list[str], columns: int) -> list[bytes]:
    """Lines a damaged Master.csv could hold: cut short, a foreign date format, garbage bytes and
    (17-column file) 20 columns, a count no cdr_csv layout has. Quotes stay balanced so that no
    reader can swallow the following line."""
    r0, r1, r2 = list(csv.reader(sample))

    def fmt(fields: list[str]) -> str:
        out = []
        for i, f in enumerate(fields):
            if i in (12, 13) or (columns == 21 and i == 20):
                out.append(f)  # integers: unquoted
            elif i == 10 and f == "":
                out.append("")  # unanswered: bare empty field
            else:
                out.append(q(f))
        return ",".join(out)

    truncated = fmt(r0[:9])
    bad_date = list(r1)
    bad_date[9] = "Wed Jan 14 10:15:00 2026"
    bad_date[16] = bad_date[16].split(".")[0] + ".%d" % rng.randint(90000, 99999)
    if columns == 21:
        bad_date[19] = bad_date[16]
    lines = [truncated.encode(), fmt(bad_date).encode(), garbage(rng)]
    if columns == 17:
        lines.append((fmt(r2) + ',"x","y","z"').encode())
    return lines


# --------------------------------------------------------------------------------------------
# Captures
# --------------------------------------------------------------------------------------------

def sidecar(fmt: str, events: int, calls: int, malformed: int, expected: list[dict]) -> str:
    order = {"anonymous": 0, "number-hopping": 1, "repeat-caller": 2, "stalking": 3}
    dets = []
    for e in sorted(expected, key=lambda e: (e["kind"], e["first"])):
        assert e["kind"] in order
        callers = e.get("callers", [e["caller"]] if e["caller"] else [])
        dets.append({"kind": e["kind"], "caller": e["caller"], "callers": callers, "target": e["target"],
                     "action": e["action"]})
    doc = {"format": fmt, "config": CONFIG, "events": events, "calls": calls, "malformed": malformed,
           "detections": dets}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def build_week() -> dict[str, bytes]:
    rng = random.Random(20260112)
    ledger = Ledger(hopper_ext="1014")
    sets, expected = plant_week(rng)
    for s in sets:
        ledger.add_planted(s)
    ledger.add_planted([customer_ordinary_call(rng)], margin=0)
    bg = Background(random.Random(7001), ledger, list(range(7)), awkward_names=True, factors={"1014": 0.3})
    bg.run()
    rows = render_asterisk(ledger.calls, random.Random(7002), 17)
    rows.sort(key=lambda r: (r[0], r[1]))
    valid = [r[2].encode() for r in rows]
    bad = asterisk_malformed(random.Random(7003), [r[2] for r in rows[100:103]], 17)
    lines = splice(random.Random(7004), valid, bad)
    data = b"".join(line + b"\n" for line in lines)
    return {
        "cdr/asterisk/week.csv": data,
        "cdr/asterisk/week.expected.json": sidecar("asterisk-csv", len(valid), len(valid), len(bad), expected).encode(),
    }


DAY_FILE = 2  # Wednesday 2026-01-14 for the one-day captures


def build_newcdrcolumns() -> dict[str, bytes]:
    ledger = Ledger()
    # A customer calls the queue three times in 25 minutes; each call is written as two CDR rows
    # (trunk -> Local queue member, Local -> agent phone) sharing one linkedid. 3 calls, not 6.
    starts = [at(DAY_FILE, 10, 2, 14), at(DAY_FILE, 10, 14, 51), at(DAY_FILE, 10, 26, 3)]
    planted = [Call(t, NCC_CUSTOMER, QUEUE, "answered", 38 + 7 * i, 95 + 30 * i, identity=e164(NCC_CUSTOMER),
                    name="Bristol Tenants Assoc", tag="linked", agent=QUEUE_AGENTS[i], via_local=True)
               for i, t in enumerate(starts)]
    ledger.add_planted(planted, margin=0)
    bg = Background(random.Random(7101), ledger, [DAY_FILE], awkward_names=True, scale=0.3, weekly=4,
                    internal_per_day=30)
    bg.run()
    rows = render_asterisk(ledger.calls, random.Random(7102), 21)
    rows.sort(key=lambda r: (r[0], r[1]))
    valid = [r[2].encode() for r in rows]
    bad = asterisk_malformed(random.Random(7103), [r[2] for r in rows[40:43]], 21)
    lines = splice(random.Random(7104), valid, bad)
    calls = len(ledger.calls)
    return {
        "cdr/asterisk/newcdrcolumns.csv": b"".join(line + b"\n" for line in lines),
        "cdr/asterisk/newcdrcolumns.expected.json": sidecar("asterisk-csv", len(valid), calls, len(bad), []).encode(),
    }


def build_freeswitch() -> dict[str, bytes]:
    rng = random.Random(20260115)
    ledger = Ledger()
    forms = [FS_REPEAT, FS_REPEAT, e164(FS_REPEAT), FS_REPEAT, FS_REPEAT, FS_REPEAT]
    calls = burst(FS_REPEAT, e164(FS_REPEAT), "1021", offsets(DAY_FILE, 11, 40, [0, 3, 7, 11, 14, 18], rng), rng, "fs")
    for c, f in zip(calls, forms):
        c.caller = f
    ledger.add_planted(calls)
    expected = [dict(kind="repeat-caller", caller=e164(FS_REPEAT), target="1021", action="alert", first=calls[0].start)]
    bg = Background(random.Random(7201), ledger, [DAY_FILE], awkward_names=False, scale=0.5, weekly=6)
    bg.run()
    rows = render_freeswitch(ledger.calls, random.Random(7202))
    rows.sort(key=lambda r: (r[0], r[1]))
    valid = [r[2].encode() for r in rows]
    reader = list(csv.reader([r[2] for r in rows[60:62]], skipinitialspace=True))
    short = ",".join('"%s"' % v for v in reader[0][:12])  # 12 columns
    baddate = list(reader[1])
    baddate[4] = "14/01/2026 10:15:00"
    baddate[10] = fs_uuid(random.Random(7203))
    bad = [short.encode(), (",".join('"%s"' % v for v in baddate[:12]) + ', ""').encode(),
           garbage(random.Random(7204))]
    lines = splice(random.Random(7205), valid, bad)
    return {
        "cdr/freeswitch/day.csv": b"".join(line + b"\n" for line in lines),
        "cdr/freeswitch/day.expected.json": sidecar("freeswitch-csv", len(valid), len(valid), len(bad), expected).encode(),
    }


def build_jsonl() -> dict[str, bytes]:
    rng = random.Random(20260116)
    ledger = Ledger()
    # Withheld caller whose network-asserted identity is known: counted by that identity.
    pai_out = [("answered", 6, 34), ("no-answer", 22, 0), ("answered", 4, 19), ("no-answer", 25, 0),
               ("answered", 5, 27), ("no-answer", 21, 0)]
    pai = [Call(t, "anonymous", "1022", o, r, k, identity=JSON_PAI_E164, asserted=JSON_PAI_E164, privacy=True,
                tag="pai") for t, (o, r, k) in zip(offsets(DAY_FILE, 10, 20, [0, 4, 7, 11, 15, 19], rng), pai_out)]
    pai[2].caller = ""  # an empty presented number, same asserted identity
    ledger.add_planted(pai)
    anon_out = [("no-answer", 25, 0), ("answered", 5, 14), ("no-answer", 29, 0), ("answered", 3, 7)]
    anon_forms = ["anonymous", "anonymous", "", "anonymous"]
    anon = [Call(t, f, "1023", o, r, k, withheld=True, privacy=True, tag="anon")
            for t, f, (o, r, k) in zip(offsets(DAY_FILE, 14, 5, [0, 5, 9, 14], rng), anon_forms, anon_out)]
    ledger.add_planted(anon)
    expected = [dict(kind="repeat-caller", caller=JSON_PAI_E164, target="1022", action="alert", first=pai[0].start),
                dict(kind="anonymous", caller=None, target="1023", action="alert", first=anon[0].start)]
    bg = Background(random.Random(7301), ledger, [DAY_FILE], awkward_names=False, scale=0.5, weekly=6,
                    asserted_rate=0.5, full_phase_rate=0.1)
    bg.run()
    events = render_jsonl(ledger.calls, random.Random(7302))
    events.sort(key=lambda e: (e[0], e[1]))
    valid = [e[2].encode("utf-8") for e in events]
    r = random.Random(7303)
    sample = json.loads(valid[200])
    truncated = valid[201][: len(valid[201]) // 2]
    bad_time = dict(sample, time="14/01/2026 10:15", call_id="%016x@pbx.callwarden.test" % r.getrandbits(64))
    no_id = {k: v for k, v in json.loads(valid[300]).items() if k != "call_id"}
    bad = [truncated, garbage(r), json.dumps(bad_time, separators=(",", ":")).encode(),
           json.dumps(no_id, separators=(",", ":")).encode()]
    # each malformed line is skipped whole; none is the only record of a counted call
    lines = splice(random.Random(7304), valid, bad)
    calls = len(ledger.calls)
    return {
        "cdr/jsonl/day.jsonl": b"".join(line + b"\n" for line in lines),
        "cdr/jsonl/day.expected.json": sidecar("jsonl", len(valid), calls, len(bad), expected).encode(),
    }


def build_all() -> dict[str, bytes]:
    out = {}
    for builder in (build_week, build_newcdrcolumns, build_freeswitch, build_jsonl):
        out.update(builder())
    return out


def write_all() -> None:
    for rel, data in build_all().items():
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print("wrote %-42s %7d bytes" % (rel, len(data)))


# ============================================================================================
# --check: an independent re-reading of the written files
# ============================================================================================
# Uses only the files on disk, the csv/json modules, the deployment constants above (allow list,
# customers, thresholds) and its own number normaliser; none of the generator's call objects.

DRAMA_E164 = ["+44" + p[1:] for p in DRAMA_RANGES]
ANONYMOUS_FORMS = {"", "anonymous", "restricted", "unavailable", "anonymous.invalid", "private", "withheld",
                   "unknown", "anonymous@anonymous.invalid"}


def normalise(raw: str) -> tuple[str, str | None]:
    """Mirror of CallModel's NumberPlan.normalise for GB (+44, trunk 0, IDD 00, extensions 3-4)."""
    text = raw.strip()
    if "<" in text and ">" in text:
        text = text[text.rindex("<") + 1:text.rindex(">")]
    for scheme in ("sips:", "sip:", "tel:"):
        if text.lower().startswith(scheme):
            text = text[len(scheme):].split("@")[0]
    text = text.split(";")[0]
    if text.lower() in ANONYMOUS_FORMS:
        return "unidentified", None
    international = text.startswith("+")
    digits = "".join(ch for ch in text.lstrip("+") if ch not in " -.()/")
    if not digits.isdigit():
        return "invalid", raw
    if international:
        return "e164", "+" + digits
    if 3 <= len(digits) <= 4:
        return "ext", digits
    if digits.startswith("00") and len(digits) > 2:
        return "e164", "+" + digits[2:]
    if digits.startswith("0") and len(digits) > 4:
        return "e164", "+44" + digits[1:]
    if digits.startswith("44") and 9 <= len(digits) <= 15:
        return "e164", "+" + digits
    return "e164", "+44" + digits


@dataclass
class Seen:
    """One call as the checker reconstructs it from the file."""
    call_id: str
    start: int
    raw: str
    identity: str | None  # counted E.164
    unidentified: bool
    internal: bool
    callee: str
    answered: bool
    talk: int

    @property
    def short(self) -> bool:
        return (not self.answered) or self.talk <= HOP_SHORT


def parse_local(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def parse_rfc3339(value) -> float:
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, (int, float)):
        return float(value)
    import datetime as _dt
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if "T" not in text:
        raise ValueError(text)
    moment = _dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment.timestamp()


class Problems:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def expect(self, ok: bool, message: str) -> None:
        if not ok:
            self.errors.append(message)


AST_STRINGS = set(AST_DISPOSITION.values()) | {"CANCEL", "UNKNOWN"}


def read_asterisk(path: str, columns: int, p: Problems):
    data = open(path, "rb").read()
    p.expect(data.endswith(b"\n"), "%s: no final newline" % path)
    events, malformed, rows = 0, 0, []
    for raw in data.split(b"\n")[:-1]:
        try:
            text = raw.decode("utf-8")
            fields = next(csv.reader([text], strict=True))
            if len(fields) != columns:
                raise ValueError("columns")
            start, end = parse_local(fields[9]), parse_local(fields[11])
            answer = parse_local(fields[10]) if fields[10] else None
            duration, billsec = int(fields[12]), int(fields[13])
            if columns == 21:
                int(fields[20])
        except (UnicodeDecodeError, ValueError, csv.Error):
            malformed += 1
            continue
        events += 1
        # exact cdr_csv quoting: strings quoted with "" doubled, integers bare, unanswered answer bare
        ints = {12, 13} | ({20} if columns == 21 else set())
        rebuilt = ",".join(f if i in ints else ("" if i == 10 and f == "" else q(f)) for i, f in enumerate(fields))
        p.expect(rebuilt == text, "%s: not cdr_csv quoting: %s" % (path, text[:80]))
        p.expect(duration == end - start, "%s: duration != end-start: %s" % (path, text[:80]))
        p.expect(billsec == (end - answer if answer else 0), "%s: billsec wrong: %s" % (path, text[:80]))
        p.expect(fields[14] in AST_STRINGS, "%s: disposition %r" % (path, fields[14]))
        p.expect((fields[14] == "ANSWERED") == (answer is not None), "%s: answer vs disposition" % path)
        clid, src = fields[4], fields[1]
        p.expect(clid == src or clid.endswith(" <%s>" % src), "%s: clid %r vs src %r" % (path, clid, src))
        call_id = fields[19] if columns == 21 else fields[16]
        rows.append(dict(call_id=call_id, start=start, raw=src, callee=fields[2], answered=answer is not None,
                         talk=billsec, asserted=None))
    return events, malformed, rows


FS_CAUSES = set(FS_CAUSE.values())


def read_freeswitch(path: str, p: Problems):
    data = open(path, "rb").read()
    events, malformed, rows = 0, 0, []
    for raw in data.split(b"\n")[:-1]:
        try:
            text = raw.decode("utf-8")
            fields = next(csv.reader([text], skipinitialspace=True, strict=True))
            if len(fields) != 13:
                raise ValueError("columns")
            start, end = parse_local(fields[4]), parse_local(fields[6])
            answer = parse_local(fields[5]) if fields[5] else None
            duration, billsec = int(fields[7]), int(fields[8])
        except (UnicodeDecodeError, ValueError, csv.Error):
            malformed += 1
            continue
        events += 1
        rebuilt = ",".join('"%s"' % v for v in fields[:12]) + ', "%s"' % fields[12]
        p.expect(rebuilt == text, "%s: not the default template: %s" % (path, text[:80]))
        p.expect(duration == end - start and billsec == (end - answer if answer else 0), "%s: times" % path)
        p.expect(fields[9] in FS_CAUSES, "%s: cause %r" % (path, fields[9]))
        p.expect((fields[9] == "NORMAL_CLEARING") == (billsec > 0), "%s: NORMAL_CLEARING needs billsec" % path)
        rows.append(dict(call_id=fields[10], start=start, raw=fields[1], callee=fields[2],
                         answered=answer is not None, talk=billsec, asserted=None))
    return events, malformed, rows


JSON_PHASES = {"started", "ringing", "answered", "ended", "failed", "cancelled"}
JSON_DISPOSITIONS = {"answered", "no-answer", "busy", "failed", "congestion", "cancelled", "rejected", "unknown"}


def read_jsonl(path: str, p: Problems):
    data = open(path, "rb").read()
    events, malformed, rows = 0, 0, []
    for raw in data.split(b"\n")[:-1]:
        try:
            obj = json.loads(raw.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            for key in ("call_id", "phase", "caller", "callee"):
                if not isinstance(obj.get(key), str):
                    raise ValueError("missing " + key)
            if obj["phase"] not in JSON_PHASES or obj.get("v", 1) != 1:
                raise ValueError("phase")
            t = parse_rfc3339(obj["time"])
            start = parse_rfc3339(obj["start"]) if "start" in obj else None
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            malformed += 1
            continue
        events += 1
        p.expect(obj.get("disposition", "unknown") in JSON_DISPOSITIONS, "%s: disposition" % path)
        for key in ("duration", "talk_time"):
            p.expect(key not in obj or isinstance(obj[key], int), "%s: %s type" % (path, key))
        p.expect("privacy" not in obj or isinstance(obj["privacy"], bool), "%s: privacy type" % path)
        rows.append(dict(call_id=obj["call_id"], time=t, start=start, phase=obj["phase"], raw=obj["caller"],
                         callee=obj["callee"], asserted=obj.get("asserted_identity"),
                         disposition=obj.get("disposition"), talk=obj.get("talk_time")))
    # fold events into calls: first event gives the start, the terminal one the outcome
    calls: dict[str, dict] = {}
    last_time: dict[str, float] = {}
    for r in rows:
        c = calls.setdefault(r["call_id"], dict(call_id=r["call_id"], start=int(r["start"] or r["time"]),
                                                 raw=r["raw"], callee=r["callee"], asserted=r["asserted"],
                                                 answered=False, talk=0, phases=[]))
        c["phases"].append(r["phase"])
        p.expect(r["time"] >= last_time.get(r["call_id"], 0), "%s: events of %s out of order" % (path, r["call_id"]))
        last_time[r["call_id"]] = r["time"]
        if r["phase"] in ("ended", "failed", "cancelled"):
            c["answered"] = r["disposition"] == "answered"
            c["talk"] = r["talk"] or 0
            p.expect(r["start"] is not None and int(r["start"]) == c["start"], "%s: start mismatch" % path)
    for c in calls.values():
        p.expect(c["phases"][0] == "started" and c["phases"][-1] in ("ended", "failed", "cancelled"),
                 "%s: %s phases %s" % (path, c["call_id"], c["phases"]))
    return events, malformed, list(calls.values())


def to_seen(rows: list[dict], p: Problems, path: str) -> list[Seen]:
    """Groups rows by call id (Asterisk linkedid), first row wins; normalises the caller."""
    grouped: dict[str, Seen] = {}
    for r in rows:
        if r["call_id"] in grouped:
            s = grouped[r["call_id"]]
            s.answered = s.answered or r["answered"]
            s.talk = max(s.talk, r["talk"])
            continue
        kind, value = normalise(r["raw"])
        identity = None
        if r.get("asserted"):
            a_kind, a_value = normalise(r["asserted"])
            identity = a_value if a_kind == "e164" else None
        if identity is None and kind == "e164":
            identity = value
        p.expect(kind != "invalid", "%s: caller %r is not a number" % (path, r["raw"]))
        if identity is not None and identity not in ALLOW_NUMBERS:
            p.expect(any(identity.startswith(d) and len(identity) == len(d) + 3 for d in DRAMA_E164),
                     "%s: %s is not an Ofcom drama number" % (path, identity))
        grouped[r["call_id"]] = Seen(r["call_id"], r["start"], r["raw"], identity,
                                     identity is None and kind != "ext", kind == "ext", r["callee"],
                                     r["answered"], r["talk"])
    return sorted(grouped.values(), key=lambda s: (s.start, s.call_id))


# ---- rough rule simulation -----------------------------------------------------------------

class Episode:
    def __init__(self, kind: str, key: tuple, caller: str | None, calls: list[Seen], step: int, threshold: int):
        self.kind, self.key, self.caller = kind, key, caller
        self.calls: list[Seen] = list(calls)
        self.first, self.last = calls[0].start, calls[-1].start
        self.step, self.threshold = step, threshold  # ladder step: 0 alert, 1 block
        self.stepped = False
        self.callers: set = set()

    def target(self) -> str:
        counts: dict[str, tuple[int, int]] = {}
        for c in self.calls:
            n, _ = counts.get(c.callee, (0, 0))
            counts[c.callee] = (n + 1, c.start)
        return max(counts.items(), key=lambda kv: kv[1])[0]


def ladder_action(kind: str, step: int, identity: str | None, customers: list[str]) -> str:
    action = ["alert", "block"][min(step, 1)]
    if action == "block" and kind == "anonymous":
        return "redirect"
    if action == "block" and identity in customers:
        return "review"
    return action


def simulate(calls: list[Seen], allow=ALLOW_NUMBERS, customers=KNOWN_CUSTOMERS, service=SERVICE_EXTENSIONS,
             retroactive=True, baseline=("bucket", "all")) -> list[dict]:
    results: list[Episode] = []
    offences: dict = defaultdict(list)

    def open_episode(kind, key, caller, window, threshold):
        prior = [t for t in offences[key] if window[-1].start - t <= REOFFENCE_MEMORY]
        offences[key].append(window[-1].start)
        ep = Episode(kind, key, caller, window, len(prior), threshold)
        results.append(ep)
        return ep

    def maybe_step(ep: Episode, size: int) -> None:
        if not ep.stepped and size >= 2 * ep.threshold:
            ep.step += 1
            ep.stepped = True

    counted = [c for c in calls if not c.internal and (c.identity is None or c.identity not in allow)]
    # repeat-caller
    burst_ids, late_burst_ids = set(), set()
    state: dict[str, dict] = {}
    for c in counted:
        if c.identity is None:
            continue
        st = state.setdefault(c.identity, {"recent": [], "ep": None})
        st["recent"] = [x for x in st["recent"] if c.start - x.start <= REPEAT_WINDOW] + [c]
        ep = st["ep"]
        if ep is not None and c.start - ep.last <= REPEAT_WINDOW:
            ep.calls.append(c)
            ep.last = c.start
            late_burst_ids.add(c.call_id)
            maybe_step(ep, len(ep.calls))
        elif len(st["recent"]) >= REPEAT_CALLS:
            ep = open_episode("repeat-caller", ("id", c.identity), c.identity, st["recent"], REPEAT_CALLS)
            maybe_step(ep, len(ep.calls))
            st["ep"] = ep
            late_burst_ids.add(c.call_id)
        else:
            st["ep"] = None
    for ep in results:
        burst_ids.update(x.call_id for x in ep.calls)
    # stalking
    excluded = burst_ids if retroactive else late_burst_ids
    pairs: dict = {}
    for c in counted:
        if c.identity is None or c.call_id in excluded:
            continue
        st = pairs.setdefault((c.identity, c.callee), {"calls": [], "ep": None})
        st["calls"] = [x for x in st["calls"] if c.start - x.start <= STALK_WINDOW] + [c]
        days = {x.start // DAY for x in st["calls"]}
        ep = st["ep"]
        if ep is not None and c.start - ep.last <= STALK_WINDOW:
            ep.calls.append(c)
            ep.last = c.start
        elif (len(st["calls"]) >= STALK_CALLS and len(days) >= STALK_MIN_DAYS) or len(days) >= STALK_DAYS:
            st["ep"] = open_episode("stalking", ("id", c.identity), c.identity, st["calls"], STALK_CALLS)
        else:
            st["ep"] = None
    # anonymous
    anon: dict = {}
    for c in counted:
        if not c.unidentified:
            continue
        st = anon.setdefault(c.callee, {"calls": [], "ep": None})
        st["calls"] = [x for x in st["calls"] if c.start - x.start <= ANON_WINDOW] + [c]
        ep = st["ep"]
        if ep is not None and c.start - ep.last <= ANON_WINDOW:
            ep.calls.append(c)
            ep.last = c.start
            maybe_step(ep, len(ep.calls))
        elif len(st["calls"]) >= ANON_CALLS:
            ep = open_episode("anonymous", ("ext", c.callee), None, st["calls"], ANON_CALLS)
            maybe_step(ep, len(ep.calls))
            st["ep"] = ep
        else:
            st["ep"] = None
    # number-hopping
    seen_numbers: set = set()
    first_call: dict[str, int] = {}
    shorts: dict = defaultdict(list)  # ext -> [(start, new number or None)]
    hop: dict = {}
    for c in calls:
        first_call.setdefault(c.callee, c.start)
        allowed = c.identity is not None and c.identity in allow
        is_new = c.identity is not None and not allowed and c.identity not in seen_numbers and not c.internal
        if c.identity is not None:
            seen_numbers.add(c.identity)
        if not c.short or allowed:
            continue
        shorts[c.callee].append((c.start, c.identity if is_new else None))
        if not is_new or c.callee in service:
            continue
        ep = hop.get(c.callee)
        if ep is not None and c.start - ep.last <= HOP_WINDOW:
            ep.calls.append(c)
            ep.callers.add(c.identity)
            ep.last = c.start
            continue
        window = [(s, n) for s, n in shorts[c.callee] if n and c.start - s <= HOP_WINDOW]
        distinct = {n for _, n in window}
        if len(distinct) < HOP_NUMBERS or c.start - first_call[c.callee] < HOP_HISTORY:
            continue
        history = [(s, n) for s, n in shorts[c.callee]
                   if c.start - STALK_WINDOW <= s < c.start - HOP_WINDOW and (baseline[1] == "all" or n)]
        if baseline[0] == "bucket":
            buckets = defaultdict(int)
            for s, _ in history:
                buckets[s // HOUR] += 1
            base = max(buckets.values(), default=0)
        else:
            times = [s for s, _ in history]
            base = max((bisect_right(times, s + HOP_WINDOW) - i for i, s in enumerate(times)), default=0)
        if len(distinct) < 2 * base:
            continue
        window_calls = [x for x in calls if x.callee == c.callee and x.identity in distinct
                        and c.start - x.start <= HOP_WINDOW and x.start <= c.start]
        ep = open_episode("number-hopping", ("ext-hop", c.callee), None, window_calls, HOP_NUMBERS)
        ep.callers = set(distinct)
        hop[c.callee] = ep
    out = []
    for ep in results:
        identity = ep.caller
        out.append(dict(kind=ep.kind, caller=identity,
                        callers=sorted(ep.callers) if ep.kind == "number-hopping" else ([identity] if identity else []),
                        target=ep.target() if ep.kind != "number-hopping" else ep.key[1],
                        action=ladder_action(ep.kind, ep.step, identity, customers),
                        first=ep.first, calls=len(ep.calls), ids={x.call_id for x in ep.calls}))
    out.sort(key=lambda d: (d["kind"], d["first"]))
    return out


def comparable(dets: list[dict]) -> list[tuple]:
    return [(d["kind"], d["caller"], tuple(d["callers"]), d["target"], d["action"]) for d in dets]


# ---- background margins --------------------------------------------------------------------

def max_in_window(times: list[int], width: int) -> int:
    times = sorted(times)
    return max((bisect_right(times, s + width) - i for i, s in enumerate(times)), default=0)


def margins(calls: list[Seen], detections: list[dict]) -> dict:
    planted = set().union(*[d["ids"] for d in detections]) if detections else set()
    planted_ids = {c for d in detections for c in d["callers"]}
    bg = [c for c in calls if c.call_id not in planted and c.identity not in planted_ids
          and (c.identity is None or c.identity not in ALLOW_NUMBERS)]
    by_id, by_pair, withheld = defaultdict(list), defaultdict(list), defaultdict(list)
    for c in bg:
        if c.identity is not None:
            by_id[c.identity].append(c.start)
            by_pair[(c.identity, c.callee)].append(c.start)
        if c.unidentified:
            withheld[c.callee].append(c.start)
    seen, new_short = set(), defaultdict(list)
    bg_ids = {c.call_id for c in bg}
    for c in calls:
        is_new = c.identity is not None and c.identity not in seen and not c.internal
        if c.identity is not None:
            seen.add(c.identity)
        if c.call_id in bg_ids and is_new and c.short and c.callee not in SERVICE_EXTENSIONS:
            new_short[c.callee].append(c.start)
    return {
        "background calls": len(bg),
        "max calls by one number in 30 min (rule 5)": max((max_in_window(v, REPEAT_WINDOW) for v in by_id.values()), default=0),
        "max calls by one number to one extension in 7 days (rule 8)": max((max_in_window(v, STALK_WINDOW) for v in by_pair.values()), default=0),
        "max distinct days one number called one extension (rule 4)": max((len({t // DAY for t in v}) for v in by_pair.values()), default=0),
        "max withheld calls to one extension in 60 min (anonymous rule 3/30 min)": max((max_in_window(v, HOUR) for v in withheld.values()), default=0),
        "max new short/unanswered callers to one personal extension in 60 min (rule 4)": max((max_in_window(v, HOUR) for v in new_short.values()), default=0),
    }


MARGIN_LIMITS = {
    "max calls by one number in 30 min (rule 5)": 3,
    "max calls by one number to one extension in 7 days (rule 8)": 5,
    "max distinct days one number called one extension (rule 4)": 3,
    "max withheld calls to one extension in 60 min (anonymous rule 3/30 min)": 1,
    "max new short/unanswered callers to one personal extension in 60 min (rule 4)": 2,
}

CAPTURES = [
    ("cdr/asterisk/week.csv", "cdr/asterisk/week.expected.json", "asterisk-csv", 17),
    ("cdr/asterisk/newcdrcolumns.csv", "cdr/asterisk/newcdrcolumns.expected.json", "asterisk-csv", 21),
    ("cdr/freeswitch/day.csv", "cdr/freeswitch/day.expected.json", "freeswitch-csv", 13),
    ("cdr/jsonl/day.jsonl", "cdr/jsonl/day.expected.json", "jsonl", 0),
]


def check(root: str) -> int:
    p = Problems()
    fresh = build_all()
    for rel, data in fresh.items():
        on_disk = open(os.path.join(root, rel), "rb").read() if os.path.exists(os.path.join(root, rel)) else None
        p.expect(on_disk == data, "%s differs from a fresh generation (regenerate and commit)" % rel)
    for rel, side_rel, fmt, columns in CAPTURES:
        path = os.path.join(root, rel)
        side = json.load(open(os.path.join(root, side_rel)))
        if fmt == "asterisk-csv":
            events, malformed, rows = read_asterisk(path, columns, p)
        elif fmt == "freeswitch-csv":
            events, malformed, rows = read_freeswitch(path, p)
        else:
            events, malformed, rows = read_jsonl(path, p)
        calls = to_seen(rows, p, path)
        p.expect(side["format"] == fmt and side["config"] == CONFIG, "%s: sidecar header" % side_rel)
        for key, value in (("events", events), ("calls", len(calls)), ("malformed", malformed)):
            p.expect(side[key] == value, "%s: %s is %s, file has %s" % (side_rel, key, side[key], value))
        dets = simulate(calls)
        want = [(d["kind"], d["caller"], tuple(d["callers"]), d["target"], d["action"]) for d in side["detections"]]
        p.expect(comparable(dets) == want, "%s: simulated %s\n    sidecar   %s" % (side_rel, comparable(dets), want))
        print("\n== %s (%s)" % (rel, fmt))
        print("   events %d, calls %d, malformed %d  (sidecar: %d, %d, %d)"
              % (events, len(calls), malformed, side["events"], side["calls"], side["malformed"]))
        for d in dets:
            print("   detection %-15s caller=%-14s target=%s action=%-6s calls=%2d first=%s callers=%s"
                  % (d["kind"], d["caller"], d["target"], d["action"], d["calls"], local_text(d["first"]),
                     ",".join(d["callers"]) if d["kind"] == "number-hopping" else ""))
        m = margins(calls, dets)
        for key, value in m.items():
            limit = MARGIN_LIMITS.get(key)
            flag = "" if limit is None or value <= limit else "   <-- OVER"
            print("   %-78s %4d%s" % (key, value, "" if limit is None else " (limit %d)%s" % (limit, flag)))
            if limit is not None:
                p.expect(value <= limit, "%s: background margin %s = %d > %d" % (rel, key, value, limit))
        # variants: the outcome must not hang on details the rules leave open
        for variant in [("bucket", "new"), ("sliding", "all"), ("sliding", "new")]:
            other = comparable(simulate(calls, baseline=variant))
            p.expect(other == comparable(dets), "%s: hopping baseline %s changes the result: %s" % (rel, variant, other))
        no_service = [d for d in simulate(calls, service=[]) if d["target"] == QUEUE]
        no_service += [d for v in [("sliding", "new"), ("bucket", "new")] for d in simulate(calls, service=[], baseline=v)
                       if d["target"] == QUEUE]
        p.expect(not no_service, "%s: queue 1200 is flagged when not a service extension" % rel)
        non_retro = comparable(simulate(calls, retroactive=False))
        if non_retro != comparable(dets):
            extra = sorted(set(non_retro) - set(comparable(dets)))
            p.warnings.append("%s: if a detector excludes only calls made while a repeat-caller episode is already "
                              "open (not the burst's first %d calls), it also reports %s"
                              % (rel, REPEAT_CALLS - 1, extra))
        no_allow = sorted(set(comparable(simulate(calls, allow=[]))) - set(comparable(dets)))
        no_customers = sorted(set(comparable(simulate(calls, customers=[]))) - set(comparable(dets)))
        if no_allow:
            p.notes.append("%s: without the allow list it would also report %s" % (rel, no_allow))
        if no_customers:
            p.notes.append("%s: without the customer list it would report %s" % (rel, no_customers))
        stats(rel, calls, rows)
    print()
    for n in p.notes:
        print("note:", n)
    for w in p.warnings:
        print("WARNING:", w)
    for e in p.errors:
        print("ERROR:", e)
    print("\ncheck %s: %d error(s), %d warning(s)" % ("FAILED" if p.errors else "passed", len(p.errors), len(p.warnings)))
    return 1 if p.errors else 0


def stats(rel: str, calls: list[Seen], rows: list[dict]) -> None:
    per_day = defaultdict(int)
    for c in calls:
        per_day[time.strftime("%a", time.gmtime(c.start))] += 1
    queue_hours = defaultdict(set)  # first-time callers per office hour at the queue
    seen: set = set()
    for c in calls:
        g = time.gmtime(c.start)
        office = (9 <= g.tm_hour < 17) if g.tm_wday < 5 else (10 <= g.tm_hour < 14)
        if c.callee == QUEUE and c.identity and c.identity not in seen and office:
            queue_hours[c.start // HOUR].add(c.identity)
        if c.identity:
            seen.add(c.identity)
    busy = [len(v) for v in queue_hours.values()]
    forms = defaultdict(int)
    for r in rows:
        raw = r["raw"]
        forms["+44" if raw.startswith("+44") else "0044" if raw.startswith("0044") else
              "withheld" if normalise(raw)[0] == "unidentified" else "extension" if normalise(raw)[0] == "ext" else
              "national"] += 1
    print("   calls per day: %s" % ", ".join("%s %d" % kv for kv in per_day.items()))
    print("   first-time callers per office hour at 1200: min %d, max %d over %d hours; extensions called: %d"
          % (min(busy, default=0), max(busy, default=0), len(busy), len({c.callee for c in calls})))
    print("   caller forms: %s; answered %d%%, asserted-identity calls %d"
          % (", ".join("%s %d" % kv for kv in sorted(forms.items())),
             100 * sum(c.answered for c in calls) // max(1, len(calls)),
             sum(1 for r in rows if r.get("asserted"))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the written captures instead of writing them")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(HERE))
    write_all()
