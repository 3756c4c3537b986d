"""Fail when a function of the apps is longer than 60 lines, unless docs/decisions.md says why.

Exceptions are listed in docs/decisions.md under the heading "Functions allowed past 60 lines",
one per bullet as `path.py:function` followed by the reason. Tests, benchmarks, scripts and
migrations are not app code and are not checked.
"""

import ast
import re
import sys
from pathlib import Path

LIMIT = 60
ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {".venv", "node_modules", "migrations", "tests", "bench", "scripts", "var", ".git"}
HEADING = "Functions allowed past 60 lines"


def allowed() -> set[str]:
    """Return the `path:function` entries of the decisions' exception list."""
    text = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(HEADING)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    if not match:
        return set()
    return set(re.findall(r"^- `([^`]+:[\w]+)`", match.group(1), re.M))


def long_functions():
    """Yield (`path:function`, lines) for every app function over the limit."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP_PARTS & set(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LIMIT:
                    yield f"{relative.as_posix()}:{node.name}", lines


def main() -> int:
    exceptions = allowed()
    failures = [(name, n) for name, n in long_functions() if name not in exceptions]
    for name, lines in failures:
        print(f"{name}: {lines} lines (limit {LIMIT}); split it or say why in docs/decisions.md")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
