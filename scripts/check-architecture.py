#!/usr/bin/env python3
"""The service's modules and the arrows allowed between them, checked against the code.

Also: SQL is written in Storage only, and the pure modules import no I/O library.

Every `import` of one of our modules in Sources/ must follow an arrow below (a module may use
what is below it, never what is above it), and so must every target dependency in
Package.swift. A new arrow is a design change: add it here and to docs/architecture.md, or move
the code. Exit 0 when everything follows the arrows, 1 with each offence as file:line when not.
    scripts/check-architecture.py            (make test and make unit run it)
"""
import os
import re
import sys

# Module -> the modules of ours it may import. Top to bottom: nothing may point upwards.
ALLOWED = {
    "hms-ops": {"SLAService", "DemoService", "HTTPAPI", "SLOEngine", "CostEngine", "Backfill", "Ingest", "Storage", "Config",
                "Exposition", "Core", "CostModel"},
    "SLAService": {"DemoService", "HTTPAPI", "SLOEngine", "CostEngine", "Backfill", "Ingest", "Storage", "Config", "Exposition",
                   "Core"},
    "DemoService": {"HTTPAPI", "Config", "Core"},
    "HTTPAPI": {"SLOEngine", "Ingest", "Storage", "Config", "Exposition", "Core", "Widgets", "ReportGen"},
    "Backfill": {"Ingest", "Storage", "Config", "Exposition", "Core"},
    "SLOEngine": {"Storage", "Config", "Exposition", "Core", "CostModel"},
    "CostEngine": {"Storage", "Config", "Core", "CostModel"},
    "Ingest": {"Storage", "Config", "Exposition", "Core"},
    "Storage": {"Config", "Exposition", "Core"},
    "Config": {"Core", "CostModel"},
    "Exposition": {"Core"},
    "Core": set(),
    # Pure libraries: no I/O; costs and reports may use the shared vocabulary (days, months,
    # time spans).
    "CostModel": {"Core"},
    "Widgets": set(),
    "ReportGen": {"Core"},
}
OURS = set(ALLOWED)
# Modules that do no network or database I/O, and the outside libraries they may import (the
# standard library and Foundation always): a pure module that starts importing NIO, Hummingbird
# or PostgreSQL's driver has grown I/O, which belongs in a module above it.
PURE = {
    "Core": {"CProcessShims", "Crypto"},
    "Exposition": set(),
    "Config": {"Yams"},
    "CostModel": set(),
    "Widgets": set(),
    "ReportGen": set(),
}
# The same, as Package.swift names them (its product constants).
PURE_PRODUCTS = {"Core": {"crypto"}, "Config": {"yams"}}
ALWAYS = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Synchronization", "Dispatch", "Swift", "_Concurrency"}
# The C shims are leaves anyone below the composition may use.
LEAVES = {"CProcessShims", "CZlib"}
# Targets outside the service that may use any of it: benchmarks and the tests' shared helpers.
OUTSIDE = {"parse-bench", "slo-bench", "TestSupport"}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def module_dirs():
    """Module name -> its source folder, as Package.swift's layout puts them."""
    dirs = {"hms-ops": "Sources/hms-ops", "SLAService": "Sources/SLAService/App", "CostModel": "Sources/CostModel",
            "Widgets": "Sources/Widgets", "ReportGen": "Sources/ReportGen"}
    for name in ALLOWED:
        dirs.setdefault(name, f"Sources/SLAService/{name}")
    return dirs


def statements(handle):
    """(line number, statement) for each `;`-separated statement of each line."""
    for number, line in enumerate(handle, 1):
        for statement in line.split(";"):
            yield number, statement


