"""CSV import of schools and responsible persons: encodings, validation, idempotency, the CLI."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.directory import importer
from app.directory.models import Appointment, Organization, Person
from app.errors import PermissionDenied, ValidationFailed

DATA = Path(__file__).parent / "data"
UTF8_FILE = DATA / "schools-utf8.csv"
CP1251_FILE = DATA / "schools-cp1251.csv"
BAD_FILE = DATA / "bad-rows.csv"


@pytest.fixture
def municipalities(make):
    """The municipalities the data files name (by name or by code)."""
    return {
        "tambov": make.municipality(code="M-TMB", name="Тамбовский район"),
        "mich": make.municipality(code="M-MICH", name="Управление народного образования г. Мичуринска"),
        "morsh": make.municipality(code="M-MRS", name="Моршанский район"),
    }


def counts(db):
    """Rows in every directory table."""
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Organization, Person, Appointment))


def name_of(db, code):
    """The stored name of the organization with the code."""
    return db.session.scalar(select(Organization.name).where(Organization.code == code))


def run_import(path, actor=None):
    """Import a data file as the CLI would (no actor)."""
    return importer.import_organizations(actor, Path(path).read_bytes(), Path(path).name)


def test_good_utf8_comma_file(db, municipalities):
    report = run_import(UTF8_FILE)
    assert report.errors == []
    assert (report.created, report.unchanged) == (3, 1)
    assert (report.appointments_created, report.people_created) == (3, 3)
    school = db.session.scalar(select(Organization).where(Organization.code == "SCH-101"))
    assert school.name == "МБОУ «Покрово-Пригородная СОШ», Тамбовский район"
    assert school.address == "с. Покрово-Пригородное, ул. Школьная, 1"
    assert school.parent is municipalities["tambov"]
    assert db.session.scalar(select(Organization).where(Organization.code == "SCH-201")).parent \
        is municipalities["mich"]
    appointment = school.appointments[0]
    assert (appointment.person.full_name, appointment.order_number) == ("Петрова Анна Сергеевна", "12-о")
    assert (appointment.order_date, appointment.starts_on) == (date(2010, 11, 10), date(2010, 11, 11))
    assert appointment.person.email == "petrova@school.test"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.imported"))
    assert event.details["created"] == 3 and event.details["appointments_created"] == 3


def test_row_with_a_municipality_code_appoints_the_municipal_office(db, municipalities):
    run_import(UTF8_FILE)
    office = municipalities["mich"]
    db.session.refresh(office)
    assert [a.person.full_name for a in office.appointments] == ["Кузнецова Ольга Ивановна"]
    assert office.kind == "municipality"
    assert office.appointments[0].starts_on == date(2010, 11, 12)


def test_good_cp1251_semicolon_file(db, municipalities):
    raw = CP1251_FILE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    report = run_import(CP1251_FILE)
    assert report.errors == []
    assert (report.created, report.appointments_created) == (2, 1)
    school = db.session.scalar(select(Organization).where(Organization.code == "SCH-301"))
    assert school.address == "с. Крюково, ул. Центральная, 5"
    assert school.appointments[0].person.full_name == "Семёнова Елена Викторовна"
    assert school.appointments[0].starts_on == date(2010, 11, 10)


def test_utf8_with_bom_and_english_or_mixed_case_headers(db, municipalities):
    raw = "\ufeffMUNICIPALITY;Code;наименование\nM-TMB;SCH-900;МБОУ СОШ с BOM\n".encode()
    report = importer.import_organizations(None, raw, "bom.csv")
    assert (report.errors, report.created) == ([], 1)
    assert name_of(db, "SCH-900") == "МБОУ СОШ с BOM"


def test_bad_file_reports_each_line_and_writes_nothing(db, municipalities):
    before = counts(db)
    report = run_import(BAD_FILE)
    lines = [line for line, _message in report.errors]
    assert lines == [6, 7, 8, 9, 10, 11, 12]
    messages = dict(report.errors)
    assert "Нетакой район" in messages[6]
    assert "Не указан код" in messages[7]
    assert "not-an-email" in messages[8]
    assert "31.02.2010" in messages[9]
    assert "неполные" in messages[10] and "responsible_first_name" in messages[10]
    assert "раньше, чем начинается" in messages[11]
    assert "в строке 2" in messages[12]
    assert counts(db) == before
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_missing_required_columns_is_one_error_naming_them(db, municipalities):
    report = importer.import_organizations(None, "Код;Адрес\nSCH-1;ул. Мира\n".encode(), "x.csv")
    assert len(report.errors) == 1
    line, message = report.errors[0]
    assert line == 1 and "Муниципалитет" in message and "Наименование" in message and "Код" not in message


def test_order_date_in_the_future_is_rejected(db, municipalities):
    raw = ("municipality,code,name,responsible_last_name,responsible_first_name,order_number,order_date\n"
           "M-TMB,SCH-1,Школа,Иванов,Иван,1,01.01.2999\n").encode()
    report = importer.import_organizations(None, raw, "future.csv")
    assert report.errors == [(2, "Дата приказа 01.01.2999 ещё не наступила.")]


@pytest.mark.parametrize("raw", [b"", b"PK\x03\x04binary\x00zip", b"\x00\x01\x02"])
def test_not_a_csv_file_raises_a_clear_error(db, raw):
    with pytest.raises(ValidationFailed) as failure:
        importer.import_organizations(None, raw, "table.xlsx")
    assert failure.value.field_errors["file"]


def test_importing_twice_changes_nothing(db, municipalities):
    first = run_import(UTF8_FILE)
    after_first = counts(db)
    second = run_import(UTF8_FILE)
    assert counts(db) == after_first
    assert (first.created, second.created, second.updated) == (3, 0, 0)
    assert (second.unchanged, second.appointments_created, second.appointments_existing) == (4, 0, 3)
    assert second.people_created == 0


def test_reimport_updates_changed_fields(db, municipalities):
    run_import(UTF8_FILE)
    original = UTF8_FILE.read_text(encoding="utf-8")
    changed = original.replace("МБОУ Строительная СОШ", "МБОУ Строительная СОШ им. Героев")
    report = importer.import_organizations(None, changed.encode(), "changed.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert name_of(db, "SCH-102").endswith("Героев")


def test_only_admins_import(db, make, municipalities):
    with pytest.raises(PermissionDenied):
        run_import(UTF8_FILE, actor=make.user("municipal", organization=municipalities["tambov"]))
    assert run_import(UTF8_FILE, actor=make.user("admin")).created == 3


def test_cli_import_success(runner, db, municipalities):
    result = runner.invoke(args=["orgs", "import", str(CP1251_FILE)])
    assert result.exit_code == 0, result.output
    assert "Создано организаций: 2" in result.output
    assert "Записано назначений: 1" in result.output
    assert name_of(db, "SCH-301") == "МБОУ Крюковская СОШ" and name_of(db, "SCH-302")


def test_cli_import_failure_lists_lines_and_exits_1(runner, db, municipalities):
    before = counts(db)
    result = runner.invoke(args=["orgs", "import", str(BAD_FILE)])
    assert result.exit_code == 1
    for line in (6, 7, 8, 9, 10, 11, 12):
        assert f"Строка {line}:" in result.output
    assert "Строка 2:" not in result.output and "Строка 3:" not in result.output
    assert "Ничего не импортировано." in result.output
    assert counts(db) == before


def test_cli_import_of_a_binary_file_exits_1(runner, tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00")
    result = runner.invoke(args=["orgs", "import", str(path)])
    assert result.exit_code == 1
    assert "Ничего не импортировано." in result.output

