#!/usr/bin/env python3
# Checks that #include "FOLDER/..." between the folders of src/ point one way:
# a file in src/A/ may include headers of A itself and of any lower layer, never
# of a higher one or of another folder on its own level. Angle-bracket includes
# are not looked at. A folder of src/ missing from LAYERS is an error.
#   scripts/check-layers.py [ROOT]        check ROOT/src (default: this repository)
#   scripts/check-layers.py --print-order the layers, lowest first, one a line
# Prints one line per violation, then "check-layers: N files, M violations";
# exits 1 when there are violations, 0 otherwise (2 on a usage error).
import argparse
import os
import re
import sys
from pathlib import Path

# The layer order, lowest first; "a|b" is one level whose folders may not
# include each other. Keep in step with docs/architecture.md.
LAYERS = [
    "base",
    "parse",
    "model",
    "platforms|rules",
    "policy",
    "engine",
    "fix|report",
    "live",
    "server",
    "cli",
]

SOURCE_SUFFIXES = {".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp", ".def", ".tcc", ".c", ".cc", ".cpp", ".cxx"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"/]+)/([^"]*)"')
ORDER_TEXT = " < ".join(LAYERS)


def layer_numbers() -> dict:
    """Folder name -> 1-based layer number."""
    levels = {}
    for number, level in enumerate(LAYERS, start=1):
        for folder in level.split("|"):
            if folder in levels:
                sys.exit(f"check-layers: {folder} is twice in LAYERS (scripts/check-layers.py)")
            levels[folder] = number
    return levels


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Check that includes between the folders of src/ point down the layer order.")
    parser.add_argument("root", nargs="?", type=Path,
                        default=Path(__file__).resolve().parent.parent,
                        help="repository root (default: the one this script is in)")
    parser.add_argument("--print-order", action="store_true",
                        help="print the layers, lowest first, one a line, and exit")
    args = parser.parse_args()
    levels = layer_numbers()
    if args.print_order:
        print("\n".join(LAYERS))
        return 0

    src = args.root / "src"
    if not src.is_dir():
        print(f"check-layers: no src/ folder in {args.root}", file=sys.stderr)
        return 2
    folders = sorted(p.name for p in src.iterdir() if p.is_dir())

    errors = []
    files = 0
    for folder in folders:
        if folder not in levels:
            errors.append(f"src/{folder}: error: unknown layer {folder}, add it to the order in "
                          f"scripts/check-layers.py and docs/architecture.md")
    for path in sorted(src.rglob("*")):
        if not path.is_file() or path.suffix not in SOURCE_SUFFIXES:
            continue
        rel = path.relative_to(args.root).as_posix()
        parts = path.relative_to(src).parts
        if len(parts) < 2:
            files += 1
            errors.append(f"{rel}: error: not in a layer folder; move it under src/FOLDER/ "
                          f"for a FOLDER of the order: {ORDER_TEXT}")
            continue
        own = parts[0]
        if own not in levels:
            continue  # reported once, as an unknown layer
        files += 1
        with open(path, encoding="utf-8", errors="replace") as f:
            for line_number, line in enumerate(f, start=1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                other = m.group(1)
                if other == own or other not in folders or other not in levels:
                    continue  # own folder, not a folder of src/, or already an unknown layer
                if levels[other] >= levels[own]:
                    errors.append(f"{rel}:{line_number}: error: {own} (layer {levels[own]}) "
                                  f"includes {other}/{m.group(2)} (layer {levels[other]}); "
                                  f"includes must point down: {ORDER_TEXT}")

    for error in errors:
        print(error)
    print(f"check-layers: {files} files, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
