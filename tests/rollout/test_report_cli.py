"""`opora reports quarterly`: the same files as the web downloads, clear errors for bad arguments."""

import io
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.rollout import report_world


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def _run(runner, *args):
    return runner.invoke(args=["reports", "quarterly", "--year", "2010", "--quarter", "4", *args])


@pytest.mark.parametrize("file_format", ["xlsx", "pdf"])
def test_the_summary_file_is_the_web_download(world, runner, auth, client, tmp_path, file_format):
    output = tmp_path / f"summary.{file_format}"
    result = _run(runner, "--format", file_format, "--output", str(output))
    assert result.exit_code == 0, result.output
    assert "Записан" in result.output and "считаю показатели" in result.output
    auth.login(world.coordinator)
    web = client.get(f"/rollout/reports/summary.{file_format}?year=2010&quarter=4")
    assert output.read_bytes() == web.data


def test_one_municipality_s_report(world, runner, tmp_path):
    output = tmp_path / "gorod.xlsx"
    result = _run(runner, "--format", "xlsx", "--output", str(output), "--municipality", "MUN-GOROD")
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(output.read_bytes()))
    assert book["Показатели"]["A1"].value.endswith("Город, IV квартал 2010 г.")
    pdf = tmp_path / "gorod.pdf"
    assert _run(runner, "--format", "pdf", "--output", str(pdf), "--municipality", "MUN-GOROD").exit_code == 0
    assert "Школа № 1" in PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()


@pytest.mark.parametrize("args, message", [
    (["--quarter", "5"], "квартал"), (["--year", "2030"], "кварталы"), (["--year", "1"], "кварталы"),
    (["--municipality", "NOPE"], "NOPE"), (["--format", "doc"], "doc")])
def test_bad_arguments_exit_with_a_usage_error(world, runner, tmp_path, args, message):
    output = tmp_path / "out.xlsx"
    result = runner.invoke(args=["reports", "quarterly", "--year", "2010", "--quarter", "4",
                                 "--output", str(output), *args])
    assert result.exit_code == 2 and message in result.output
    assert not output.exists()


def _sheets(path):
    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_a_new_process_writes_the_same_figures(world, runner, database_url, instance_path, tmp_path):
    """As cron runs it: a new `opora` process, on an app without the web layer (a batch app)."""
    in_process, cron = tmp_path / "in-process.xlsx", tmp_path / "cron.xlsx"
    assert _run(runner, "--output", str(in_process)).exit_code == 0
    env = {**os.environ, "OPORA_ENV": "testing", "OPORA_DATABASE_URL": database_url,
           "OPORA_INSTANCE_PATH": instance_path}
    command = [sys.executable, "-c", "from app.cli import main; main()",
               "reports", "quarterly", "--year", "2010", "--quarter", "4", "--output", str(cron)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Записан" in done.stdout
    assert _sheets(cron) == _sheets(in_process)
