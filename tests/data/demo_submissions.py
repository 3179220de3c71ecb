#!/usr/bin/env python3
"""Writes the demo's sample submissions for a generated key: answers as
students write them (right, partly right, typical mistakes, other units and
notations), so that `make demo` grades realistic files whatever the
database's secret made the values. Usage: demo_submissions.py KEY.xml DIR"""
import os, sys
import xml.etree.ElementTree as ET

NS = {"k": "urn:ionsheet:answer-key:2"}

def parts(student):
    for problem in student.findall("k:problem", NS):
        for part in problem.findall("k:part", NS):
            yield part

def right(part, style=0):
    kind, value = part.get("kind"), part.get("value")
    if kind != "numeric":
        return value.upper() if style else value
    v, unit = float(value), part.get("unit")
    if style == 1 and unit == "mV":           # in volts, e notation
        return f"{v / 1000:.4e} V"
    if style == 2:                             # decimal comma, Unicode minus
        return f"{v:.4g}".replace(".", ",").replace("-", "\u2212") + f" {unit}"
    return f"{v:.4g} {unit}"

def mistaken(part):
    mistakes = [m for m in part.get("mistakes", "").split() if m != "-"]
    if mistakes:
        m = mistakes[0]
        return m if part.get("kind") != "numeric" else f"{float(m):.4g} {part.get('unit')}"
    if part.get("kind") == "numeric":
        return f"{-float(part.get('value')):.4g} {part.get('unit')}"
    return "none"

def write(path, worksheet, student, answers):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {worksheet}, {student.get('name')}\nworksheet: {worksheet}\nstudent: {student.get('id')}\n")
        for pid, answer in answers:
            f.write(f"{pid}: {answer}\n")

def main():
    key, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    root = ET.parse(key).getroot()
    worksheet = root.get("worksheet")
    students = root.findall("k:student", NS)
    plans = [
        ("all right", lambda i, p: right(p)),
        ("all right, in other units and notations", lambda i, p: right(p, 1 + i % 2)),
        ("partly right", lambda i, p: right(p) if i % 2 == 0 else mistaken(p)),
        ("typical mistakes", lambda i, p: mistaken(p)),
        ("the first half only", lambda i, p: right(p) if i < 4 else ""),
    ]
    for student, (label, plan) in zip(students, plans):
        answers = [(p.get("id"), plan(i, p)) for i, p in enumerate(parts(student))]
        write(os.path.join(out, student.get("id") + ".txt"), worksheet, student, answers)
        print(f"  {student.get('id')}.txt: {label}")
    with open(os.path.join(out, "broken.txt"), "wb") as f:   # not an answer file at all
        f.write(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    print("  broken.txt: a broken file (refused)")

if __name__ == "__main__":
    main()
