"""The Japanese catalog (日本語): every report, summary and demo text (see sync/i18n/__init__.py).

Words follow the course as docs/design.md uses them: the phases 発見・定義・決定・デリバリー・維持,
キーパーソン (D 意思決定者, A 承認権限者, I 影響力保持者), 稟議; a deal is 案件, its owner 担当者,
evidence 根拠, a gate ゲート. Dates are `2026年12月4日` (sync.i18n.formats).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from gates.reasons import JA_ROLE_NAMES
from gates.snapshot import Phase, Role
from sync.i18n.formats import day_text

_PHASES = {
    Phase.DISCOVERY: "発見",
    Phase.DEFINE: "定義",
    Phase.DECISION: "決定",
    Phase.DELIVERY: "デリバリー",
    Phase.MAINTENANCE: "維持",
}


def _where(pipeline: str | None) -> str:
    return f"パイプライン「{pipeline}」の" if pipeline is not None else ""


def _unmapped(pipeline: str | None, stage: str, deals: int | None = None) -> str:
    skipped = "その案件はスキップされます" if deals is None else f"案件{deals}件をスキップしました"
    return f"{_where(pipeline)}ステージ「{stage}」はマッピングにありません: {skipped}"


def _stage_ahead(phase: Phase, gates: Sequence[str]) -> str:
    return (
        f"ステージは{_PHASES[Phase(phase)]}ですが、前のフェーズのゲート{len(gates)}件が未達です: "
        + ", ".join(gates)
    )


def _opponents(people: Sequence[tuple[Role, str]]) -> str:
    names = "、".join(f"{JA_ROLE_NAMES[role]} {name} さん ({role.value})" for role, name in people)
    return f"反対者 (×) への対策がありません: {names}"


def _no_owner(owner_id: str | None, tasks: int, planned: bool) -> str:
    who = f"案件の担当者 {owner_id} が無効または不明で" if owner_id else "案件に担当者がおらず"
    verb = "作成されません" if planned else "作成しませんでした"
    return f"タスク{tasks}件を{verb}: {who}、有効な tasks.fallback_owner（代替担当者）もありません"


def _close_date_passed(close_date: date) -> str:
    return f"完了予定日 ({day_text(close_date, 'ja')}) を過ぎていますが、案件はまだオープンです"


def _dry_summary(create: int, complete: int, deferred: int, verdicts: str = "") -> str:
    return (
        f"ドライラン: 作成予定のタスク{create}件、完了予定{complete}件、保留{deferred}件"
        f"{verdicts}。何も書き込んでいません"
    )


def _live_summary(full: bool, read: int, created: int, completed: int, deferred: int) -> str:
    kind = "フルサイクル" if full else "差分サイクル"
    return (
        f"{kind}: 案件{read}件を読み込み、タスク{created}件を作成、{completed}件を完了、"
        f"{deferred}件を保留"
    )


TEXTS: dict[str, str | Callable[..., Any]] = {
    # -- shared --------------------------------------------------------------------------------
    "phase.discovery": _PHASES[Phase.DISCOVERY],
    "phase.define": _PHASES[Phase.DEFINE],
    "phase.decision": _PHASES[Phase.DECISION],
    "phase.delivery": _PHASES[Phase.DELIVERY],
    "phase.maintenance": _PHASES[Phase.MAINTENANCE],
    "count.deals": "{n}件",
    "common.separator": "、",
    "common.no_owner": "（担当者なし）",
    "common.no_currency": "（通貨なし）",
    "common.none": "なし",
    "common.yes": "はい",
    "common.no": "いいえ",
    "filter.pipeline": "パイプライン",
    "filter.phase": "フェーズ",
    "filter.owner": "担当者",
    "owner.inactive": "無効: {where}",
    "owner.to_fallback": "タスクは代替担当者 {name} に割り当てられます",
    "owner.nobody": "タスクは誰にも届きません (no_owner)",
    "run.unmapped_stage": _unmapped,
    "run.missing_field": "CRM にない項目: {line}",
    "missing.deal": "{what} -> {field}: 案件にこの項目がありません",
    "missing.link": "{what} -> {field}: 案件とコンタクトの関連にこの項目がありません",
    "missing.contact": "{what} -> {field}: コンタクトにこの項目がありません",
    "missing.pipeline_fallback": "（すべての案件が「*」のステージマップを使います）",
    "run.errors": "評価できなかった案件: {n}件（ログを参照）",
    # -- deal findings -------------------------------------------------------------------------
    "finding.stage_ahead_of_evidence": _stage_ahead,
    "finding.approval_rejected": lambda: "稟議が却下されました",
    "finding.close_date_passed": _close_date_passed,
    "finding.opponent_key_person": _opponents,
    "finding.single_threaded": lambda contacts: (
        f"シングルスレッド: 案件のコンタクトが{contacts}名のみです"
    ),
    "finding.no_owner": _no_owner,
    # -- the terminal table --------------------------------------------------------------------
    "table.title": "dealgate 監査: {crm}、{stamp}",
    "table.col.deal": "案件",
    "table.col.owner": "担当者",
    "table.col.phase": "フェーズ",
    "table.col.rank": "ランク",
    "table.col.evidence": "根拠",
    "table.col.evaluated": "評価数",
    "table.col.failing": "未達のゲート",
    "table.col.findings": "指摘事項",
    "table.skipped_legend": "{mark} 前のフェーズのゲート: ステージが根拠より先行しています。",
    "table.no_deal": "対象の案件はありません。",
    "table.totals": lambda deals, failing, flagged: (
        f"監査した案件 {deals}件、うちゲート未達 {failing}件、ステージが根拠より先行 {flagged}件。"
    ),
    "table.phases": "フェーズ別の案件",
    "table.phases.deals": "案件数",
    "table.phases.failing": "未達あり",
    "table.stage_ahead": "ステージ先行",
    "table.avg_evidence": "根拠スコア平均",
    "table.amount": "金額",
    "table.top_gates": "未達の多いゲート",
    "table.top_gates.gate": "ゲート",
    "table.top_gates.failed": "未達",
    "table.top_gates.pass_rate": "達成率",
    "table.top_gates.title": "内容",
    "table.owners": "担当者別",
    "table.owners.failing_deals": "未達のある案件",
    "table.owners.failing_gates": "未達のゲート",
    # -- CSV headers ---------------------------------------------------------------------------
    "csv.deal_id": "案件ID",
    "csv.deal_name": "案件名",
    "csv.owner_id": "担当者ID",
    "csv.owner_name": "担当者名",
    "csv.pipeline": "パイプライン",
    "csv.stage": "ステージ",
    "csv.phase": "フェーズ",
    "csv.amount": "金額",
    "csv.currency": "通貨",
    "csv.close_date": "完了予定日",
    "csv.crm_probability": "CRM確度",
    "csv.evidence_score": "根拠スコア",
    "csv.gates_evaluated": "評価したゲート数",
    "csv.rank": "確度ランク",
    "csv.gate_id": "ゲートID",
    "csv.gate_title": "ゲート",
    "csv.gate_phase": "ゲートのフェーズ",
    "csv.skipped_phase": "フェーズ飛ばし",
    "csv.reasons": "理由",
    "csv.true": "はい",
    "csv.false": "いいえ",
    # -- the HTML report -----------------------------------------------------------------------
    "html.title": "dealgate 監査レポート: {crm}",
    "html.subtitle": "{deals}、{stamp} に評価",
    "html.footer": (
        "dealgate が {stamp} に作成。このファイルだけで完結しており、"
        "ネットワークから何も読み込みません。"
    ),
    "html.section.overview": "概要",
    "html.section.funnel": "フェーズ別ファネル",
    "html.section.gate-pass-rates": "フェーズ別ゲート達成率",
    "html.section.forecast": "CRM 予測と根拠で重み付けした金額",
    "html.section.stage-ahead": "根拠より先行するステージ",
    "html.section.owners": "担当者",
    "html.section.run": "この実行について",
    "html.empty": "この範囲に案件はありません。",
    "html.card.deals": "監査した案件",
    "html.card.failing": "ゲート未達のある案件",
    "html.card.flagged": "ステージが根拠より先行している案件",
    "html.card.evidence": "根拠スコアの平均",
    "html.overview.note": "オープンなパイプライン（発見から決定まで）: {pipeline}。",
    "html.funnel.note": "フェーズごとの案件数と金額。失注した案件はどのフェーズにも入りません。",
    "html.rates.note": (
        "評価した案件のうち各ゲートを満たす割合を、案件のいるフェーズ別に示します。"
        "灰色（未評価）: 根拠が CRM の項目にマッピングされておらず、評価できません。"
        "白の破線とダッシュ: そのフェーズの案件には適用されないゲートです。"
        "対象の案件がないフェーズは省いています。"
    ),
    "html.forecast.note": (
        "オープンな案件 ({selling})。CRM 予測: 金額 × CRM のステージ確度。"
        "根拠で重み付けした金額: 金額 × 満たしたゲートが裏付ける割合。"
        "パイプラインの根拠の厚みを示すもので、売上予測ではありません。通貨は合算しません。"
    ),
    "html.forecast.left_out": lambda n: (
        f" 金額のない案件{n}件は予測に含めていません（重み付けする金額がありません）。"
    ),
    "html.forecast.all_open": "オープン合計",
    "html.col.deal": "案件",
    "html.col.owner": "担当者",
    "html.col.phase": "フェーズ",
    "html.col.currency": "通貨",
    "html.col.deals": "案件数",
    "html.col.open_amount": "オープン金額",
    "html.col.crm_forecast": "CRM 予測",
    "html.col.evidence_forecast": "根拠で重み付けした金額",
    "html.col.gap": "差",
    "html.col.crm_stage": "CRM ステージ",
    "html.col.amount": "金額",
    "html.col.rank": "確度ランク",
    "html.col.evidence": "根拠",
    "html.col.evaluated": "評価したゲート数",
    "html.col.skipped": "飛ばしたゲート",
    "html.col.failing_deals": "未達のある案件",
    "html.col.failing_gates": "未達のゲート",
    "html.col.stage_ahead": "ステージ先行",
    "html.col.avg_evidence": "根拠スコア平均",
    "html.stage_ahead.note": lambda n: (
        f"{n}件の案件が、ステージより前のフェーズのゲートを満たしていません。"
        "手順を飛ばしたか、根拠なしにステージを進めています。金額の大きい順、"
        "次に飛ばしたゲートの多い順です。"
    ),
    "html.stage_ahead.more": (
        "ほか{n}件はここに載せていません（JSON と CSV のレポートにはすべての案件があります）。"
    ),
    "html.owners.note": "担当者ごとの案件。未達のゲートは、dealgate が書き込むタスクです。",
    "html.run.deals_read": "読み込んだ案件",
    "html.run.deals_evaluated": "評価した案件",
    "html.run.deals_audited": "監査した案件（対象範囲）",
    "html.run.without_phase": "失注（フェーズなし）",
    "html.run.filtered_out": "絞り込みの対象外",
    "html.run.errors": "評価できなかった案件",
    "html.run.missing_fields": "CRM にないマッピング済みの項目:",
    "html.run.note": "CRM: {crm}。絞り込み: {filters}。",
    "html.run.filter": "{name} = {value}",
    # -- the charts ----------------------------------------------------------------------------
    "chart.funnel": "フェーズ別の案件",
    "chart.funnel.none": "この範囲に案件はありません",
    "chart.funnel.tip": "{phase}: {deals}",
    "chart.rates": "案件のフェーズ別ゲート達成率",
    "chart.rates.not_applicable": "{gate} は{phase}の案件には適用されません",
    "chart.rates.cell": lambda gate, phase, passed, failed, not_evaluated: (
        f"{phase}の案件での {gate}: 達成 {passed}件、未達 {failed}件、未評価 {not_evaluated}件"
    ),
    "chart.rates.not_eval": "未評価",
    "chart.legend.pass": "達成率 {rate}",
    "chart.legend.rates": "達成率 0% / 50% / 100%",
    "chart.legend.not_evaluated_tip": "未評価",
    "chart.legend.not_evaluated": "未評価: 根拠がマッピングされていません",
    "chart.legend.not_applicable_tip": "適用外",
    "chart.legend.not_applicable": "–: そのフェーズの案件には適用されないゲート",
    "chart.forecast": "{currency} の予測",
    "chart.forecast.amount": "オープン金額",
    "chart.forecast.crm": "CRM 予測",
    "chart.forecast.crm_legend": "CRM 予測（ステージ確度）",
    "chart.forecast.evidence": "根拠で重み付けした金額",
    "chart.forecast.tip": "{phase}、{name}: {value}",
    # -- one cycle -----------------------------------------------------------------------------
    "cycle.dry": _dry_summary,
    "cycle.live": _live_summary,
    "cycle.refused": "、拒否{n}件",
    "cycle.unmapped": "。マッピングにないステージの案件{n}件をスキップ",
    "cycle.interrupted": "（中断）",
    "cycle.verdicts_dry": "、案件の判定{n}件を書き込み予定",
    "cycle.verdicts_written": "、案件の判定{n}件を書き込み",
    "cycle.verdicts_refused": "（拒否{n}件）",
    "cycle.verdict": "~ 案件 {deal} の判定: {changes}",
    "cycle.verdict_empty": "（空）",
    "cycle.create": "+ 作成 {gate} 案件 {deal} 担当 {owner} [{detail}]: {subject}",
    "cycle.complete": "- 完了 {gate} 案件 {deal}（タスク {task}、{detail}）",
    "cycle.refused_action": "  拒否されました: {error}",
    "cycle.warning": "警告: {line}",
    "cycle.priority.high": "優先度 高",
    "cycle.priority.normal": "優先度 中",
    "cycle.priority.low": "優先度 低",
    "cycle.why.passed": "ゲート達成",
    "cycle.why.left_scope": "対象外になった案件",
    "cycle.why.deleted": "削除された案件",
    "cycle.why.moot": "受注済みで不要",
    "cycle.why.gate_off": "ゲート無効",
    # -- `dealgate demo` -----------------------------------------------------------------------
    "demo.headline": lambda crm, read, evaluated, created, deferred, calls: (
        f"[bold]dealgate デモ[/bold]（{crm} サンドボックス）: 案件{read}件を読み込み、"
        f"{evaluated}件を評価、タスク{created}件を作成、担当者ごとの上限により{deferred}件を保留、"
        f"API 呼び出し{calls}回。"
    ),
    "demo.phases": "フェーズ別の案件",
    "demo.col.phase": "フェーズ",
    "demo.col.deals": "案件数",
    "demo.closed_lost": "（失注）",
    "demo.unmapped": "（マッピングにないステージ: スキップ）",
    "demo.gates": "未達の多いゲート",
    "demo.col.gate": "ゲート",
    "demo.col.failing": "未達の案件数",
    "demo.owners": "担当者別の作成タスク",
    "demo.col.owner": "担当者",
    "demo.col.tasks": "タスク数",
    "demo.findings": "プランナーが見つけた指摘事項",
    "demo.col.finding": "指摘",
    "demo.col.meaning": "意味",
    "demo.meaning.no_owner": (
        "担当者が無効で tasks.fallback_owner もないため、タスクを作成していません"
    ),
    "demo.meaning.stage_ahead_of_evidence": (
        "CRM のステージが根拠より先行しています（手順の飛ばし）"
    ),
    "demo.meaning.approval_rejected": "顧客の稟議が却下されました",
    "demo.meaning.close_date_passed": "オープンな案件の完了予定日が過ぎています",
    "demo.meaning.opponent_key_person": "意思決定者または承認権限者が反対者で、対策がありません",
    "demo.meaning.single_threaded": "案件のコンタクトが1名以下です",
    "demo.warning": "[yellow]警告:[/yellow] {line}",
    "demo.task": "[bold]担当者から見たタスクの例:[/bold] {subject}",
    "demo.verdicts": "CRMの案件に書き込まれた判定",
    "verdict.label.phase": "dealgate フェーズ",
    "verdict.label.evidence_score": "dealgate 根拠スコア",
    "verdict.label.missing_steps": "dealgate 未完了の手順数",
    "verdict.label.next_step": "dealgate 次の手順",
    "verdict.label.stage_ahead": "dealgate 根拠よりステージが先行",
    "verdict.label.verdict_at": "dealgate 判定日時",
    "demo.col.deal": "案件",
    "demo.next": "次に試すこと:",
    "demo.next.serve": "このサンドボックスを起動したままにし、設定を表示",
    "demo.next.audit": "その管理者向けレポート",
    "demo.next.init": "自社の CRM 用の設定",
}
