"""The `opora` command group (also available as `flask --app app`)."""

import gc
from importlib import metadata

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def batch_command(command):
    """Mark a command that only reads and writes data: it runs on a batch app (see create_app)."""
    command.is_batch = True
    return command


def _create_app():
    from app import create_app

    # Called when a command first needs the app, from inside that command's context.
    context = click.get_current_context(silent=True)
    # What is loaded by now and by create_app() (modules, mapped models, settings) lives as long as the
    # command: frozen, it stays out of the collector's full passes, which would walk it all (~0.1 s of
    # a short command).
    gc.freeze()
    app = create_app(batch=bool(context and getattr(context.command, "is_batch", False)))
    gc.freeze()
    return app


class OporaGroup(FlaskGroup):
    """Flask's command group that holds Opora's commands itself and loads other packages' on demand.

    Flask finds a command it does not hold by building the app first; holding ours, it can build the
    app the command needs. Other packages' commands (Flask-Limiter's pulls in `rich`) are imported
    only when asked for, not at every start.
    """

    def _load_plugin_commands(self):
        if not self._loaded_plugin_commands:
            register_commands(self)
            self._plugin_entry_points = {entry.name: entry
                                         for entry in metadata.entry_points(group="flask.commands")}
            self._loaded_plugin_commands = True

    def get_command(self, ctx, name):
        self._load_plugin_commands()
        entry = self._plugin_entry_points.pop(name, None)
        if entry is not None and name not in self.commands:
            self.add_command(entry.load(), name)
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self._plugin_entry_points})


@click.group(cls=OporaGroup, create_app=_create_app, add_version_option=False)
def main():
    """Opora: the regional portal for electronic journals and diaries."""


@click.command("init")
@with_appcontext
def init_command():
    """Create the database schema, or upgrade it to the newest version."""
    from flask_migrate import upgrade

    click.echo(f"База данных: {_masked_url()}")
    upgrade()
    click.echo("Схема базы данных обновлена до последней версии.")
    seed_reference_data()
    click.echo("Справочные данные (горячие линии, категории, сроки, план мероприятий) на месте.")


def seed_reference_data():
    """Rows every installation needs (the hotlines with categories and SLA, the plan); idempotent."""
    from app.rollout.services import ensure_reference_data
    from tickets.services import ensure_queues

    ensure_queues()
    ensure_reference_data()


def _masked_url():
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


@click.command("demo")
@click.option("--password", help="Password for every demo user (generated when omitted).")
@with_appcontext
def demo_command(password):
    """Build the demo region (Tambov region) with one user per role; safe to run twice."""
    from app.demo.services import build_demo_region

    result = build_demo_region(password=password, progress=click.echo)
    # Demo rows are inserted in bulk, past the per-change indexing: rebuild the index once.
    from app.search.services import reindex

    click.echo("Поисковый индекс…")
    reindex()
    click.echo("")
    click.echo("Демонстрационные учётные записи:")
    for email, role_label in result.logins:
        click.echo(f"  {email:<28} {role_label}")
    if result.password:
        click.echo(f"Пароль для всех: {result.password}")
    else:
        click.echo("Пароли не изменены (заданы при первом запуске; укажите --password, чтобы задать новый).")


@batch_command
@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=True, dir_okay=True, writable=True))
@with_appcontext
def backup_command(dest):
    """Write a consistent copy of the database (and instance files) to DEST."""
    from app.backup import make_backup

    path = make_backup(dest, progress=click.echo)
    click.echo(f"Резервная копия: {path}")


@click.group("mail")
def mail_group():
    """Outgoing and incoming e-mail."""


@mail_group.command("send")
@with_appcontext
def mail_send_command():
    """Send the queued e-mail that has not gone out yet (for cron)."""
    from app.mail.services import deliver_pending

    sent = deliver_pending()
    click.echo(f"Отправлено писем: {sent}")


EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and delivers it again later
INGEST_REASONS = {
    "unparseable": "это не почтовое сообщение", "auto-reply": "автоответ",
    "unknown-sender": "неизвестный отправитель",
    "reply-not-allowed": "отправитель не может отвечать в это обращение",
    "not-participant": "метка обращения, в котором отправитель не участвует",
    "no-queue": "адрес получателя не относится к горячей линии", "rejected": "письмо отклонено",
    "error": "ошибка обработки", "duplicate": "повторная доставка",
}


def _ingest_summary(result):
    reason = INGEST_REASONS.get(result.reason_code, result.reason)
    if result.outcome == "ticket_created":
        return f"Создано обращение {result.reference}"
    if result.outcome == "reply_added":
        return f"Ответ добавлен в {result.reference}"
    if result.outcome == "quarantined":
        return f"Письмо помещено в карантин: {reason}"
    return f"Письмо пропущено: {reason}" + (f" ({result.reference})" if result.reference else "")


@mail_group.command("ingest")
@click.argument("message", type=click.File("rb"), default="-")
@with_appcontext
def mail_ingest_command(message):
    """Take one e-mail (standard input by default: the MTA's pipe) into the hotline."""
    from sqlalchemy.exc import SQLAlchemyError

    from tickets.mail_in import ingest

    raw = message.read()
    try:
        result = ingest(raw)
    except SQLAlchemyError as exc:
        click.echo(f"База данных недоступна, письмо доставят повторно ({type(exc).__name__})", err=True)
        raise SystemExit(EX_TEMPFAIL) from exc
    click.echo(_ingest_summary(result))


def register_commands(group):
    """Attach every command to a command group: the app's CLI, or `opora` itself."""
    from app.auth.cli import user_group
    from app.directory.cli import orgs_group
    from app.rollout.cli import rollout_group
    from app.rollout.report_cli import reports_group
    from app.search.cli import search_group
    from knowledge_base.cli import kb_group
    from tickets.cli import tickets_group
    from training.cli import training_group

    commands = (init_command, demo_command, backup_command, mail_group, user_group, orgs_group,
                tickets_group, search_group, kb_group, training_group, rollout_group, reports_group)
    for command in commands:
        group.add_command(command)
