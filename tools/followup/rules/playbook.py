"""The playbook: facts, stages, channels and classifications, validated into objects.

A playbook is plain YAML a team can copy and edit (the presets live in
``rules/presets/``). Validation is pure: ``build_playbook(data, file)`` returns the
playbook and a list of problems pointing at key paths in that file; nothing raises.
See ``docs/rules.md`` for the format with a worked example.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass, field

from followup.problems import Problem, problem
from followup.rules.conditions import Compiler, Condition
from followup.rules.methods import METHODS, Cadence, Method, Parsing, Tier
from followup.rules.workdays import MAX_DAYS

FACT_TYPES = ("choice", "multi", "number", "date", "bool", "text")
TRUE_WORDS = {"true", "yes", "y", "是", "有", "对", "1"}
FALSE_WORDS = {"false", "no", "n", "否", "无", "没有", "0"}

DEFAULT_CHANNELS = {
    # name: counts as a real contact (resets the cadence)
    "电话": True, "微信": True, "到访": True, "上门": True, "邮件": True, "短信": True,
    "视频": True, "会议": True, "展会": True,
    "phone": True, "wechat": True, "visit": True, "onsite": True, "email": True, "sms": True,
    "video": True, "meeting": True,
    "未接通": False, "备注": False, "no_answer": False, "note": False,
}


class Label(str):
    """A label from the playbook (tier, stage, fact, choice, classification, dimension, priority
    rule): the Chinese text -- the string itself, so it compares, keys and prints as before --
    with the English form when the preset gives ``label: {zh: …, en: …}``. ``text(lang)`` picks
    one; an English board shows the Chinese text where no English form was written."""

    en: str

    def __new__(cls, zh: str, en: str = ""):
        label = super().__new__(cls, zh)
        label.en = en
        return label

    def text(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else str(self)


@dataclass
class Fact:
    name: str
    label: str
    type: str
    choices: dict = field(default_factory=dict)  # key -> label (choice / multi)
    unit: str = ""
    help: str = ""


@dataclass
class Stage:
    id: str
    label: str
    win_rate: float | None = None


@dataclass
class PriorityRule:
    """One call-list priority rule: customers matching ``when`` are called first."""

    label: str
    when: Condition
    label_en: str = ""


# Seed 003: "确定每日优先联系客户名单(销售进程位于第四、五项;成交意向良好;合同已到期客户)".
# Used when a playbook has no ``priority:`` key; ``priority: []`` switches it off.
DEFAULT_PRIORITY = [
    {"when": {"fact": "stage", "in": ["4", "5"]}, "label": {"zh": "销售进程 4–5", "en": "stage 4–5"}},
    {"when": {"fact": "stage", "is": "7"}, "label": {"zh": "合同已到期", "en": "contract expired"}},
]


@dataclass
class Classification:
    id: str
    label: str
    method: Method
    drives_followup: bool = False
    help: str = ""

    @property
    def tiers(self) -> list[Tier]:
        return self.method.tiers

    def tier(self, tier_id: str) -> Tier | None:
        return self._tier_by_id.get(tier_id)

    @functools.cached_property
    def _tier_by_id(self) -> dict[str, Tier]:  # asked for every customer graded
        by_id: dict[str, Tier] = {}
        for t in self.tiers:
            by_id.setdefault(t.id, t)  # the first, as a scan would find it
        return by_id


@dataclass
class Playbook:
    file: str
    name: str
    source: str
    facts: dict[str, Fact]
    classifications: dict[str, Classification]
    stages: list[Stage]
    channels: dict[str, bool]
    inactivity: dict
    priority: list  # of PriorityRule, earliest first
    description: str = ""

    # A built playbook (its stages set by load_rules) does not change: what every record
    # asks of it is worked out once.

    @functools.cached_property
    def driving(self) -> Classification:
        return next(c for c in self.classifications.values() if c.drives_followup)

    @functools.cached_property
    def fact_types(self) -> dict[str, str]:
        """Each fact's type, for conditions (asked once per customer graded)."""
        return {name: f.type for name, f in self.facts.items()}

    @functools.cached_property
    def stage_labels(self) -> dict[str, str]:
        """The id of the first stage with each label: a stage may be written by its label."""
        labels: dict[str, str] = {}
        for s in self.stages:
            labels.setdefault(s.label, s.id)
        return labels

    @functools.cached_property
    def stage_names(self) -> frozenset[str]:
        """Every way to write a stage: its id or its label."""
        return frozenset(s.id for s in self.stages) | frozenset(self.stage_labels)

    @functools.cached_property
    def fact_names(self) -> frozenset[str]:
        return frozenset(self.facts)

    def stage(self, stage_id) -> Stage | None:
        return next((s for s in self.stages if s.id == str(stage_id)), None)

    def is_contact(self, channel) -> bool:
        return bool(self.channels.get(channel, True))


