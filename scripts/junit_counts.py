#!/usr/bin/python3
"""Prints "N passed, M failed, K skipped" counted from JUnit XML reports of ctest and pytest.

Usage: junit_counts.py KIND REPORT STATUS [KIND REPORT STATUS]...   (KIND: ctest or pytest; STATUS: the runner's
exit status). ctest: status "run" passed, "fail" failed; "notrun" is skipped when a test asked for it
(SKIP_RETURN_CODE, or GTEST_SKIP through the SKIP_REGULAR_EXPRESSION of gtest_discover_tests) and failed
otherwise (a missing executable or fixture, as ctest itself counts it); "disabled" is skipped. pytest: a
<failure> or <error> failed, <skipped> skipped. A runner that failed without writing its report counts as one
failure.
"""
import sys
import xml.etree.ElementTree as ET


def ctest_outcome(case):
    status = case.get("status")
    if status == "run":
        return "passed"
    if status == "disabled":
        return "skipped"
    skipped = case.find("skipped")
    if status == "notrun" and skipped is not None and skipped.get("message", "").startswith("SKIP_"):
        return "skipped"
    return "failed"


def pytest_outcome(case):
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def main(args):
    outcome_of = {"ctest": ctest_outcome, "pytest": pytest_outcome}
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for kind, path, status in zip(args[0::3], args[1::3], args[2::3]):
        try:
            cases = ET.parse(path).getroot().iter("testcase")
        except (OSError, ET.ParseError):
            if status != "0":
                counts["failed"] += 1
            continue
        for case in cases:
            counts[outcome_of[kind](case)] += 1
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
