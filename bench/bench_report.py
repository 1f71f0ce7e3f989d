"""Targets, verdicts and the printed table of bench/run; machine facts and the JSON results."""

import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path

PAGES = {  # manifest page name: (label, targets on SQLite)
    "operator_tickets": ("Обращения: список оператора", {"rps": 200, "p99_ms": 300, "ratio": 0.5}),
    "school_tickets": ("Обращения: список школы", {"rps": 200, "p99_ms": 300, "ratio": 0.5}),
    "ticket": ("Обращение, 10 сообщений", {"rps": 200}),
    "kb_search": ("База знаний: поиск", {"rps": 150}),
    "article": ("База знаний: статья", {"rps": 300}),
    "journal": ("Журнал 30 × 80", {"rps": 100}),
    "regional_dashboard": ("Панель региона", {"rps": 50}),
    "municipal_dashboard": ("Панель муниципалитета", {"rps": 50}),
}
CEILING = "ceiling"
CEILING_LABEL = "Потолок: Flask + sqlite3, 50 строк"
SUMMARY_TARGET_S = 3.0
MEMORY_TARGET_KB = 1024 * 1024  # all workers together under 1 GB
LEGEND = ("CPU, мс — процессорное время воркеров за замер на один ответ (от чужой нагрузки на машину не "
          "зависит); к потолку — запр/с страницы, делённые на запр/с потолка")
SLOWER_FLAG = 2.0  # a PostgreSQL page more than this many times slower than on SQLite is flagged


def target_text(targets):
    """«≥200/с, p99<300, ≥0.5×» for a page's targets."""
    parts = [f"≥{targets['rps']}/с"]
    if "p99_ms" in targets:
        parts.append(f"p99<{targets['p99_ms']}")
    if "ratio" in targets:
        parts.append(f"≥{targets['ratio']}×")
    return ", ".join(parts)


def sqlite_misses(row, targets):
    """The targets a page missed on SQLite, in Russian."""
    misses = []
    if row["rps"] < targets["rps"]:
        misses.append(f"меньше {targets['rps']} запр/с")
    if "p99_ms" in targets and row["p99_ms"] >= targets["p99_ms"]:
        misses.append(f"p99 не меньше {targets['p99_ms']} мс")
    if "ratio" in targets and (row.get("ratio") or 0) < targets["ratio"]:
        misses.append(f"к потолку меньше {targets['ratio']}")
    return misses


def failures(row):
    """What went wrong in a wrk run, in Russian: no answers, answers other than 200, connection errors."""
    found = []
    if row["requests"] == 0:
        found.append("за замер не пришло ни одного ответа (страница отвечает дольше замера?)")
    if row["not_200"] or row["non_2xx"]:
        found.append(f"ответы не 200: {max(row['not_200'], row['non_2xx'])} "
                     f"(последний код {row['last_bad_status']})")
    if row["socket_errors"]:
        found.append(f"ошибки соединений и тайм-ауты: {row['socket_errors']}")
    return found


def judge_page(name, row, is_sqlite, compare):
    """Fill row's target, ok and problems: targets on SQLite, the ratio to a SQLite run elsewhere."""
    targets = PAGES[name][1] if name in PAGES else {}
    row.setdefault("problems", [])
    if "rps" not in row:
        row.update(target="—", ok=False)
        return row
    row["problems"] += failures(row)
    if is_sqlite and targets:
        row["target"] = target_text(targets)
        row["problems"] += sqlite_misses(row, targets)
    elif name in compare:
        row["sqlite_rps"] = compare[name]
        row["to_sqlite"] = round(row["rps"] / compare[name], 3) if compare[name] else None
        row["target"] = f"SQLite {compare[name]:.0f}/с, здесь {row['to_sqlite'] or 0:.2f}×"
        if row["rps"] * SLOWER_FLAG < compare[name]:
            row["problems"].append(f"в {compare[name] / max(row['rps'], 0.01):.2f} раза медленнее SQLite")
    else:
        row["target"] = "—"
    row["ok"] = not row["problems"]
    return row


def judge_summary(summary):
    """Quarterly summary: the median of the runs under SUMMARY_TARGET_S."""
    if "seconds" in summary:
        summary["median_s"] = statistics.median(summary["seconds"])
        summary["best_s"] = min(summary["seconds"])
        summary["cpu_median_s"] = statistics.median(summary["cpu_seconds"])
        if summary.get("summary_seconds"):
            summary["summary_median_s"] = statistics.median(summary["summary_seconds"])
        summary["ok"] = summary["median_s"] < SUMMARY_TARGET_S
    else:
        summary["ok"] = False
    return summary


def judge_memory(memory):
    """Workers' summed peaks under MEMORY_TARGET_KB."""
    memory["ok"] = memory["workers_peak_kb"] < MEMORY_TARGET_KB
    return memory


