"""Every message an API error can carry has a Kiswahili translation, found by reading the source.

What counts as a message (``ast`` over every module of ``services/`` and ``shared/``, so code
moving between modules is still found):

- the message argument of an error class (``NjiaError`` and its subclasses, marshmallow's
  ``ValidationError``, and every exception class defined in ``services/`` or ``shared/`` except
  those in ``NEVER_ANSWERED``), and the texts in the lists of its ``details`` dict;
- the message argument of a function that passes one of its parameters on as such a message
  (``_invalid(message, field)``, ``refuse_when_limited(..., message)``), found to a fixed point;
- tables of ``(ErrorClass, message, details)`` tuples;
- ``ValueError`` messages written as sentences (a rule of a domain raised as ``ValueError``
  reaches the API through ``str(exc)``; programmer errors are lower-case notes);
- the texts in lists of functions that build ``details`` (annotated ``-> dict[str, list[str]]``),
  and what the functions they call for a text return;
- marshmallow: ``default_error_messages``, ``error_messages=`` and validators' ``error=`` in
  the schemas, and marshmallow's own messages for every field and validator it has.

A name in a message position is read from its assignments in the function or module; an f-string
is checked as a template (its fixed parts must be those of a catalog pattern). ``str(exc)`` passes
an exception's text on: its words are collected where that exception is raised. Any other
expression in a message position must be listed in ``DYNAMIC``.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from services.gateway import translations
from shared.errors import NjiaError, field_errors

ROOT = Path(__file__).resolve().parents[3]

API_ERRORS = {cls.__name__ for cls in (NjiaError, *NjiaError.__subclasses__())}

# Exception classes of Njia whose text never reaches an API error body.
NEVER_ANSWERED = {
    "ConfigurationError": "stops a process at start; read by whoever runs it",
    "ImportFailed": "the O*NET importer's command line",
    "TransientFailure": "a delivery attempt: logged, retried",
    "PermanentFailure": "a delivery attempt: logged, recorded on the reminder",
    "InvalidEvent": "an event refused between services",
    "MissingTranslation": "stops the gateway at start",
    "SourceFailed": "kept as a profile source's status; the web app shows its code's own text",
}

# Message expressions that cannot be catalogued, by their source text.
DYNAMIC = {
    # werkzeug's reason for a 4xx it met reading the request: its usual texts are in the catalog
    # (translations.MESSAGES), others pass through in English.
    "exc.description",
    # json's or the codec's reason a body is not JSON: a catalog pattern translates json's.
    "str(exc)[:200]",
    # A session's status in a 409's details: a machine value, kept as it is.
    "session['status']",
    # jsonschema's own words for a JSON Resume rule Njia does not word itself.
    "str(error.message)[:200]",
}

VALIDATORS = {name for name, cls in vars(validate).items() if inspect.isclass(cls)}
STR_LIKE = (ast.Constant, ast.JoinedStr, ast.IfExp, ast.BoolOp, ast.Name)


@dataclass(frozen=True)
class Message:
    """A text as written (``parts`` is one piece) or a template (its fixed parts between values)."""

    parts: tuple[str, ...]
    where: str

    @property
    def literal(self) -> str | None:
        return self.parts[0] if len(self.parts) == 1 else None


@dataclass
class Module:
    path: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]


def _modules() -> list[Module]:
    found = []
    for path in sorted([*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        found.append(Module(str(path.relative_to(ROOT)), tree, parents))
    return found


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_method(fn: ast.FunctionDef, module: Module) -> bool:
    static = any(_name(d) == "staticmethod" for d in fn.decorator_list)
    return isinstance(module.parents.get(fn), ast.ClassDef) and not static


def _params(fn: ast.FunctionDef, module: Module) -> list[str]:
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    return names[1:] if _is_method(fn, module) else names


def _functions(modules: list[Module]) -> Iterator[tuple[Module, ast.FunctionDef]]:
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef):
                yield module, node


# Which callables take a message, and where ----------------------------------------------------------


def _error_classes(modules: list[Module]) -> dict[str, int]:
    """Every exception class that may carry a message to the API, with its message's position."""
    classes = {
        node.name: (node, [_name(base) for base in node.bases])
        for module in modules
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef)
    }
    builtin = {n for n, v in vars(builtins).items() if inspect.isclass(v) and issubclass(v, BaseException)}
    found = {**dict.fromkeys(builtin, 0), "ValidationError": 0, **dict.fromkeys(API_ERRORS, 0)}
    changed = True
    while changed:
        changed = False
        for name, (node, bases) in classes.items():
            inherited = next((found[b] for b in bases if b in found), None)
            if name in found or inherited is None:
                continue
            init = next(
                (f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None
            )
            params = [a.arg for a in init.args.args[1:]] if init else []
            found[name] = params.index("message") if "message" in params else inherited
            changed = True
    for name in builtin:
        del found[name]
    missing = sorted(set(NEVER_ANSWERED) - set(found))
    assert not missing, f"NEVER_ANSWERED names classes that are gone: {missing}"
    return {name: at for name, at in found.items() if name not in NEVER_ANSWERED}


def _message_arg(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "message":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


@dataclass
class Callables:
    message: dict[str, int]  # a callable's name: where its message goes
    details: dict[str, int]  # a function's name: where a parameter it passes on as details goes


def _forwarders(modules: list[Module], classes: dict[str, int]) -> Callables:
    """Add functions passing a parameter on as an error's message (``_invalid(message, field)``) or
    details (``_not_booked(session, details)``), found to a fixed point."""
    found = Callables(dict(classes), {})
    changed = True
    while changed:
        changed = False
        for module, fn in _functions(modules):
            params = _params(fn, module)
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                callee = _name(call.func)
                if callee in found.message and fn.name not in found.message:
                    arg = _message_arg(call, found.message[callee])
                    if isinstance(arg, ast.Name) and arg.id in params:
                        found.message[fn.name] = params.index(arg.id)
                        changed = True
                passed = [n for d in _details_args(call, found) for n in _names_passed_on(d) if n in params]
                if passed and fn.name not in found.details:
                    found.details[fn.name] = params.index(passed[0])
                    changed = True
    return found


def _details_args(call: ast.Call, found: Callables) -> list[ast.expr]:
    callee = _name(call.func) or ""
    args: list[ast.expr] = []
    if callee in found.message:
        args += call.args[found.message[callee] + 1 :] + [
            k.value for k in call.keywords if k.arg == "details"
        ]
    if callee in found.details and len(call.args) > found.details[callee]:
        args.append(call.args[found.details[callee]])
    return args


def _names_passed_on(node: ast.expr) -> list[str]:
    """``details`` or ``{**details, "reason": ...}``."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Dict):
        return [
            v.id for k, v in zip(node.keys, node.values, strict=True) if k is None and isinstance(v, ast.Name)
        ]
    return []


# Reading a message expression -----------------------------------------------------------------------


class Reader:
    def __init__(self, module: Module) -> None:
        self.module = module
        self.dynamic: list[str] = []

    def where(self, node: ast.AST) -> str:
        return f"{self.module.path}:{getattr(node, 'lineno', '?')}"

    def _scope(self, node: ast.AST) -> ast.AST:
        while node in self.module.parents:
            node = self.module.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return self.module.tree

    def assigned(self, name: ast.Name) -> list[ast.expr] | None:
        """What ``name`` is set to in its function, else in its module; None for a parameter."""
        scope = self._scope(name)
        if isinstance(scope, ast.FunctionDef):
            arguments = [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]
            if name.id in [a.arg for a in arguments]:
                return None
        for place in (scope, self.module.tree):
            values = [
                node.value
                for node in ast.walk(place)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
            ]
            if values:
                return values
        return []

    def messages(self, node: ast.expr | None) -> list[Message]:
        if node is None:
            return []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [Message((node.value,), self.where(node))]
        if isinstance(node, ast.JoinedStr):
            return [Message(parts, self.where(node)) for parts in self._template(node)]
        if isinstance(node, ast.IfExp):
            return self.messages(node.body) + self.messages(node.orelse)
        if isinstance(node, ast.BoolOp):
            return [m for value in node.values for m in self.messages(value)]
        if isinstance(node, ast.Name):
            values = self.assigned(node)
            if values is None:  # a parameter: its callers are read as forwarders
                return []
            if values and all(isinstance(v, STR_LIKE) for v in values):
                return [m for v in values for m in self.messages(v)]
        if _passes_on_exception_text(node):
            return []
        self.dynamic.append(f"{ast.unparse(node)}  ({self.where(node)})")
        return []

    def _template(self, node: ast.JoinedStr) -> list[tuple[str, ...]]:
        """The variants of an f-string: a value set just before from plain texts is written out."""
        variants: list[list[str | None]] = [[]]
        for part in node.values:
            options: list[list[str | None]] = [[None]]  # None: a value filled in at run time
            if isinstance(part, ast.Constant):
                options = [[str(part.value)]]
            elif isinstance(part, ast.FormattedValue) and not part.format_spec:
                values = self._spelled_out(part.value)
                if values and all(_is_text(v) or isinstance(v, (ast.JoinedStr, ast.IfExp)) for v in values):
                    options = [_pieces(m) for v in values for m in self.messages(v)]
            variants = [v + o for v in variants for o in options]
        return [_fixed_parts(v) for v in variants]

    def _spelled_out(self, value: ast.expr) -> list[ast.expr]:
        """The texts a value in an f-string can be, when the code spells them out."""
        if isinstance(value, ast.IfExp) and all(_is_text(v) for v in (value.body, value.orelse)):
            return [value]
        if isinstance(value, ast.Name):
            return self.assigned(value) or []
        return []

    def details(self, node: ast.expr | None) -> list[Message]:
        """The texts of a ``details`` dict: items of its lists; other values are machine values."""
        if isinstance(node, ast.Dict):
            found = []
            for value in node.values:
                if isinstance(value, ast.List):
                    found += [m for item in value.elts for m in self.messages(item)]
                elif isinstance(value, (ast.Dict, ast.Name, ast.IfExp)):
                    found += self.details(value)
            return found
        if isinstance(node, ast.IfExp):
            return self.details(node.body) + self.details(node.orelse)
        if isinstance(node, ast.Name):
            return [m for value in self.assigned(node) or [] for m in self.details(value)]
        return []  # built by a function: see _details_builders, or marshmallow's messages


def _pieces(message: Message) -> list[str | None]:
    pieces: list[str | None] = []
    for i, part in enumerate(message.parts):
        pieces += [None, part] if i else [part]
    return pieces


def _fixed_parts(pieces: list[str | None]) -> tuple[str, ...]:
    parts = [""]
    for piece in pieces:
        if piece is None:
            parts.append("")
        else:
            parts[-1] += piece
    return tuple(parts)


def _passes_on_exception_text(node: ast.expr) -> bool:
    """``str(exc)``: the text of an exception, collected where that exception is raised."""
    return (
        isinstance(node, ast.Call)
        and _name(node.func) == "str"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
    )


def _is_sentence(message: Message) -> bool:
    return message.parts[0][:1].isupper() and message.parts[-1].endswith(".")


# Collecting -------------------------------------------------------------------------------------------


@dataclass
class Collected:
    messages: list[Message]
    dynamic: list[str]


def _collect() -> Collected:
    modules = _modules()
    classes = _error_classes(modules)
    callables = _forwarders(modules, classes)
    found: list[Message] = []
    dynamic: list[str] = []
    for module in modules:
        reader = Reader(module)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                found += _from_call(reader, node, callables)
            elif isinstance(node, ast.Tuple) and _is_error_table_row(node):
                found += [] if _is_none(node.elts[1]) else reader.messages(node.elts[1])
                found += [m for d in node.elts[2:] for m in reader.details(d)]
            elif isinstance(node, ast.ClassDef):
                found += _class_messages(reader, node)
        found += _from_details_builders(reader, module)
        dynamic += reader.dynamic
    return Collected(found + _marshmallow_messages(), dynamic)


def _from_call(reader: Reader, call: ast.Call, callables: Callables) -> list[Message]:
    callee = _name(call.func) or ""
    found: list[Message] = []
    for keyword in call.keywords:
        if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
            found += [_format_template(v, reader) for v in keyword.value.values if _is_text(v)]
        if keyword.arg == "error" and callee in VALIDATORS and _is_text(keyword.value):
            found.append(_format_template(keyword.value, reader))
    if callee == "ValueError":
        return [m for m in reader.messages(_message_arg(call, 0)) if _is_sentence(m)]
    found += [m for d in _details_args(call, callables) for m in reader.details(d)]
    if callee in callables.message:
        arg = _message_arg(call, callables.message[callee])
        # marshmallow's ValidationError({"field": [...]}) holds details where a message goes.
        found += reader.details(arg) if isinstance(arg, ast.Dict) else reader.messages(arg)
    return found


def _is_error_table_row(node: ast.Tuple) -> bool:
    """``(Forbidden, "Clients book for themselves.", {...})``; None there keeps the default message."""
    if len(node.elts) < 2 or _name(node.elts[0]) not in API_ERRORS:
        return False
    message = node.elts[1]
    return isinstance(message, ast.JoinedStr) or (
        isinstance(message, ast.Constant) and (message.value is None or isinstance(message.value, str))
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _format_template(node: ast.expr, reader: Reader) -> Message:
    """A ``str.format`` template (marshmallow's messages): its fixed parts."""
    assert isinstance(node, ast.Constant)
    return Message(format_parts(node.value), reader.where(node))


def format_parts(template: str) -> tuple[str, ...]:
    parts = [""]
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts[-1] += literal
        if field is not None:
            parts.append("")
    return tuple(parts)


def _class_messages(reader: Reader, node: ast.ClassDef) -> list[Message]:
    """An error's ``default_message``; a marshmallow field's ``default_error_messages``."""
    found = []
    for statement in node.body:
        if not isinstance(statement, ast.Assign):
            continue
        names = {_name(t) for t in statement.targets}
        if "default_error_messages" in names and isinstance(statement.value, ast.Dict):
            found += [_format_template(v, reader) for v in statement.value.values if _is_text(v)]
        if "default_message" in names:
            found += reader.messages(statement.value)
    return found


def _returns_details(fn: ast.FunctionDef) -> bool:
    return fn.returns is not None and ast.unparse(fn.returns).replace(" ", "") == "dict[str,list[str]]"


def _from_details_builders(reader: Reader, module: Module) -> list[Message]:
    """Functions building ``details`` write texts into lists, or append them, or ask a function."""
    local = {f.name: f for f in ast.walk(module.tree) if isinstance(f, ast.FunctionDef)}
    found: list[Message] = []
    for fn in local.values():
        if not _returns_details(fn):
            continue
        for node in ast.walk(fn):
            items: list[ast.expr] = []
            if isinstance(node, ast.List):
                items = list(node.elts)
            elif isinstance(node, ast.Call) and _name(node.func) == "append":
                items = list(node.args)
            for item in items:
                asked = local.get(_name(item.func) or "") if isinstance(item, ast.Call) else None
                if asked is not None:
                    returns = [r.value for r in ast.walk(asked) if isinstance(r, ast.Return)]
                    found += [m for value in returns for m in reader.messages(value)]
                elif isinstance(item, (ast.Constant, ast.JoinedStr)) or (
                    isinstance(item, ast.Name)
                    and all(
                        isinstance(v, (ast.Constant, ast.JoinedStr)) for v in reader.assigned(item) or [None]
                    )
                ):
                    found += reader.messages(item)
    return found


def _marshmallow_messages() -> list[Message]:
    """marshmallow's own messages: every field's, the schema's, every validator's."""
    texts = set(Schema._default_error_messages.values())
    for cls in vars(fields).values():
        if inspect.isclass(cls) and issubclass(cls, fields.Field):
            for klass in cls.__mro__:
                texts |= set(getattr(klass, "default_error_messages", {}).values())
    for cls in vars(validate).values():
        if inspect.isclass(cls) and issubclass(cls, validate.Validator):
            texts |= {
                v
                for k, v in vars(cls).items()
                if k in ("default_message", "message_min", "message_max", "message_all", "message_equal")
            }
    ranges = validate.Range
    expanded = set()
    for text in texts:
        if "{min_op}" in text or "{max_op}" in text:
            for low in (ranges.message_gte, ranges.message_gt):
                for high in (ranges.message_lte, ranges.message_lt):
                    expanded.add(
                        text.replace("{min_op}", low)
                        .replace("{max_op}", high)
                        .replace("{{", "{")
                        .replace("}}", "}")
                    )
        else:
            expanded.add(text)
    return [Message(format_parts(text), "marshmallow") for text in sorted(expanded)]


# The tests ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collected() -> Collected:
    return _collect()


def _untranslated(messages: list[Message]) -> list[str]:
    missing = []
    for message in messages:
        if message.literal is not None:
            if translations.swahili(message.literal) is None:
                missing.append(f"{message.literal!r}  ({message.where})")
        elif translations.pattern_for(message.parts) is None:
            missing.append(f"{'{}'.join(message.parts)!r}  ({message.where})")
    return sorted(set(missing))


def test_the_source_is_read_and_yields_the_messages_we_know(collected: Collected):
    literals = {m.literal for m in collected.messages}
    templates = {m.parts for m in collected.messages}
    # One of each way a message is raised: if these go missing the reading no longer works.
    assert "No such session." in literals  # NotFound("...")
    assert "That time is already booked." in literals  # a details list
    assert "Hours must end after they start." in literals  # _invalid(...) forwarding to an error
    assert "No such person." in literals  # a table of (ErrorClass, message, details)
    assert "At most 5 reminder offsets." in literals  # a domain rule raised as ValueError
    assert "No such item in this assessment." in literals  # a details builder's constant
    assert "Use 24-hour HH:MM, e.g. 09:00." in literals  # a validator's error=
    assert "Missing data for required field." in literals  # marshmallow's own
    assert ("There is nothing at ", ".") in templates  # an f-string
    assert ("Longer than maximum length ", ".") in templates  # a marshmallow template
    assert "That time overlaps another session." in literals  # an f-string's optional part, written out


def test_every_message_an_error_can_carry_has_a_kiswahili_translation(collected: Collected):
    missing = _untranslated(collected.messages)
    assert not missing, (
        "no Kiswahili for these (add them to services/gateway/translations.py):\n" + "\n".join(missing)
    )


def test_no_message_is_built_in_a_way_the_catalog_cannot_follow(collected: Collected):
    unknown = [d for d in collected.dynamic if d.split("  (")[0] not in DYNAMIC]
    assert not unknown, "messages built at run time: catalog them, or list them in DYNAMIC:\n" + "\n".join(
        unknown
    )
    stale = DYNAMIC - {d.split("  (")[0] for d in collected.dynamic}
    assert not stale, f"DYNAMIC lists expressions the code no longer has: {sorted(stale)}"


def test_a_message_without_translation_is_reported():
    messages = [
        Message(("A sentence nobody translated.",), "here.py:1"),
        Message(("Nobody at ", "."), "here.py:2"),
    ]
    assert _untranslated(messages) == [
        "'A sentence nobody translated.'  (here.py:1)",
        "'Nobody at {}.'  (here.py:2)",
    ]


# What marshmallow says at run time, with its values filled in --------------------------------------------


def _schemas() -> Iterator[type[Schema]]:
    for path in sorted([*ROOT.glob("services/*/schemas.py"), ROOT / "shared" / "schemas.py"]):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name)
        for value in vars(module).values():
            mine = inspect.isclass(value) and value.__module__ == name and not value.__name__.startswith("_")
            if mine and issubclass(value, Schema):
                yield value


BAD_VALUES = ([[1]], "x" * 30_000, -(10**6), 10**12, "", None, {"1": 1}, "2026-13-45T25:61", True)


def test_marshmallow_messages_for_bad_input_to_every_schema_are_translated():
    said: set[str] = set()
    for schema_class in _schemas():
        schema = schema_class()
        names = [f.data_key or n for n, f in schema.fields.items() if not f.dump_only]
        for bad in BAD_VALUES:
            for data in ({name: bad for name in names} | {"not_a_field": 1}, {}):
                try:
                    schema.load(data)
                except ValidationError as exc:
                    said |= {m for texts in field_errors(exc.messages).values() for m in texts}
    assert len(said) > 20, sorted(said)  # the schemas were read
    missing = sorted(m for m in said if translations.swahili(m) is None)
    assert not missing, f"marshmallow says these with no Kiswahili: {missing}"


# The catalog itself --------------------------------------------------------------------------------------


def _all_patterns() -> list[translations.Pattern]:
    nested = [
        p
        for pattern in translations.PATTERNS
        for ps in pattern.values.values()
        if isinstance(ps, tuple)
        for p in ps
    ]
    return [*translations.PATTERNS, *nested]


def test_every_kiswahili_template_has_the_same_placeholders_as_its_english():
    for pattern in _all_patterns():
        assert sorted(pattern.names) == sorted(translations._PLACEHOLDER.findall(pattern.swahili)), (
            pattern.english
        )
        assert set(pattern.values) <= set(pattern.names), pattern.english
        # The template is a str.format template with no other braces.
        assert "{" not in translations._PLACEHOLDER.sub("", pattern.swahili), pattern.swahili


def test_every_message_is_written_in_kiswahili_not_copied():
    for english, swahili in translations.MESSAGES.items():
        assert swahili.strip() and swahili != english, english
        assert not translations._PLACEHOLDER.search(english), f"{english!r} has a value: make it a Pattern"
    for pattern in _all_patterns():
        assert pattern.swahili != pattern.english, pattern.english
    fixed = [p.fixed_parts for p in translations.PATTERNS]
    assert len(fixed) == len(set(fixed)), "two patterns with the same fixed text"


@pytest.mark.parametrize(
    ("english", "swahili"),
    [
        ("That time was just taken; choose another.", "Muda huo umechukuliwa sasa hivi; chagua mwingine."),
        ("There is nothing at /api/v1/nowhere.", "Hakuna kitu katika /api/v1/nowhere."),
        ("This session is late cancelled.", "Kikao hiki kimeghairiwa kwa kuchelewa."),
        (
            "That time is inside the counselor's minimum notice of 2 hours.",
            "Muda huo ni karibu mno: mshauri anahitaji notisi ya angalau saa 2.",
        ),
        ("A session must be 15 to 240 minutes.", "Urefu wa kikao: lazima iwe kati ya dakika 15 na 240."),
        ("Must be a whole number from 1 to 5.", "Lazima iwe namba kamili kuanzia 1 hadi 5."),
        ("Must be an integer.", "Lazima iwe namba kamili."),
        ("Not a valid aware datetime.", "Weka tarehe na saa yenye saa za eneo (k.m. +03:00)."),
        ("Longer than maximum length 40.", "Ni ndefu mno: isizidi 40."),
        ("Must be one of: en, sw.", "Lazima iwe mojawapo ya: en, sw."),
        (
            "Expected application/json, got nothing.",
            "Ilitarajiwa application/json, lakini imepokelewa hakuna kitu.",
        ),
        ("Expecting value: line 1 column 1 (char 0)", "Thamani inatarajiwa: mstari 1, safu 1 (herufi 0)"),
    ],
)
def test_a_message_with_values_keeps_them_and_translates_the_words(english: str, swahili: str):
    assert translations.swahili(english) == swahili


# Choosing the language and translating a body -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("sw", "sw"),
        ("sw-KE", "sw"),
        ("SW-ke,en;q=0.5", "sw"),
        ("en-KE,en;q=0.9,sw;q=0.8", "en"),
        ("en;q=0.5, sw;q=0.8", "sw"),
        ("fr-FR, fr;q=0.9, sw;q=0.3", "sw"),
        ("fr, de", "en"),
        ("sw;q=0", "en"),
        ("sw;q=junk, en;q=0.2", "en"),
        ("*", "en"),
        ("swa", "en"),
    ],
)
def test_the_language_is_the_callers_best_ranked_of_english_and_kiswahili(header: str | None, language: str):
    assert translations.language_of(header) == language


def test_an_error_body_in_kiswahili_keeps_its_code_keys_and_machine_values():
    body = {
        "error": {
            "code": "conflict",
            "message": "That time was just taken; choose another.",
            "details": {
                "start": ["That time is already booked."],
                "reason": "slot_taken",
                "status": ["cancelled"],
                "retry_after_seconds": 30,
                "opens_at": "2026-12-01T09:00:00+03:00",
                "nested": {"admin.email": ["Not a valid email address."]},
                "unknown": ["A text the catalog does not know."],
            },
        }
    }
    translated = translations.translate_error(body, "sw")
    assert translated == {
        "error": {
            "code": "conflict",
            "message": "Muda huo umechukuliwa sasa hivi; chagua mwingine.",
            "details": {
                "start": ["Muda huo tayari umewekewa miadi."],
                "reason": "slot_taken",
                "status": ["cancelled"],
                "retry_after_seconds": 30,
                "opens_at": "2026-12-01T09:00:00+03:00",
                "nested": {"admin.email": ["Barua pepe si sahihi."]},
                "unknown": ["A text the catalog does not know."],
            },
        }
    }
    assert translations.translate_error(body, "en") is body
    assert body["error"]["message"] == "That time was just taken; choose another."  # not changed in place
