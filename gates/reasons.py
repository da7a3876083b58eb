"""Why a gate failed, in words a rep reads: a reason code with its parameters, in English or
Japanese.

A `Reason` is a `str` whose value is the English text ("budget status is 'estimated'"), so
`GateResult.reasons` stays a tuple of English strings for the audit JSON and CSV. It also keeps
its `code` and `params`, from which `localize` writes it in another language
(`「予算ステータス」が estimated です`). Rendering is pure and happens only when asked for
(a task in Japanese); evaluation builds each distinct reason once and shares it.

Codes, with the parameters each takes:

- `not_set` (attribute): `budget status is not set`
- `placeholder` (attribute, text): `scope is a placeholder: 'TBD'`, `scope is empty (placeholder)`
- `value` (attribute, value): `budget status is 'estimated'`
- `rejected` (attribute): `approval rejected`
- `not_within` (attribute, day, days, direction):
  `order date 2027-01-01 is not within 30 days after today`
- `false` (attribute): `technical fit is false`
- `no_role` (roles, contacts): `no decision maker (D) among 3 contacts`
- `too_few` (role, count, needed): `only 1 influencer (I), 2 needed`
- `stance` (role, name, stance): `influencer Sato is an opponent (×)`
- `not_contacted` (roles, days, last, person, role): `no key person contacted within 90 days
  (last: Tanaka (D) on 2026-01-05)`; `(last: never)` when nobody has a recorded contact
- `not_met` (roles, names): `no recorded contact with decision maker Tanaka (D)`
- `not_positive` (attribute): `gross profit is not above zero`
- `not_mapped` (attributes): `not mapped: budget_status`

The codes `placeholder` and `rejected` are the reasons docs/design.md section 5 names. The Japanese
words follow the course: roles and stances as on slides 73-75, attribute names as the `how`
texts of gates/catalog.yaml name the fields. `text(language, labels)` names a field by the label
the CRM shows for it (`labels`: attribute -> label) where one is known, so the rep reads the
name on their screen; the English string value always uses dealgate's own names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from gates.attributes import ROLE_NAMES, STANCE_SYMBOLS, label, role_phrase, stance_phrase
from gates.placeholder import is_empty, placeholder_reason
from gates.snapshot import Role, Stance

LANGUAGES: tuple[str, ...] = ("en", "ja")

# Attribute names in Japanese, as the `how` texts of the catalog name the fields.
JA_LABELS: dict[str, str] = {
    "budget_status": "予算ステータス",
    "decision_process": "意思決定プロセス",
    "approval_status": "稟議ステータス",
    "scope": "プロジェクト実施内容",
    "reason": "プロジェクト実施理由",
    "competitors": "競合他社",
    "project_start": "プロジェクト開始日",
    "project_end": "プロジェクト完了日",
    "order_date": "発注予定日",
    "proposal_status": "提案ステータス",
    "why_needed": "なぜ必要",
    "why_now": "なぜ今",
    "why_us": "なぜ当社",
    "technical_fit": "技術的妥当性",
    "delivery_capacity": "体制確保",
    "schedule_prepared": "スケジュール作成済",
    "decision_maker_briefed": "意思決定者へ説明済",
    "informal_award": "内示受領",
    "terms_agreed": "契約条件合意",
    "delivery_owner": "デリバリー責任者",
    "invoice_sent": "請求済",
    "delivery_done": "デリバリー完了",
    "close_date": "完了予定日",
    "amount": "金額",
    "currency": "通貨",
    "owner_id": "案件所有者",
    "contacts": "コンタクト",
    "last_contacted": "最終接触日",
    "qualification": "案件の見極め",
    "invited_to_propose": "提案要請あり",
    "budget_amount": "予算額",
    "budget_period": "予算期",
    "staffing_outlook": "体制確保の見込み",
    "customer_team": "お客様の体制",
    "selection_criteria": "パートナー採用の条件",
    "stakeholder_expectations": "ステークホルダーの期待",
    "gross_profit": "粗利（GP）",
    "win_over_plan": "反対者への対策",
    "payment_received": "代金回収済",
}

# The key persons of slides 73-75: D 意思決定者 (the checklist's spelling), A, I.
JA_ROLE_NAMES: dict[Role, str] = {
    Role.DECISION_MAKER: "意思決定者",
    Role.APPROVER: "承認権限者",
    Role.INFLUENCER: "影響力保持者",
}

# The stances of the power map (slide 75).
JA_STANCE_NAMES: dict[Stance, str] = {
    Stance.SUPPORTER: "後援者",
    Stance.COOPERATOR: "協力者",
    Stance.NEUTRAL: "中立者",
    Stance.NON_COOPERATIVE: "非協力者",
    Stance.OPPONENT: "反対者",
}


class Reason(str):
    """One reason a gate failed: its English text as the string value, plus `code` and `params`.

    Equal to (and hashed as) its English text. `localize(reason, "ja")` renders it in Japanese.
    """

    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, **params: Any) -> Reason:
        """The reason `code` with `params` (see the module table); KeyError for an unknown code."""
        self = super().__new__(cls, _RENDERERS[code][0](label, **params))
        self.code = code
        self.params = MappingProxyType(params)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from code and params when pickled or copied, never from the text alone.
        return (_rebuild, (self.code, dict(self.params)))

    def text(self, language: str, labels: Mapping[str, str] | None = None) -> str:
        """This reason in `language` (`en` or `ja`; any other language reads English), naming
        fields by `labels` (attribute -> the CRM's label) where given."""
        if language == "ja":
            return _RENDERERS[self.code][1](_namer(ja_label, labels), **self.params)
        if not labels:
            return str(self)
        return _RENDERERS[self.code][0](_namer(label, labels), **self.params)


def _rebuild(code: str, params: dict[str, Any]) -> Reason:
    return Reason(code, **params)


Namer = Callable[[str], str]


def _namer(default: Namer, labels: Mapping[str, str] | None) -> Namer:
    if not labels:
        return default
    return lambda attribute: labels.get(attribute) or default(attribute)


def localize(reason: str, language: str, labels: Mapping[str, str] | None = None) -> str:
    """`reason` in `language`: a `Reason` is rendered, any other string is returned as it is."""
    return reason.text(language, labels) if isinstance(reason, Reason) else reason


def ja_label(attribute: str) -> str:
    """The Japanese name of an attribute (the attribute id itself when it has none)."""
    return JA_LABELS.get(attribute, attribute)


def ja_day(iso_day: str) -> str:
    """`2027-01-01` -> `2027年1月1日`: the one date format of Japanese texts (sync.i18n.formats);
    a string that is not an ISO date is kept as it is."""
    try:
        day = date.fromisoformat(iso_day)
    except ValueError:
        return iso_day
    return f"{day.year}年{day.month}月{day.day}日"


def ja_role_phrase(roles: tuple[Role, ...]) -> str:
    """`(D,)` -> `意思決定者（D）`; several roles -> `キーパーソン（D・A・I）`."""
    if len(roles) == 1:
        return f"{JA_ROLE_NAMES[roles[0]]}（{roles[0].value}）"
    return f"キーパーソン（{'・'.join(r.value for r in roles)}）"


# -- renderers: one pair (English, Japanese) per code; `field` names an attribute ---------------


def _among(contacts: int) -> str:
    if contacts == 0:
        return "(no contacts on the deal)"
    return f"among {contacts} contact{'' if contacts == 1 else 's'}"


def _en_placeholder(field: Namer, attribute: str, text: str | None) -> str:
    return placeholder_reason(field(attribute), text) or f"{field(attribute)} is a placeholder"


def _ja_placeholder(field: Namer, attribute: str, text: str | None) -> str:
    if text is None or is_empty(text):
        return f"「{field(attribute)}」が未記入です"
    return f"「{field(attribute)}」が仮の値「{text.strip()}」のままです"


def _en_rejected(field: Namer, attribute: str) -> str:
    return f"{field(attribute).removesuffix(' status')} rejected"


def _ja_rejected(field: Namer, attribute: str) -> str:
    return f"{field(attribute).removesuffix('ステータス')}が却下されました"


_WHERE = {"past": "before", "future": "after", "either": "of"}
_JA_WHERE = {"past": "過去", "future": "今後", "either": "今日の前後"}


def _en_not_within(field: Namer, attribute: str, day: str, days: int, direction: str) -> str:
    return f"{field(attribute)} {day} is not within {days} days {_WHERE[direction]} today"


def _ja_not_within(field: Namer, attribute: str, day: str, days: int, direction: str) -> str:
    when = _JA_WHERE[direction]
    return f"「{field(attribute)}」（{ja_day(day)}）が{when}{days}日以内ではありません"


def _en_no_role(field: Namer, roles: tuple[Role, ...], contacts: int) -> str:
    return f"no {role_phrase(roles)} {_among(contacts)}"


def _ja_no_role(field: Namer, roles: tuple[Role, ...], contacts: int) -> str:
    if contacts == 0:
        return f"{ja_role_phrase(roles)}がいません（案件にコンタクトが登録されていません）"
    return f"コンタクト{contacts}名の中に{ja_role_phrase(roles)}がいません"


def _en_stance(field: Namer, role: Role, name: str, stance: Stance | None) -> str:
    return f"{ROLE_NAMES[role]} {name} ({role.value}) is {stance_phrase(stance)}"


def _ja_stance(field: Namer, role: Role, name: str, stance: Stance | None) -> str:
    who = f"{JA_ROLE_NAMES[role]}（{role.value}）の{name}さん"
    if stance is None or stance is Stance.UNKNOWN:
        return f"{who}のスタンスが不明です"
    return f"{who}のスタンスが{JA_STANCE_NAMES[stance]}（{STANCE_SYMBOLS[stance]}）です"


def _en_not_contacted(
    field: Namer,
    roles: tuple[Role, ...],
    days: int,
    last: str | None,
    person: str | None = None,
    role: Role | None = None,
) -> str:
    noun = "key person" if len(roles) > 1 else role_phrase(roles)
    if last and person and role is not None:
        since = f"last: {person} ({role.value}) on {last}"
    else:
        since = f"last: {last or 'never'}"
    return f"no {noun} contacted within {days} days ({since})"


def _ja_not_contacted(
    field: Namer,
    roles: tuple[Role, ...],
    days: int,
    last: str | None,
    person: str | None = None,
    role: Role | None = None,
) -> str:
    noun = "キーパーソン" if len(roles) > 1 else ja_role_phrase(roles)
    if last and person and role is not None:
        since = f"最終接触：{JA_ROLE_NAMES[role]}（{role.value}）の{person}さん、{ja_day(last)}"
    else:
        since = f"最終接触日：{ja_day(last) if last else '記録なし'}"
    return f"{noun}と{days}日以内に接触していません（{since}）"


def _en_not_met(field: Namer, roles: tuple[Role, ...], names: tuple[str, ...]) -> str:
    return f"no recorded contact with {role_phrase(roles)} {', '.join(names)}"


def _ja_not_met(field: Namer, roles: tuple[Role, ...], names: tuple[str, ...]) -> str:
    who = "、".join(f"{n}さん" for n in names)
    return f"{ja_role_phrase(roles)}の{who}との接触記録がありません"


Renderer = Callable[..., str]

_RENDERERS: dict[str, tuple[Renderer, Renderer]] = {
    "not_set": (
        lambda field, attribute: f"{field(attribute)} is not set",
        lambda field, attribute: f"「{field(attribute)}」が未入力です",
    ),
    "placeholder": (_en_placeholder, _ja_placeholder),
    "value": (
        lambda field, attribute, value: f"{field(attribute)} is '{value}'",
        lambda field, attribute, value: f"「{field(attribute)}」が {value} です",
    ),
    "rejected": (_en_rejected, _ja_rejected),
    "not_within": (_en_not_within, _ja_not_within),
    "false": (
        lambda field, attribute: f"{field(attribute)} is false",
        lambda field, attribute: f"「{field(attribute)}」にチェックが入っていません",
    ),
    "not_positive": (
        lambda field, attribute: f"{field(attribute)} is not above zero",
        lambda field, attribute: f"「{field(attribute)}」が0以下です",
    ),
    "no_role": (_en_no_role, _ja_no_role),
    "too_few": (
        lambda field, role, count, needed: f"only {count} {role_phrase((role,))}, {needed} needed",
        lambda field, role, count, needed: (
            f"{ja_role_phrase((role,))}が{count}名のみです（{needed}名必要）"
        ),
    ),
    "stance": (_en_stance, _ja_stance),
    "not_contacted": (_en_not_contacted, _ja_not_contacted),
    "not_met": (_en_not_met, _ja_not_met),
    "not_mapped": (
        lambda field, attributes: f"not mapped: {', '.join(attributes)}",
        lambda field, attributes: f"CRM の項目にマッピングされていません：{', '.join(attributes)}",
    ),
}

CODES: tuple[str, ...] = tuple(_RENDERERS)