# --- value normalisation (shared by records and conditions) ---------------------------


def normalise_fact_value(fact: Fact, value):
    """Return ``(normalised value, ok)``. Choice labels map to their keys.

    >>> f = Fact("need", "需求", "choice", {"clear": "明确需求"})
    >>> normalise_fact_value(f, "明确需求")
    ('clear', True)
    """
    if value is None:
        return None, True
    kind = fact.type
    if kind == "choice":
        return _choice(fact, value)
    if kind == "multi":
        items = value if isinstance(value, list) else [value]
        out = [_choice(fact, v) for v in items]
        return [v for v, _ in out], all(ok for _, ok in out)
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return value, ok
    if kind == "date":
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        return value, ok
    if kind == "bool":
        if isinstance(value, bool):
            return value, True
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True, True
        if word in FALSE_WORDS:
            return False, True
        return value, False
    return (value if isinstance(value, str) else str(value)), True


def _choice(fact: Fact, value):
    if isinstance(value, (dict, list)):  # a nested value is no choice (and cannot be looked up)
        return value, False
    key = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if key in fact.choices:
        return key, True
    for choice_key, label in fact.choices.items():
        if label == value:
            return choice_key, True
    return value, False


def suggest(word, options) -> str:
    """The closest of ``options`` to ``word`` ("" if none is close): remembered, because a
    file repeats its mistakes (the same wrong channel or person in every log entry)."""
    return _suggest(str(word), tuple(str(o) for o in options))


@functools.lru_cache(maxsize=4096)
def _suggest(word: str, options: tuple[str, ...]) -> str:
    # ties are broken by the text itself (get_close_matches sorts score, word), so the order
    # a set gives the options in does not change the answer
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return close[0] if close else ""


# --- building a playbook from YAML data ------------------------------------------------


