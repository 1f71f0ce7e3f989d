"""`opora rollout remind`: the daily cron run prints what it sent."""

from datetime import date


def test_remind_prints_a_summary_in_russian_and_sends_each_reminder_once(runner, make, rollout, fixed_today):
    municipality = make.municipality(name="Район")
    school = make.school(municipality, name="Школа № 1")
    make.user("school", organization=school, email="coord@opora.test")
    make.user("municipal", organization=municipality, email="mouo@opora.test")
    fixed_today(date(2010, 11, 14))  # activation (2.2) is due tomorrow

    result = runner.invoke(args=["rollout", "remind"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Напоминания о сроках плана на 14.11.2010" in result.output
    assert "школам (координаторам и ответственным): писем 1" in result.output
    assert "специалистам МОУО (сводки по школам): писем 1" in result.output
    assert "о квартальных отчётах: писем 0" in result.output
    assert "Всего писем: 2" in result.output
    assert "coord@opora.test: Приближаются сроки внедрения электронных журналов: Школа № 1" in result.output

    again = runner.invoke(args=["rollout", "remind"])
    assert again.exit_code == 0
    assert "Всего писем: 0" in again.output


def test_remind_on_a_quiet_day_sends_nothing(runner, rollout, fixed_today):
    fixed_today(date(2010, 10, 1))
    result = runner.invoke(args=["rollout", "remind"])
    assert result.exit_code == 0
    assert "Всего писем: 0" in result.output
