"""The issue's «done when»: a script with a token files a ticket with an attachment, polls it until an
operator answers, and prints the answer (scripts/api_example.py against a live server)."""

import importlib.util
import io
import threading
import time
from pathlib import Path

from sqlalchemy import select

from app.api import constants as c
from tickets import services
from tickets.models import Ticket

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_example.py"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SUBJECT = "Не открывается электронный журнал"


def load_script():
    spec = importlib.util.spec_from_file_location("api_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wait_for_ticket(db, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot: the server commits in another thread
        ticket = db.session.scalar(select(Ticket).where(Ticket.subject == SUBJECT))
        if ticket is not None:
            return ticket
        time.sleep(0.1)
    raise AssertionError("the script filed no ticket")


def wait_for_output(out, text, seconds=30):
    """Until the script has printed text: the server answers the filing after it commits the ticket."""
    deadline = time.monotonic() + seconds
    while text not in out.getvalue():
        if time.monotonic() >= deadline:
            raise AssertionError(f"the script never printed {text!r}; it printed {out.getvalue()!r}")
        time.sleep(0.05)


def test_the_script_files_a_ticket_waits_for_the_operator_and_prints_the_answer(
        live_server, make, tokens, queues, db, tmp_path):
    teacher, operator = make.user("teacher"), make.user("operator")
    raw, _token = tokens.token(teacher, c.WRITE)
    screenshot = tmp_path / "экран.png"
    screenshot.write_bytes(PNG)
    out, result = io.StringIO(), {}
    argv = ["--base-url", live_server, "--token", raw, "--subject", SUBJECT, "--body", "Белый экран.",
            "--file", str(screenshot), "--interval", "0.2", "--timeout", "60"]
    script = load_script()
    thread = threading.Thread(target=lambda: result.update(code=script.main(argv, out=out)), daemon=True)
    thread.start()

    ticket = wait_for_ticket(db)
    assert ticket.requester_id == teacher.id and ticket.source == "api"
    assert [attachment.filename for attachment in ticket.attachments] == ["экран.png"]
    wait_for_output(out, "waiting for an answer")
    time.sleep(0.5)  # the script polls every 0.2 s: there is no answer to print yet
    assert thread.is_alive() and "Answer from" not in out.getvalue()
    services.add_message(operator, ticket, "Очистите кэш браузера и войдите снова.")

    thread.join(timeout=30)
    assert result.get("code") == 0, out.getvalue()
    assert "Очистите кэш браузера и войдите снова." in out.getvalue()
    assert operator.full_name in out.getvalue()


def test_the_script_reports_an_api_error_and_gives_up_in_time(live_server, make, tokens, queues, capsys):
    script = load_script()
    assert script.main(["--base-url", live_server, "--token", "opora_wrong"]) == 1
    assert "401 unauthorized" in capsys.readouterr().err
    raw, _token = tokens.token(make.user("teacher"), c.WRITE)
    out = io.StringIO()
    assert script.main(["--base-url", live_server, "--token", raw, "--timeout", "0"], out=out) == 2
    assert "No answer yet" in out.getvalue()