class _Builder:
    def __init__(self, data: dict, file: str):
        self.data = data
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, code: str, path: tuple, **params) -> None:
        self.problems.append(problem(code, self.file, path=path, **params))

    def build(self) -> Playbook | None:
        known = {"name", "source", "description", "facts", "channels", "classifications",
                 "inactivity", "priority"}
        for key in self.data:
            if key not in known:
                self.fail("FU502", (key,), key=str(key), suggestion=suggest(key, known))
        facts = self.facts()
        classifications = self.classifications(facts)
        stages: list[Stage] = []  # the team's pipeline (rules/pipeline.yaml) fills these in
        channels = dict(DEFAULT_CHANNELS)
        raw_channels = self.data.get("channels") or {}
        if not isinstance(raw_channels, dict):
            self.fail("FU502", ("channels",), key="channels", suggestion="")
        else:
            for name, spec in raw_channels.items():
                contact = spec.get("contact", True) if isinstance(spec, dict) else bool(spec)
                channels[str(name)] = bool(contact)
        if classifications:
            driving = [c for c in classifications.values() if c.drives_followup]
            if len(driving) != 1:
                self.fail("FU507", ("classifications",), count=len(driving))
        elif "classifications" in self.data:
            pass
        else:
            self.fail("FU101", (), key="classifications")
        if self.problems and any(p.is_error for p in self.problems):
            return None
        return Playbook(
            file=self.file,
            name=_label(self.data.get("name"), self.file),
            source=str(self.data.get("source", "")),
            description=_label(self.data.get("description"), ""),
            facts=facts,
            classifications=classifications,
            stages=stages,
            channels=channels,
            inactivity=self.data.get("inactivity") or {},
            priority=self.priority(facts),
        )

    # call-list priority ----------------------------------------------------------------

    def priority(self, facts: dict[str, Fact]) -> list[PriorityRule]:
        raw = self.data.get("priority", DEFAULT_PRIORITY)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("FU506", ("priority",), expected="a list of {when: condition, label: …}")
            return []
        compiler = Compiler(self.file, facts, self._normaliser(facts))
        rules = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or "when" not in item:
                self.fail("FU506", ("priority", i), expected="{when: condition, label: …}")
                continue
            when = compiler.compile(item["when"], ("priority", i, "when"))
            label = _label(item.get("label"), f"#{i + 1}")
            rules.append(PriorityRule(label, when, label.en))
        self.problems.extend(compiler.problems)
        return rules

    # facts -----------------------------------------------------------------------------

    def facts(self) -> dict[str, Fact]:
        raw = self.data.get("facts") or {}
        facts: dict[str, Fact] = {}
        if not isinstance(raw, dict):
            self.fail("FU102", ("facts",), key="facts", expected="mapping")
            return facts
        for name, spec in raw.items():
            path = ("facts", name)
            if not isinstance(spec, dict):
                self.fail("FU102", path, key=str(name), expected="mapping")
                continue
            kind = spec.get("type", "text")
            if kind not in FACT_TYPES:
                self.fail("FU508", path + ("type",), value=str(kind), allowed=", ".join(FACT_TYPES))
                facts[str(name)] = Fact(str(name), str(name), "text")  # no cascade of FU504
                continue
            choices = spec.get("choices") or {}
            if kind in ("choice", "multi"):
                if isinstance(choices, list):
                    choices = {str(c): str(c) for c in choices}
                if not isinstance(choices, dict) or not choices:
                    self.fail("FU508", path + ("choices",), value="", allowed="a list or mapping")
                    continue
                choices = {str(k): _label(v, str(k)) for k, v in choices.items()}
            facts[str(name)] = Fact(str(name), _label(spec.get("label"), str(name)), kind, choices,
                                    str(spec.get("unit", "")), str(spec.get("help", "")))
        for core in ("stage", "source", "owner"):
            facts.setdefault(core, Fact(core, core, "text"))
        return facts

    # classifications -----------------------------------------------------------------------

    def classifications(self, facts: dict[str, Fact]) -> dict[str, Classification]:
        raw = self.data.get("classifications") or {}
        if not isinstance(raw, dict) or not raw:
            if "classifications" in self.data:
                self.fail("FU102", ("classifications",), key="classifications", expected="mapping")
            return {}
        result = {}
        for cid, spec in raw.items():
            path = ("classifications", cid)
            if not isinstance(spec, dict):
                self.fail("FU102", path, key=str(cid), expected="mapping")
                continue
            method = self.method(spec, path, facts)
            if method is None:
                continue
            result[str(cid)] = Classification(
                str(cid), _label(spec.get("label"), str(cid)), method,
                bool(spec.get("drives_followup", False)), str(spec.get("help", "")))
        return result

    def method(self, spec: dict, path: tuple, facts: dict[str, Fact]) -> Method | None:
        """The classification's grading method, looked up by name in the registry
        (:data:`followup.rules.methods.METHODS`), which parses its own keys."""
        name = spec.get("method")
        kind = METHODS.get(name) if isinstance(name, str) else None
        if kind is None:
            self.fail("FU503", path + ("method",), method=str(name), allowed=", ".join(METHODS),
                      suggestion=suggest(name, METHODS))
            return None
        compiler = Compiler(self.file, facts, self._normaliser(facts))
        tiers = self.tiers(spec, path, compiler, kind.tier_conditions)
        if tiers is None:
            return None
        method = kind.parse(spec, path, tiers, Parsing(facts, self.fail, compiler.compile, _label))
        if method is None:
            return None
        self.problems.extend(compiler.problems)
        ids = {t.id for t in tiers}
        for i, t in enumerate(tiers):
            if t.stall and t.stall["to"] not in ids:
                self.fail("FU505", path + ("tiers", i, "stall", "to"), reason="unknown-tier",
                          tier=t.stall["to"])
        if spec.get("drives_followup"):
            for i, (t, raw) in enumerate(zip(tiers, spec["tiers"])):
                if t.cadence is None and isinstance(raw, dict) and "cadence" not in raw:
                    self.fail("FU508", path + ("tiers", i), value=f"{t.id}: no cadence",
                              allowed="{days: N} or {workdays: N}")
        return method

    def tiers(self, spec: dict, path: tuple, compiler: Compiler,
              conditions: bool) -> list[Tier] | None:
        """The classification's tiers; ``conditions``: each has a ``when:`` (first-match)."""
        raw = spec.get("tiers")
        if not isinstance(raw, list) or not raw:
            self.fail("FU505", path + ("tiers",), reason="missing")
            return None
        tiers, seen = [], set()
        for i, t in enumerate(raw):
            tpath = path + ("tiers", i)
            if not isinstance(t, dict) or "id" not in t:
                self.fail("FU505", tpath, reason="no-id")
                continue
            tid = str(t["id"])
            if tid in seen:
                self.fail("FU505", tpath + ("id",), reason="duplicate", tier=tid)
            seen.add(tid)
            when = compiler.compile(t.get("when", "always"), tpath + ("when",)) \
                if conditions else None
            aim = t.get("aim", True)
            if not isinstance(aim, bool):
                self.fail("FU508", tpath + ("aim",), value=str(aim), allowed="true, false")
                aim = True
            tiers.append(Tier(
                id=tid,
                label=_label(t.get("label"), tid),
                cadence=self.cadence(t.get("cadence"), tpath + ("cadence",)),
                when=when,
                min_points=self.number(t, "min_points", tpath),
                up_to=self.number(t, "up_to", tpath),
                stall=self.stall(t.get("stall"), tpath + ("stall",)),
                win_rate=self.number(t, "win_rate", tpath),
                aim=aim,
            ))
        return tiers or None

    def number(self, spec: dict, key: str, path: tuple) -> float | None:
        """``spec[key]`` if it is a number (what is compared and sorted), else None and FU508."""
        value = spec.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            self.fail("FU508", path + (key,), value=str(value), allowed="a number")
            return None
        return value

    def stall(self, raw, path: tuple) -> dict | None:
        """``stall: {after_days: 7, to: B}`` — held this long without progress → suggest ``to``
        (seed 004: an undecided A drops to B after a week; seed 000: 7–10 days → B or D)."""
        if raw is None:
            return None
        days = raw.get("after_days") if isinstance(raw, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= MAX_DAYS or \
                not isinstance(raw.get("to"), (str, int)) or set(raw) - {"after_days", "to", "label"}:
            self.fail("FU508", path, value=str(raw), allowed="{after_days: N, to: tier}")
            return None
        return {**raw, "to": str(raw["to"])}

    def cadence(self, raw, path: tuple) -> Cadence | None:
        if raw is None:
            return None
        if isinstance(raw, dict) and len(raw) == 1:
            (unit, n), = raw.items()
            if unit in ("days", "workdays") and isinstance(n, int) and not isinstance(n, bool) \
                    and 0 <= n <= MAX_DAYS:
                return Cadence(days=n) if unit == "days" else Cadence(workdays=n)
        self.fail("FU508", path, value=str(raw), allowed="{days: N} or {workdays: N}")
        return None

    def _normaliser(self, facts: dict[str, Fact]):
        def normalise(fact_name, value, path):
            fact = facts[fact_name]
            if fact.type == "text":
                return value if isinstance(value, str) else str(value)
            norm, ok = normalise_fact_value(fact, value)
            if not ok:
                self.fail("FU506", path, expected=_expected_for(fact))
            return norm

        return normalise


def _expected_for(fact: Fact) -> str:
    if fact.choices:
        return " / ".join(fact.choices)
    return fact.type


def _label(value, default: str) -> Label:
    """Labels may be a string or ``{zh: ..., en: ...}``: both forms are kept (:class:`Label`)."""
    if isinstance(value, dict):
        zh, en = value.get("zh"), value.get("en")
        return Label(str(zh or en or default), str(en or ""))
    return Label(str(value) if value not in (None, "") else default)


def build_playbook(data, file: str) -> tuple[Playbook | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [problem("FU011", file, line=1, col=1)]
    builder = _Builder(data, file)
    book = builder.build()
    return book, builder.problems


def build_pipeline(data, file: str) -> tuple[list[Stage], list[Problem]]:
    """``rules/pipeline.yaml``: the team's sales stages (seed 003's 销售进程 0–7 by default)
    with a win rate each, used by the funnel, the forecast and call-list priority."""
    if data is None:
        return [], []
    raw = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], [problem("FU102", file, path=("stages",), key="stages", expected="list")]
    stages, problems, seen = [], [], set()
    for i, spec in enumerate(raw):
        if not isinstance(spec, dict) or "id" not in spec:
            problems.append(problem("FU102", file, path=("stages", i), key="stages",
                                    expected="{id:, label:, win_rate:}"))
            continue
        sid = str(spec["id"])
        rate = spec.get("win_rate")
        if sid in seen:
            problems.append(problem("FU508", file, path=("stages", i, "id"), value=sid,
                                    allowed="unique ids"))
        if rate is not None and (not isinstance(rate, (int, float)) or isinstance(rate, bool)
                                 or not 0 <= rate <= 1):
            problems.append(problem("FU508", file, path=("stages", i, "win_rate"), value=str(rate),
                                    allowed="0 … 1"))
            rate = None
        seen.add(sid)
        stages.append(Stage(sid, _label(spec.get("label"), sid), rate))
    return stages, problems
