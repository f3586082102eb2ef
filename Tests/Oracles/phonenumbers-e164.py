#!/usr/bin/env python3
"""Oracle for NumberPlanOracleTests: libphonenumber's parser (the PyPI `phonenumbers` port).

Reads lines "REGION<TAB>TEXT" on stdin and writes, per line, the E.164 form phonenumbers gives
(`phonenumbers.parse(text, region)` then `format_number(..., E164)`) or "ERROR <reason>".
Exits 3 when phonenumbers is not installed, so the test can say why it skips.
"""
import sys

try:
    import phonenumbers
except ImportError:
    sys.exit(3)

for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    region, _, text = line.partition("\t")
    try:
        number = phonenumbers.parse(text, region)
        print(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    except phonenumbers.NumberParseException as error:
        print("ERROR " + str(error).replace("\n", " "))
