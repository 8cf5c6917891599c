#!/usr/bin/env python3
"""Writes the small curated seed corpus under fuzz/seeds/<target>/ (committed).

Run from the repository root: python3 fuzz/make_seeds.py
Whole files already under tests/fixtures/ (the workbooks, the CSV folders, the bad corpus)
are not copied: the fuzz run command and tests/fuzz_corpus.rs read them from there. This script
writes what the structured targets need: sheet XML, ODS content.xml, date texts, header lines,
mapping documents, and multi-file inputs for the analyze target.
"""
import os
import struct
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
FIX = os.path.join(ROOT, "tests", "fixtures")
PART = b"\n@@PART@@\n"
FILE = b"\n@@FILE@@\n"


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    bad = os.path.join(FIX, "bad")
    for n in sorted(os.listdir(bad)):
        if n.endswith(".csv"):
            with open(os.path.join(bad, n), "rb") as f:
                write("csv", n, f.read())
    with zipfile.ZipFile(os.path.join(FIX, "journey.xlsx")) as z:
        sst = z.read("xl/sharedStrings.xml")
        styles = z.read("xl/styles.xml")
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                base = os.path.basename(n)[:-4]
                write("xlsx_sheet_xml", "journey_" + base, z.read(n) + PART + sst + PART + styles)
    with zipfile.ZipFile(os.path.join(FIX, "leap_bug.xlsx")) as z:
        write("xlsx_sheet_xml", "leap_bug",
              z.read("xl/worksheets/sheet1.xml") + PART + z.read("xl/sharedStrings.xml")
              + PART + z.read("xl/styles.xml"))
    write("xlsx_sheet_xml", "inline_and_errors",
          '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>child_id</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>start_date</t></is></c><c r="C1" t="inlineStr"><is>'
          '<t>placement_type</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>C1</t>'
          '</is></c><c r="B2" s="1"><v>44000</v></c><c r="C2" t="e"><v>#N/A</v></c></row>'
          '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="d"><v>2021-03-04T00:00:00</v></c>'
          '<c r="C3" t="str"><f>A1</f><v>Foster</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(os.path.join(FIX, "journey.ods")) as z:
        write("ods_content_xml", "journey", z.read("content.xml"))
    for i, text in enumerate([
        "04/03/2021", "2021-03-04", "4 Mar 2021", "Thursday 4th March 2021", "March 4, 2021",
        "03/25/2021", "31/02/2021", "29/02/2023", "20210304", "04-MAR-21",
        "2021-03-04T10:00:00", "04/03/2021 12:30:00 PM", "1/2/3/4", "31/12/9999", "01/01/0000",
        "44259", "-5", "4-Sept-2021",
    ]):
        write("date", "text_%02d" % i, text)
    for i, serial in enumerate([44259.0, 60.0, 61.0, 0.0, -1.0, 2958465.0, 2958466.0, 1e300,
                                float("nan"), 59.999]):
        write("date", "serial_%02d" % i, struct.pack("<d", serial))
    for i, text in enumerate([
        "child_id\tstart_date\tend_date\tplacement_type\tcarer\tlegal_status",
        "Report title\n\nChild ID,Placement start,Placement end,Type of placement\nC1,Foster",
        "child_id,date,event,detail\nC1,LAC review,Permanence panel,ADM decision,Order granted",
        "Child Ref,DOB,Gender,Team\nU4,C2,V2,E1,J2,P1,A5,Kinship carers,S20",
        "id,from,to,status\nInterim care order,Placement order,Special guardianship order",
    ]):
        write("header", "rows_%02d" % i, text)
    for i, text in enumerate([
        '{"version":1,"tables":[{"file":"placements.csv","kind":"placements","header_row":3,'
        '"columns":{"start_date":"Start date","carer":"E"}}],"labels":{"placement_type":'
        '{"Gran\'s house":"kinship"},"legal_status":{"S83 PO":"adoption_authority"},"event":'
        '{"Looked After Review (2nd)":"lac_review"}}}',
        '{"tables":[{"sheet":"Lookups","kind":"ignore"},{"header_row":1}]}',
        '{"tables":[{"kind":"events","columns":{"child_id":"A","date":"ZZZ","event":"C"}}]}',
        '{"tables":[{"file":"events.csv","columns":{"detail":"XFD"}}]}',
        '{}',
    ]):
        write("mapping", "mapping_%02d" % i, text)
    csvs = {}
    for t in ["children", "placements", "legal", "events"]:
        with open(os.path.join(FIX, "csv_utf8", t + ".csv"), "rb") as f:
            csvs[t] = f.read()
    write("analyze", "csv_tables", FILE.join(csvs[t] for t in ["placements", "events", "legal", "children"]))
    with open(os.path.join(FIX, "journey.xlsx"), "rb") as f:
        xlsx = f.read()
    with open(os.path.join(FIX, "journey.xls"), "rb") as f:
        xls = f.read()
    with open(os.path.join(FIX, "journey.ods"), "rb") as f:
        ods = f.read()
    write("analyze", "all_formats", FILE.join([csvs["placements"], xlsx, xls, ods]))


if __name__ == "__main__":
    main()
