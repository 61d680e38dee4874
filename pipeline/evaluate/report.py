"""Aggregated scores, the JSON and Markdown reports, and the comparison with a baseline."""

from __future__ import annotations

from typing import Any

from pipeline.evaluate.score import Counts, DocScore

METRICS = ("cell_f1", "cell_precision", "cell_recall", "metadata_accuracy", "project_f1",
           "indicator_f1", "indicator_field_accuracy", "figure_f1", "figure_recall",
           "flag_recall", "flag_precision")


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _scores(cells: Counts, meta: tuple[int, int], projects: Counts, indicators: Counts,
            ind_fields: tuple[int, int], figures: Counts, anomalies: tuple[int, int],
            flags: tuple[int, int]) -> dict[str, Any]:
    c, p, i, f = cells.as_dict(), projects.as_dict(), indicators.as_dict(), figures.as_dict()
    return {
        "cell_f1": c["f1"], "cell_precision": c["precision"], "cell_recall": c["recall"],
        "metadata_accuracy": _ratio(*meta),
        "project_f1": p["f1"] if p["precision"] is not None else p["recall"],
        "indicator_f1": i["f1"] if i["precision"] is not None else i["recall"],
        "indicator_field_accuracy": _ratio(*ind_fields),
        "figure_f1": f["f1"], "figure_recall": f["recall"],
        "flag_recall": _ratio(*anomalies), "flag_precision": _ratio(*flags),
        "counts": {"cells": c, "projects": p, "indicators": i, "figures": f,
                   "metadata": {"correct": meta[0], "total": meta[1]},
                   "anomalies": {"flagged": anomalies[0], "annotated": anomalies[1]},
                   "error_flags": {"matching": flags[0], "total": flags[1]}},
    }


def doc_scores(s: DocScore) -> dict[str, Any]:
    return _scores(s.cells, (s.metadata_correct, s.metadata_total), s.projects, s.indicators,
                   (s.indicator_fields_correct, s.indicator_fields_total), s.figures,
                   (s.anomalies_flagged, s.anomalies_total),
                   (s.error_flags_matching, s.error_flags_total))


def build_report(docs: list[DocScore], extractor: str, gold_dir: str) -> dict[str, Any]:
    """The JSON report: overall, per table kind, per document, and every miss."""
    cells, projects, indicators, figures = Counts(), Counts(), Counts(), Counts()
    by_kind: dict[str, Counts] = {}
    meta = [0, 0]
    ind_fields = [0, 0]
    anomalies = [0, 0]
    flags = [0, 0]
    for s in docs:
        cells.add(s.cells)
        projects.add(s.projects)
        indicators.add(s.indicators)
        figures.add(s.figures)
        for k, c in s.cells_by_kind.items():
            by_kind.setdefault(k, Counts()).add(c)
        meta[0] += s.metadata_correct
        meta[1] += s.metadata_total
        ind_fields[0] += s.indicator_fields_correct
        ind_fields[1] += s.indicator_fields_total
        anomalies[0] += s.anomalies_flagged
        anomalies[1] += s.anomalies_total
        flags[0] += s.error_flags_matching
        flags[1] += s.error_flags_total
    return {
        "report_format": "budget-extract-eval/1",
        "extractor": extractor,
        "gold_dir": gold_dir,
        "overall": _scores(cells, (meta[0], meta[1]), projects, indicators,
                           (ind_fields[0], ind_fields[1]), figures, (anomalies[0], anomalies[1]),
                           (flags[0], flags[1])),
        "by_kind": {k: by_kind[k].as_dict() for k in sorted(by_kind)},
        "documents": {
            s.document: {"coverage": s.coverage, "seconds": s.seconds, "error": s.error,
                         **({"model": s.model} if s.model is not None else {}),
                         **doc_scores(s),
                         "cells_by_kind": {k: c.as_dict() for k, c in sorted(s.cells_by_kind.items())},
                         "misses": [m.as_dict() for m in s.misses]}
            for s in docs
        },
    }


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.4f}".rstrip("0").rstrip(".") if x not in (0, 1) else str(int(x))


