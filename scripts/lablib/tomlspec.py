"""Reading TOML tables with errors that name the file and the key.

The lab's topology files are TOML (tomllib).  tomllib checks the syntax;
everything else -- which keys exist, their types and ranges, names that must
refer to something -- is checked here, so a mistake reads like

    conf/lab/two-node.toml: hosts.lb1.links[0].switch: unknown switch 'lan2' (switches: lan)

and never as a Python traceback.  A Section wraps one table and its dotted
path; every accessor marks the key as used, and done() turns whatever was
left over into an "unknown key" error with a "did you mean" hint.
"""

import difflib
import tomllib


class SpecError(Exception):
    """A topology file is wrong; str() is 'FILE: KEY: message'."""

    def __init__(self, path, key, message):
        self.path = path
        self.key = key
        self.message = message
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + message)


def load_toml(path):
    """Parse a TOML file; SpecError on a missing file or a syntax error."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise SpecError(path, "", "no such file") from None
    except OSError as err:
        raise SpecError(path, "", err.strerror or str(err)) from None
    except tomllib.TOMLDecodeError as err:
        raise SpecError(path, "", f"TOML syntax: {err}") from None


def hint(word, choices):
    """' (did you mean X?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "an array", dict: "a table"}


class Section:
    """One TOML table at a dotted key path, read key by key."""

    def __init__(self, path, key, table):
        self.path = path
        self.key = key
        if not isinstance(table, dict):
            raise SpecError(path, key, f"must be a table, not {_describe(table)}")
        self.table = table
        self.used = set()

    def sub(self, name):
        return f"{self.key}.{name}" if self.key else name

    def error(self, name, message):
        """A SpecError about key `name` of this table (None: the table itself)."""
        return SpecError(self.path, self.sub(name) if name else self.key, message)

    def has(self, name):
        return name in self.table

    def raw(self, name, default=None):
        self.used.add(name)
        return self.table.get(name, default)

    def get(self, name, kind, default=None, required=False, choices=None,
            minimum=None, maximum=None):
        """Value of `name` checked against kind (str, int, float, bool, list,
        dict); float accepts integers too.  Missing: default, or an error if
        required."""
        self.used.add(name)
        if name not in self.table:
            if required:
                raise self.error(name, "missing (required)")
            return default
        value = self.table[name]
        if not _is_kind(value, kind):
            raise self.error(name, f"must be {_TYPE_NAMES[kind]}, not {_describe(value)}")
        if kind is float:
            value = float(value)
        if choices is not None and value not in choices:
            raise self.error(name, f"{value!r} is not one of {', '.join(map(str, choices))}"
                             + hint(value, choices))
        if minimum is not None and value < minimum:
            raise self.error(name, f"{value!r} is below the minimum {minimum!r}")
        if maximum is not None and value > maximum:
            raise self.error(name, f"{value!r} is above the maximum {maximum!r}")
        return value

    def strings(self, name, default=(), required=False):
        """An array of strings."""
        values = self.get(name, list, None, required)
        if values is None:
            return list(default)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise SpecError(self.path, f"{self.sub(name)}[{index}]",
                                f"must be a string, not {_describe(value)}")
        return list(values)

    def section(self, name, required=False):
        """The sub-table `name` as a Section (an empty one when absent)."""
        value = self.get(name, dict, None, required)
        return Section(self.path, self.sub(name), value if value is not None else {})

    def sections(self, name):
        """An array of tables as [Section], keyed name[0], name[1]..."""
        values = self.get(name, list, [])
        result = []
        for index, value in enumerate(values):
            result.append(Section(self.path, f"{self.sub(name)}[{index}]", value))
        return result

    def named_sections(self):
        """Every key of this table as (name, Section): a table of named tables."""
        result = []
        for name, value in self.table.items():
            self.used.add(name)
            result.append((name, Section(self.path, self.sub(name), value)))
        return result

    def done(self, allowed=None):
        """Error on keys nobody read (or outside `allowed`)."""
        known = set(allowed) if allowed is not None else self.used
        for name in self.table:
            if name not in known:
                raise self.error(name, "unknown key" + hint(name, sorted(known)))


def _is_kind(value, kind):
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _describe(value):
    for kind, name in _TYPE_NAMES.items():
        if _is_kind(value, kind):
            return f"{name} ({value!r})" if kind in (str, int, float, bool) else name
    return type(value).__name__
