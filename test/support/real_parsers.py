"""The real parsers the grammar tests compare against, run once per test file.

Reads {"parser": ..., "lines": [...]} as JSON on stdin and writes one {"ok": bool, "error": str}
per line as a JSON list on stdout.

- pep508: Debian's python3-packaging parses the line as pip does (Requirement), then each marker
  comparison is evaluated with packaging 26's rule (markers._eval_op): a comparison of two quoted
  strings, or "~=" / "===" where no version specifier can be built, stops pip with an error.
  Debian's packaging 23 evaluates every comparison through Specifier (fixed upstream), so its
  evaluate() would fail lines pip 25/26 installs; the rule is reproduced here over its parse tree.
- debian-version: python-debian's Version (debian.debian_support).
"""
import json
import sys


def pep508_checker():
    from packaging.markers import Marker  # noqa: F401  (fails early when packaging is missing)
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier, Specifier

    version_keys = {"implementation_version", "platform_release", "python_full_version", "python_version"}
    string_ops = {"in", "not in", "<", "<=", "==", "!=", ">=", ">"}
    environments = [
        {"implementation_name": "cpython", "implementation_version": "3.11.2", "os_name": "posix",
         "platform_machine": "x86_64", "platform_release": "6.1.0-13-amd64", "platform_system": "Linux",
         "platform_version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)",
         "python_full_version": "3.11.2", "platform_python_implementation": "CPython",
         "python_version": "3.11", "sys_platform": "linux", "extra": ""},
        {"implementation_name": "cpython", "implementation_version": "3.9.13", "os_name": "nt",
         "platform_machine": "AMD64", "platform_release": "10", "platform_system": "Windows",
         "platform_version": "10.0.19045", "python_full_version": "3.9.13",
         "platform_python_implementation": "CPython", "python_version": "3.9", "sys_platform": "win32",
         "extra": ""},
    ]

    def evaluable(markers, env):
        for marker in markers:
            if isinstance(marker, list):
                evaluable(marker, env)
            elif isinstance(marker, tuple):
                lhs, op, rhs = marker
                if type(lhs).__name__ == "Variable":
                    key, rhs_value = lhs.value, rhs.value
                else:
                    key = rhs.value
                    if key not in env:
                        raise ValueError(f"undefined environment name {key!r} (two quoted strings)")
                    rhs_value = env[key]
                if key in version_keys:
                    try:
                        Specifier(op.value + rhs_value)
                        continue
                    except InvalidSpecifier:
                        pass
                if op.value not in string_ops:
                    raise ValueError(f"undefined comparison {op.value!r} for {key}")

    def check(line):
        try:
            requirement = Requirement(line)
        except (InvalidRequirement, InvalidSpecifier) as e:  # packaging 23 lets some InvalidSpecifier through
            return {"ok": False, "error": str(e).splitlines()[0]}
        if requirement.marker is not None:
            try:
                for env in environments:
                    evaluable(requirement.marker._markers, env)
            except ValueError as e:
                return {"ok": False, "error": f"pip cannot evaluate the marker: {e}"}
        return {"ok": True}

    return check


def debian_version_checker():
    from debian.debian_support import Version

    def check(line):
        try:
            Version(line)
            return {"ok": True}
        except ValueError as e:
            return {"ok": False, "error": str(e)}

    return check


CHECKERS = {"pep508": pep508_checker, "debian-version": debian_version_checker}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    check = CHECKERS[request["parser"]]()
    json.dump([check(line) for line in request["lines"]], sys.stdout)
