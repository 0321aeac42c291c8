#!/usr/bin/env python3
"""gen-dataset.py — a large, realistic SQLite database for benchmarks (scripts/run-bench.sh).

    bench/gen-dataset.py --bin build/finestreta DB.sqlite [--offices 20] [--procedures 200]
                         [--days 90] [--appointments 100000] [--seed 1]

Creates DB (it must not exist) with the server's own migrations (`finestreta migrate`), then adds
what a mid-sized city has after a release: OFFICES citizen offices open on weekdays 08:30-14:30,
PROCEDURES procedures each offered at five offices (so every office offers about fifty), one
in-person rule per office (09:00-14:00, 15-minute slots, 6 seats, DAYS
days ahead, one hour's notice) and its slots for the next DAYS days exactly as the schedule
materialises them (the server's own recompute keeps them: same rule, hours and seats), and
APPOINTMENTS booked appointments of distinct people spread over those slots, each slot's
counters equal to its appointments. Prints what it made and a query to ask:
    service=CODE office=CODE
Bookings go through SQL here (the API would take minutes for 100,000); the counters and
appointments obey the same invariant the booking code keeps (booked <= capacity).
"""
import argparse
import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
TZ = ZoneInfo("Europe/Madrid")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--bin", default="build/finestreta")
    ap.add_argument("--offices", type=int, default=20)
    ap.add_argument("--procedures", type=int, default=200)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--appointments", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.db):
        sys.exit(f"gen-dataset: {a.db} exists; give a new file")
    subprocess.run([a.bin, "migrate", "--db", "sqlite:" + a.db], check=True, stdout=subprocess.DEVNULL)
    rnd = random.Random(a.seed)
    now = int(time.time())
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA journal_mode=WAL")
    cur = db.cursor()

    cur.execute("INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
                "VALUES ('bench-city', 'Ajuntament', 'Ayuntamiento', 'City hall', ?, ?)", (now, now))
    org = cur.lastrowid
    offices = []
    for i in range(a.offices):
        code = f"office-{i + 1:02d}"
        cur.execute("INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, address, city, tz, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'citizen_office', ?, 'Bench', "
                    "'Europe/Madrid', ?, ?)",
                    (org, code, f"Oficina {i + 1}", f"Oficina {i + 1}", f"Office {i + 1}",
                     f"Carrer {i + 1}", now, now))
        offices.append((cur.lastrowid, code))
    today = dt.datetime.fromtimestamp(now, TZ).date()
    for oid, _ in offices:
        for wd in range(1, 6):
            cur.execute("INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
                        "VALUES (?, ?, 510, 870, ?)", (oid, wd, today.isoformat()))
    procs = []
    offered = {oid: [] for oid, _ in offices}
    for i in range(a.procedures):
        code = f"procedure-{i + 1:03d}"
        cur.execute("INSERT INTO procedures (code, name_ca, name_es, name_en, category, id_methods, channels, "
                    "duration_min, created_at, updated_at) VALUES (?, ?, ?, ?, 'bench', 'none', 'in_person', "
                    "15, ?, ?)", (code, f"Tràmit {i + 1}", f"Trámite {i + 1}", f"Procedure {i + 1}", now, now))
        pid = cur.lastrowid
        procs.append((pid, code))
        for oid, _ in rnd.sample(offices, min(5, len(offices))):
            cur.execute("INSERT INTO procedure_offices (procedure_id, office_id) VALUES (?, ?)", (pid, oid))
            offered[oid].append(pid)

    # One rule per office and its slots, as the schedule materialises them.
    slots = []  # (id, office_id, start_at)
    for oid, _ in offices:
        cur.execute("INSERT INTO availability_rules (office_id, channel, weekdays, every_weeks, valid_from, "
                    "start_min, end_min, slot_min, capacity, staff_share, horizon_days, min_notice_min, "
                    "created_at, updated_at) VALUES (?, 'in_person', '1,2,3,4,5', 1, ?, 540, 840, 15, 6, 0, "
                    "?, 60, ?, ?)", (oid, today.isoformat(), a.days, now, now))
        rid = cur.lastrowid
        for d in range(a.days + 1):
            day = today + dt.timedelta(days=d)
            if day.isoweekday() > 5:
                continue
            release = int(dt.datetime.combine(day - dt.timedelta(days=a.days), dt.time(0, 0), TZ).timestamp())
            for m in range(540, 840, 15):
                start = dt.datetime.combine(day, dt.time(m // 60, m % 60), TZ)
                sa = int(start.timestamp())
                if sa < now:
                    continue
                cur.execute("INSERT INTO slots (rule_id, office_id, channel, day, start_at, end_at, capacity, "
                            "staff_capacity, release_at) VALUES (?, ?, 'in_person', ?, ?, ?, 6, 0, ?)",
                            (rid, oid, day.isoformat(), sa, sa + 900, release))
                slots.append([cur.lastrowid, oid, sa, 0])

    # Appointments: distinct people on random slots with a seat left.
    seats = sum(6 for _ in slots)
    n = min(a.appointments, seats)
    codes = set()
    open_slots = list(range(len(slots)))
    rows = []
    for k in range(n):
        j = rnd.randrange(len(open_slots))
        s = slots[open_slots[j]]
        s[3] += 1
        if s[3] == 6:
            open_slots[j] = open_slots[-1]
            open_slots.pop()
        while True:
            code = "".join(rnd.choice(CODE_ALPHABET) for _ in range(8))
            if code not in codes:
                codes.add(code)
                break
        num = 20000000 + k
        rows.append((code, "%064x" % rnd.getrandbits(256), s[0], s[1], rnd.choice(offered[s[1]] or [procs[0][0]]),
                     s[2], s[2] + 900, f"Persona {num}", f"{num:08d}{DNI_LETTERS[num % 23]}",
                     f"p{num}@example.org", now, now))
    cur.executemany("INSERT INTO appointments (code, token_hash, slot_id, office_id, procedure_id, channel, "
                    "start_at, end_at, name, id_type, id_number, email, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'in_person', ?, ?, ?, 'dni', ?, ?, ?, ?)", rows)
    cur.executemany("UPDATE slots SET booked = ? WHERE id = ?", [(s[3], s[0]) for s in slots if s[3]])
    db.commit()
    # The query to ask: the procedure offered at the first office with the most slots left.
    pid = offered[offices[0][0]][0] if offered[offices[0][0]] else procs[0][0]
    pcode = next(c for i, c in procs if i == pid)
    print(f"offices={len(offices)} procedures={len(procs)} slots={len(slots)} appointments={n}")
    print(f"service={pcode} office={offices[0][1]}")


if __name__ == "__main__":
    main()