def to_markdown(report: dict[str, Any], comparison: dict[str, Any] | None = None,
                max_misses: int = 40) -> str:
    """The Markdown report: overall, per kind, per document, comparison, then the misses."""
    o = report["overall"]
    c = o["counts"]
    lines = [f"# Eval: extractor `{report['extractor']}`, gold `{report['gold_dir']}`", "",
             *_pairing_lines(report),
             "| metric | score | counts |", "|---|---|---|",
             f"| table cells F1 | {_fmt(o['cell_f1'])} | P {_fmt(o['cell_precision'])}, R "
             f"{_fmt(o['cell_recall'])} ({c['cells']['tp']} right, {c['cells']['fp']} extra or "
             f"wrong, {c['cells']['fn']} missed or wrong) |",
             f"| metadata accuracy | {_fmt(o['metadata_accuracy'])} | {c['metadata']['correct']}"
             f"/{c['metadata']['total']} fields |",
             f"| projects F1 | {_fmt(o['project_f1'])} | {c['projects']['tp']} right, "
             f"{c['projects']['fp']} extra, {c['projects']['fn']} missed |",
             f"| indicator rows F1 (all fields) | {_fmt(o['indicator_f1'])} | field accuracy "
             f"{_fmt(o['indicator_field_accuracy'])}; {c['indicators']['tp']} right, "
             f"{c['indicators']['fp']} extra, {c['indicators']['fn']} missed |",
             f"| narrative figures F1 | {_fmt(o['figure_f1'])} | R {_fmt(o['figure_recall'])}; "
             f"{c['figures']['tp']} right, {c['figures']['fp']} extra, {c['figures']['fn']} missed |",
             f"| anomalies flagged (recall) | {_fmt(o['flag_recall'])} | "
             f"{c['anomalies']['flagged']}/{c['anomalies']['annotated']} |",
             f"| error flags on an anomaly (precision) | {_fmt(o['flag_precision'])} | "
             f"{c['error_flags']['matching']}/{c['error_flags']['total']} |",
             "", "## By table kind", "", "| kind | cells F1 | P | R | right | extra/wrong | missed |",
             "|---|---|---|---|---|---|---|"]
    for k, v in report["by_kind"].items():
        lines.append(f"| {k} | {_fmt(v['f1'])} | {_fmt(v['precision'])} | {_fmt(v['recall'])} | "
                     f"{v['tp']} | {v['fp']} | {v['fn']} |")
    lines += ["", "## By document", "",
              "| document | gold | cells F1 | metadata | projects | indicators | figures | "
              "anomalies flagged | error flags on anomalies |", "|---|---|---|---|---|---|---|---|---|"]
    for name, d in report["documents"].items():
        dc = d["counts"]
        fig = d["figure_f1"] if d["figure_f1"] is not None else d["figure_recall"]
        lines.append(
            f"| {name} | {d['coverage']} | {_fmt(d['cell_f1'])} | {_fmt(d['metadata_accuracy'])} | "
            f"{_fmt(d['project_f1'])} | {_fmt(d['indicator_f1'])} | {_fmt(fig)} | "
            f"{dc['anomalies']['flagged']}/{dc['anomalies']['annotated']} | "
            f"{dc['error_flags']['matching']}/{dc['error_flags']['total']} |"
            + (f" error: {d['error']}" if d["error"] else ""))
    if comparison:
        lines += ["", comparison_markdown(comparison)]
    lines += ["", "## Misses", "", "Every disagreement, per document (all of them are in the JSON "
              "report).", ""]
    for name, d in report["documents"].items():
        misses = d["misses"]
        if not misses:
            continue
        lines.append(f"### {name} ({len(misses)})")
        lines.append("")
        lines.append("| area | what | expected | found | page |")
        lines.append("|---|---|---|---|---|")
        for m in misses[:max_misses]:
            lines.append(f"| {m['area']} | {_cell(m['what'])} | {_cell(m['expected'])} | "
                         f"{_cell(m['found'])} | {m['page'] or ''} |")
        if len(misses) > max_misses:
            lines.append(f"| … | {len(misses) - max_misses} more in the JSON report | | | |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _pairing_lines(report: dict[str, Any]) -> list[str]:
    """The note on a by-stem pairing (converted text scored against a PDF's gold)."""
    pairing = report.get("pairing")
    if not pairing:
        return []
    out = [f"Documents paired with the gold by file stem, sha256 NOT checked "
           f"({len(pairing['documents'])} pairs).", ""]
    if pairing["gold_without_document"]:
        out += ["Gold files with no document of their stem (not scored): "
                + ", ".join(pairing["gold_without_document"]), ""]
    return out


def _cell(x: Any) -> str:
    return "" if x is None else str(x).replace("|", "\\|").replace("\n", " ")[:160]


def compare(report: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """What improved and what regressed against ``baseline`` (an earlier JSON report)."""
    def diff(new: dict, old: dict) -> dict[str, dict]:
        out = {}
        for m in METRICS:
            a, b = old.get(m), new.get(m)
            if a != b:
                out[m] = {"before": a, "after": b,
                          "change": None if a is None or b is None else round(b - a, 4)}
        return out

    def keyset(d: dict) -> set[tuple]:
        return {(m["area"], m["what"], m["expected"], m["found"]) for m in d.get("misses", [])}

    docs = {}
    for name, d in report["documents"].items():
        old = baseline.get("documents", {}).get(name)
        if old is None:
            docs[name] = {"new_document": True}
            continue
        fixed = sorted(keyset(old) - keyset(d))
        new = sorted(keyset(d) - keyset(old))
        changes = diff(d, old)
        if changes or fixed or new:
            docs[name] = {"metrics": changes,
                          "fixed": [list(x) for x in fixed], "new_misses": [list(x) for x in new]}
    return {"baseline_extractor": baseline.get("extractor"), "overall": diff(report["overall"],
            baseline.get("overall", {})), "documents": docs}


def comparison_markdown(cmp: dict[str, Any]) -> str:
    lines = ["## Against the baseline", ""]
    if not cmp["overall"] and not cmp["documents"]:
        return "\n".join([*lines, "No change."])
    for m, v in cmp["overall"].items():
        arrow = "improved" if (v["change"] or 0) > 0 else "regressed" if (v["change"] or 0) < 0 else "changed"
        lines.append(f"- overall {m}: {_fmt(v['before'])} → {_fmt(v['after'])} ({arrow})")
    for name, d in cmp["documents"].items():
        if d.get("new_document"):
            lines.append(f"- {name}: not in the baseline")
            continue
        parts = [f"{m} {_fmt(v['before'])} → {_fmt(v['after'])}" for m, v in d["metrics"].items()]
        lines.append(f"- {name}: " + ("; ".join(parts) or "same scores")
                     + f"; {len(d['fixed'])} misses fixed, {len(d['new_misses'])} new")
        for x in d["new_misses"][:10]:
            lines.append(f"  - new: {x[0]} {x[1]}: expected {x[2]}, found {x[3]}")
        for x in d["fixed"][:10]:
            lines.append(f"  - fixed: {x[0]} {x[1]}")
    return "\n".join(lines)


def regressed(cmp: dict[str, Any]) -> bool:
    """True if any overall metric went down."""
    return any((v["change"] or 0) < 0 for v in cmp["overall"].values())