def compared_run(path):
    """({page: rps}, the SQLite file its ceiling read) of a previous results file (a SQLite run)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rps = {name: row["rps"] for name, row in data.get("pages", {}).items() if row.get("rps")}
    return rps, data.get("run", {}).get("ceiling_path")


def _first_line(path, prefix):
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine_facts():
    """Date, cores, CPU, memory, load average, Python: what the figures depend on."""
    memory_kb = _first_line("/proc/meminfo", "MemTotal")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cores": os.cpu_count(),
        "cpu": _first_line("/proc/cpuinfo", "model name") or platform.processor(),
        "memory_gb": round(int(memory_kb.split()[0]) / 1024 / 1024, 1) if memory_kb else None,
        "load_average_start": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _cell(value, digits=0):
    return "—" if value is None else f"{value:.{digits}f}"


def table_lines(rows):
    """The table: page | rps | p50 | p99 | workers' CPU per request | ratio to ceiling | target | verdict."""
    header = ("страница", "запр/с", "p50, мс", "p99, мс", "CPU, мс", "к потолку", "цель", "итог")
    lines = [header]
    for name, row in rows.items():
        label = CEILING_LABEL if name == CEILING else PAGES[name][0]
        verdict = "ok" if row.get("ok") else "FAIL"
        figures = (_cell(row.get("rps"), 1), _cell(row.get("p50_ms"), 1), _cell(row.get("p99_ms"), 1),
                   _cell(row.get("cpu_ms"), 1), _cell(row.get("ratio"), 2))
        lines.append((label, *figures, row.get("target", "—"), verdict))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = [" | ".join(cell.ljust(width) if column in (0, 6) else cell.rjust(width)
                       for column, (cell, width) in enumerate(zip(line, widths, strict=True)))
            for line in lines]
    text.insert(1, "-+-".join("-" * width for width in widths))
    return text


def facts_lines(results):
    """The run's circumstances, one line each."""
    machine, run = results["machine"], results["run"]
    return [
        f"Дата: {machine['date']}; ядер: {machine['cores']} ({machine['cpu']}), "
        f"памяти {machine['memory_gb']} ГБ; load average {machine['load_average_start']} в начале, "
        f"{machine.get('load_average_end', '—')} в конце",
        f"Python {machine['python']}, gunicorn {run['gunicorn']} ({run['workers']} sync-воркера, "
        f"настройки: {run['gunicorn_config']}), {run['wrk']}",
        f"База: {run['database']}, масштаб: {run['scale']}; wrk: {run['connections']} соединений, "
        f"{run['duration']} на страницу после прогрева {run['warmup']}",
        f"Потолок читает: {run['ceiling_database']}",
    ]


def _verdict(part):
    if not part.get("judged", True):
        return ("ok" if part["ok"] else "больше") + " (цель — для SQLite; здесь только для сравнения)"
    return "ok" if part["ok"] else "FAIL"


def _summary_line(summary):
    inner = ""
    if "summary_median_s" in summary:
        inner = (f"; сама сводка — расчёт и запись файла — {summary['summary_median_s']:.2f} с, "
                 "остальное — запуск Python и портала")
    return (f"Сводка за {summary['quarter']} кв. {summary['year']} г. (opora reports quarterly, XLSX, "
            f"команда целиком): медиана {summary['median_s']:.2f} с, лучшее {summary['best_s']:.2f} с из "
            f"{len(summary['seconds'])} (процессор: медиана {summary['cpu_median_s']:.2f} с{inner}); "
            f"цель < {SUMMARY_TARGET_S:.0f} с — {_verdict(summary)}")


def summary_lines(results):
    """The quarterly summary, the workers' memory and the overall verdict."""
    lines = []
    summary = results.get("quarterly")
    if summary:
        if "median_s" in summary:
            lines.append(_summary_line(summary))
        else:
            lines.append(f"Сводка за квартал: ОШИБКА — {summary.get('error')}")
    memory = results.get("memory")
    if memory:
        lines.append(f"Память воркеров портала: пик (VmHWM) {memory['workers_peak_kb'] / 1024:.0f} МБ на "
                     f"{len(memory['workers'])}, сейчас (VmRSS) {memory['workers_rss_kb'] / 1024:.0f} МБ, "
                     f"с общими страницами, поделёнными между воркерами (PSS), "
                     f"{memory.get('workers_pss_kb', 0) / 1024:.0f} МБ; "
                     f"мастер {memory['master']['VmHWM'] / 1024:.0f} МБ; цель < 1 ГБ — {_verdict(memory)}")
    return lines


def problems_lines(results):
    """What failed and why, per page."""
    lines = []
    for name, row in results["pages"].items():
        label = CEILING_LABEL if name == CEILING else PAGES[name][0]
        lines += [f"  {label}: {problem}" for problem in row.get("problems", [])]
    return lines


def print_results(results):
    """Print the facts, the table, the summary and the problems."""
    print()
    for line in [*facts_lines(results), "", *table_lines(results["pages"]), LEGEND, "",
                 *summary_lines(results)]:
        print(line)
    problems = problems_lines(results)
    if problems:
        print("\nНе выполнено:")
        print("\n".join(problems))
    print(f"\nИтог: {'все цели выполнены' if results['ok'] else 'ЕСТЬ НЕВЫПОЛНЕННЫЕ ЦЕЛИ'}")


def write_json(results, path):
    """Write the results as JSON (UTF-8, Russian readable)."""
    Path(path).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
