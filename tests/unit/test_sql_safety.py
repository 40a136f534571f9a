"""No SQL is ever built by string formatting: every value goes in as a parameter."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
SQL_CALLS = {"execute", "executemany", "executescript", "execute_fetchall"}
ALLOWED = {("storage/sqlite.py", "executescript")}  # migrations: whole files we ship, numbered by us


def composed(node: ast.expr) -> bool:
    """psycopg's sql.SQL("...").format(sql.Identifier(...)): names quoted by the driver, values still parameters."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "SQL"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "sql"
        and all(isinstance(arg, ast.Constant) for arg in node.args)
    )


def formatted(node: ast.expr) -> bool:
    """An f-string, a .format() call, a % or + on strings: text put together at run time."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return not composed(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    return False


def offenders() -> list[str]:
    found = []
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            sql = node.func.attr in SQL_CALLS and node.args and formatted(node.args[0])
            if sql and (relative, node.func.attr) not in ALLOWED:
                found.append(f"{relative}:{node.lineno}")
    return found


def test_no_sql_is_built_by_string_formatting() -> None:
    assert offenders() == []


def test_the_check_recognises_formatted_sql() -> None:
    tree = ast.parse('conn.execute(f"SELECT * FROM t WHERE id = {x}")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert isinstance(call, ast.Call) and formatted(call.args[0])
    assert not formatted(ast.parse('"SELECT 1 " "FROM t"', mode="eval").body)
