#!/usr/bin/env python3
"""Writes two Asterisk Master.csv files of the same size for the DoS-hour benchmark (issue 14):

  normal.csv  an ordinary busy hour: callers drawn from a large pool, a few of them repeat callers;
  dos.csv     a telephony DoS hour: 2,000 attack numbers calling again and again (each opens a
              repeat-caller episode that escalates), spoofed numbers that never repeat hammering a few
              extensions with unanswered calls, and some ordinary traffic in between.

Usage: make-dos-hour.py DIR [LINES]   (default 100,000 lines per file, spread over one hour: tens of
calls per second)

Numbers are synthetic only: Ofcom's drama ranges (07700 900xxx, 020 7946 0xxx, ...) and the North
American fictional range NXX-555-01xx across area codes (+1 NPA 555 01xx), never assigned to anyone.
Deterministic (seeded). Same line format as make-master-csv.py (17 columns, loguniqueid=yes).
"""
import os
import random
import sys
from datetime import datetime, timedelta

directory = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
start = datetime(2026, 1, 12, 8, 0, 0)
hour_seconds = 3600
uk_ranges = ["07700900", "02079460", "01134960", "01144960", "01154960", "01174960", "01214960", "01614960"]
area_codes = [npa for npa in range(201, 990) if npa % 100 != 11 and npa // 10 % 10 != 9]  # no N11, no N9X


def fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def uk(prefix, n):
    return prefix + str(n).zfill(11 - len(prefix))


def fictional_na(n):
    """The n-th number of the fictional North American pool: +1 NPA 555 0100..0199."""
    return f"+1{area_codes[n // 100 % len(area_codes)]}55501{n % 100:02d}"


ordinary_pool = [uk(prefix, n) for prefix in uk_ranges[2:] for n in range(1000)] + [
    fictional_na(n) for n in range(len(area_codes) * 100)
]
attack_numbers = [uk(prefix, n) for prefix in uk_ranges[:2] for n in range(1000)]  # exactly 2,000


def write(path, calls):
    """calls: (caller, callee, disposition, duration) in time order, spread evenly over the hour."""
    with open(path, "w") as out:
        for index, (caller, callee, disposition, duration) in enumerate(calls):
            moment = start + timedelta(seconds=index * hour_seconds // len(calls))
            billsec = max(0, duration - 5) if disposition == "ANSWERED" else 0
            answer = f'"{fmt(moment + timedelta(seconds=5))}"' if disposition == "ANSWERED" else ""
            out.write(
                f'"","{caller}","{callee}","from-trunk","""Caller {index % 97}"" <{caller}>","PJSIP/trunk-{index:08x}",'
                f'"PJSIP/{callee}-{index:08x}","Dial","PJSIP/{callee},30","{fmt(moment)}",{answer},'
                f'"{fmt(moment + timedelta(seconds=duration))}",{duration},{billsec},"{disposition}","DOCUMENTATION",'
                f'"{1768204800 + index // 1000}.{index}"\n'
            )


def ordinary_call(rng, pool=ordinary_pool):
    caller = "07700900999" if rng.random() < 0.001 else rng.choice(pool)  # one burst caller
    disposition = rng.choices(["ANSWERED", "NO ANSWER", "BUSY", "FAILED"], [0.7, 0.2, 0.05, 0.05])[0]
    return caller, str(1000 + rng.randrange(0, 300)), disposition, rng.randrange(5, 600)


def normal_hour(rng):
    return [ordinary_call(rng) for _ in range(total)]


def dos_hour(rng):
    """About half attack calls, 40% spoofed never-repeating numbers, 10% ordinary traffic (from the UK
    ranges only, so that no spoofed number ever comes twice)."""
    uk_pool = ordinary_pool[:6000]
    spoofed_count = total * 2 // 5
    if spoofed_count > 900_000:
        sys.exit("too many lines for the spoofed pool")
    spoofed = iter(range(spoofed_count))
    targets = [str(1000 + n) for n in range(0, 300, 6)]  # 50 targeted staff extensions
    calls = []
    for _ in range(total):
        roll = rng.random()
        if roll < 0.5:
            caller = rng.choice(attack_numbers)
            calls.append((caller, rng.choice(targets), rng.choice(["NO ANSWER", "BUSY", "ANSWERED"]), rng.randrange(1, 8)))
        elif roll < 0.9:
            n = next(spoofed, None)
            if n is None:
                calls.append(ordinary_call(rng, uk_pool))
                continue
            # +1 NPA 555 01xx is 100 numbers per area code; beyond the pool, vary the exchange (still 555).
            caller = f"+1{area_codes[n // 100 % len(area_codes)]}555{n // (100 * len(area_codes)) + 1:02d}{n % 100:02d}"
            calls.append((caller, rng.choice(targets[:5]), "NO ANSWER", rng.randrange(1, 4)))
        else:
            calls.append(ordinary_call(rng, uk_pool))
    return calls


os.makedirs(directory, exist_ok=True)
write(os.path.join(directory, "normal.csv"), normal_hour(random.Random(20261207)))
write(os.path.join(directory, "dos.csv"), dos_hour(random.Random(20261208)))