def check_sources(offences):
    for module, folder in module_dirs().items():
        path = os.path.join(ROOT, folder)
        if not os.path.isdir(path):
            offences.append(f"{folder}: the folder of module {module} is missing")
            continue
        for directory, _, names in os.walk(path):
            for name in sorted(names):
                if not name.endswith(".swift"):
                    continue
                file = os.path.join(directory, name)
                with open(file, encoding="utf-8") as handle:
                    for number, line in statements(handle):
                        found = re.match(r"^\s*(?:@[\w]+(?:\([^)]*\))?\s+|(?:public|package|internal|private|fileprivate)\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", line)
                        if not found:
                            continue
                        imported = found.group(1)
                        if module in PURE and imported not in OURS | PURE[module] | ALWAYS:
                            offences.append(
                                f"{os.path.relpath(file, ROOT)}:{number}: {module} is pure but imports {imported} "
                                f"(it may import: {', '.join(sorted(PURE[module])) or 'nothing outside'}; move the I/O up)")
                        if imported in OURS and imported != module and imported not in ALLOWED[module]:
                            offences.append(
                                f"{os.path.relpath(file, ROOT)}:{number}: {module} imports {imported}, "
                                f"which is not below it (allowed: {', '.join(sorted(ALLOWED[module])) or 'none'})")


SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+[\w.]+\s+SET|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|FUNCTION|DATABASE|VIEW)"
    r"|TRUNCATE\s|COPY\s+\w+\s+(FROM|TO)\b|COMMIT\b|ROLLBACK\b)"
    r"|unsafeSQL|PostgresQuery\(|SQLBuilder\(|\b(postgres|client|connection)\.query\(")


def check_sql(offences):
    """Every SQL statement lives in Storage, behind typed methods."""
    for directory, _, names in os.walk(os.path.join(ROOT, "Sources")):
        if os.path.relpath(directory, ROOT).startswith("Sources/SLAService/Storage"):
            continue
        for name in sorted(n for n in names if n.endswith(".swift")):
            file = os.path.join(directory, name)
            with open(file, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    code = line.split("//")[0]
                    if SQL.search(code):
                        offences.append(f"{os.path.relpath(file, ROOT)}:{number}: SQL outside Storage (give Storage a typed method)")


def check_package(offences):
    """Each target's quoted dependencies (our modules; products are named constants) against the arrows."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as handle:
        text = handle.read()
    for found in re.finditer(r'(?:\bservice\(\s*|\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*)"([\w-]+)"', text):
        name = found.group(1)
        depth, end = 1, found.end()
        while depth and end < len(text):  # the call's closing parenthesis
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        call = text[found.end() : end]
        line = text[: found.start()].count("\n") + 1
        if name not in ALLOWED:
            if not (name in LEAVES or name in OUTSIDE or name.endswith("Tests")):
                offences.append(f"Package.swift:{line}: target {name} is not in scripts/check-architecture.py: give it its arrows")
            continue
        deps = set(re.findall(r'"([\w-]+)"', re.sub(r'(path|folder):\s*"[^"]*"', "", call)))
        if "allOfTheService" in call:
            deps |= set(re.findall(r'"([\w-]+)"', text[text.index("let allOfTheService") :].split("]", 1)[0]))
        if name in PURE:
            lists = " ".join(re.findall(r"\[([^\]]*)\]", re.sub(r'"[^"]*"', '""', call)))
            for product in sorted(set(re.findall(r"(?<![.\w])([a-z]\w*)\b", lists)) - {"allOfTheService"}):
                if product not in PURE_PRODUCTS.get(name, set()):
                    offences.append(f"Package.swift:{line}: {name} is pure but depends on {product} (move the I/O up)")
        for dep in sorted(deps):
            if dep in OURS and dep not in ALLOWED[name]:
                offences.append(f"Package.swift:{line}: target {name} depends on {dep}, which is not below it")
            elif dep not in OURS and dep not in LEAVES:
                offences.append(f"Package.swift:{line}: target {name} depends on {dep}, unknown to scripts/check-architecture.py")


def check_acyclic(offences):
    seen, done = set(), set()

    def visit(module, path):
        if module in done:
            return
        if module in seen:
            offences.append("the allowed arrows have a cycle: " + " -> ".join(path + [module]))
            return
        seen.add(module)
        for below in ALLOWED[module]:
            visit(below, path + [module])
        done.add(module)

    for module in ALLOWED:
        visit(module, [])


def main():
    offences = []
    check_acyclic(offences)
    check_sources(offences)
    check_package(offences)
    check_sql(offences)
    for offence in offences:
        print(offence)
    if offences:
        print(f"{len(offences)} offence(s) against the architecture (scripts/check-architecture.py, docs/architecture.md)")
        return 1
    print(f"architecture: {len(ALLOWED)} modules, every import follows the arrows, SQL only in Storage, pure modules without I/O libraries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
