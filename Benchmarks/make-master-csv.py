#!/usr/bin/env python3
"""Writes a synthetic Asterisk Master.csv (17 columns, loguniqueid=yes) for benchmarks.

Usage: make-master-csv.py PATH [LINES]   (default 1,000,000 lines)

Callers are drawn from Ofcom's drama ranges (never assigned to anyone); about one call in a
thousand belongs to a burst caller so detection has work to do. Deterministic (seeded).
"""
import random
import sys
from datetime import datetime, timedelta

path = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(20260112)
ranges = ["07700900", "02079460", "01134960", "01144960", "01154960", "01174960", "01214960", "01614960"]
start = datetime(2026, 1, 12, 8, 0, 0)
dispositions = [("ANSWERED", 0.7), ("NO ANSWER", 0.2), ("BUSY", 0.05), ("FAILED", 0.05)]

def fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")

with open(path, "w") as out:
    moment = start
    for index in range(total):
        moment += timedelta(seconds=rng.choice((0, 1, 1, 2)))
        if rng.random() < 0.001:
            caller = "07700900999"  # a burst caller
        else:
            prefix = rng.choice(ranges)
            caller = prefix + str(rng.randrange(0, 10 ** (11 - len(prefix)))).zfill(11 - len(prefix))
        callee = str(1000 + rng.randrange(0, 300))
        roll, disposition = rng.random(), "ANSWERED"
        for name, weight in dispositions:
            if roll < weight:
                disposition = name
                break
            roll -= weight
        duration = rng.randrange(5, 600)
        billsec = duration - 5 if disposition == "ANSWERED" else 0
        answer = f'"{fmt(moment + timedelta(seconds=5))}"' if disposition == "ANSWERED" else ""
        out.write(
            f'"","{caller}","{callee}","from-trunk","""Caller {index % 97}"" <{caller}>","PJSIP/trunk-{index:08x}",'
            f'"PJSIP/{callee}-{index:08x}","Dial","PJSIP/{callee},30","{fmt(moment)}",{answer},'
            f'"{fmt(moment + timedelta(seconds=duration))}",{duration},{billsec},"{disposition}","DOCUMENTATION",'
            f'"{1768204800 + index // 1000}.{index}"\n'
        )
