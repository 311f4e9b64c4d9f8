"""The table `make bench` prints: figure, value, baseline, ratio, goal, pass/fail."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from bench.wrk import Outcome

PASS, FAIL = "pass", "FAIL"
HEADINGS = ("figure", "value", "baseline", "ratio", "goal", "pass/fail")


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    goal: str = ""
    verdict: str = ""


def rate(value: float) -> str:
    return f"{value:,.0f}/s"


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:,.0f} ms"


def verdict(ok: bool, *outcomes: Outcome) -> str:
    """A figure with failed requests behind it proves nothing either way."""
    failed = sum(o.errors for o in outcomes)
    if any(o.requests == 0 for o in outcomes):
        return "ERROR (no answer within the run)"
    if failed:
        return f"ERROR (failed requests: {failed:,})"
    return PASS if ok else FAIL


def measured(figure: str, outcome: Outcome) -> Row:
    """A baseline or context row: throughput and latency, no goal."""
    value = f"{rate(outcome.rate)}, p50 {ms(outcome.p50_ms)}, p99 {ms(outcome.p99_ms)}"
    if outcome.timeouts:
        value += f", {outcome.timeouts:,} timed out"
    shown = verdict(True, outcome)
    return Row(figure, value, verdict="" if shown == PASS else shown)


def rate_at_least(figure: str, ours: Outcome, base: Outcome, minimum: float) -> Row:
    share = ours.rate / base.rate if base.rate else 0.0
    return Row(
        figure,
        rate(ours.rate),
        rate(base.rate),
        f"{share:.0%}",
        f">= {minimum:.0%}",
        verdict(share >= minimum, ours, base),
    )


def p99_below(figure: str, ours: Outcome, limit_ms: float, base: Outcome | None = None) -> Row:
    return Row(
        figure,
        ms(ours.p99_ms),
        ms(base.p99_ms) if base else "",
        f"{ours.p99_ms / base.p99_ms:.1f}x" if base and base.p99_ms else "",
        f"< {limit_ms:g} ms",
        verdict(ours.p99_ms < limit_ms, ours, *([base] if base else [])),
    )


def p99_within(figure: str, ours: Outcome, base: Outcome, low: float, high: float) -> Row:
    """``ours`` p99 between ``low`` and ``high`` times the baseline's p99."""
    ratio = ours.p99_ms / base.p99_ms if base.p99_ms else float("inf")
    goal = f"<= {high:g}x" if low <= 0 else f"{low:g}x .. {high:g}x"
    return Row(
        figure,
        ms(ours.p99_ms),
        ms(base.p99_ms),
        f"{ratio:.2f}x",
        goal,
        verdict(low <= ratio <= high, ours, base),
    )


def scalar(
    figure: str,
    value: float,
    unit: str,
    *,
    below: float | None = None,
    above: float | None = None,
    baseline: float | None = None,
    note: str = "",
) -> Row:
    """A figure with an absolute goal (seconds, MB, mails/s)."""
    ok = (below is None or value < below) and (above is None or value >= above)
    goal = f"< {below:g} {unit}" if below is not None else f">= {above:g} {unit}"
    return Row(
        figure,
        f"{value:,.2f} {unit}{note}",
        f"{baseline:,.2f} {unit}" if baseline is not None else "",
        f"{value / baseline:.2f}x" if baseline else "",
        goal,
        PASS if ok else FAIL,
    )


def failed(figure: str, reason: str) -> Row:
    return Row(figure, "not measured", goal=reason, verdict="ERROR")


def table(rows: list[Row]) -> str:
    """A Markdown table, padded so it also reads well in a terminal."""
    cells = [HEADINGS, *(astuple(row) for row in rows)]
    widths = [max(len(str(line[i])) for line in cells) for i in range(len(fields(Row)))]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
