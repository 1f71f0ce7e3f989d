"""Every access rule of the portal, as plain functions. Deny by default.

A rule takes the acting user (or an anonymous user) and the object, and answers yes or no.
Query scopes return a SQL criterion that limits a list to what the user may see.
"""

from sqlalchemy import false, or_, select, true

from app.auth import roles
from app.directory import kinds
from app.directory.models import Organization

REGION_WIDE_VIEWERS = (roles.ADMIN, roles.COORDINATOR, roles.OPERATOR, roles.METHODOLOGIST)


def is_signed_in(user):
    """Whether the user is an authenticated, enabled account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def has_role(user, *allowed):
    """Whether the signed-in user holds one of the allowed roles."""
    return is_signed_in(user) and user.role in allowed


def _is_in_municipality(user, organization):
    """Whether the organization is the user's municipality or one of its schools."""
    own = user.organization_id
    return organization.id == own or organization.parent_id == own


# --- directory ---------------------------------------------------------------------------


def can_view_organization(user, organization):
    """Region-wide roles see all; a municipal specialist their municipality; school staff their school."""
    if has_role(user, *REGION_WIDE_VIEWERS):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        return organization.id == user.organization_id
    return False


def can_edit_organization(user, organization):
    """Admins edit all; municipal specialists their municipality's; school coordinators their school."""
    if has_role(user, roles.ADMIN):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    if has_role(user, roles.SCHOOL):
        return organization.id == user.organization_id
    return False


def can_create_organization(user, parent, kind):
    """Admins create any organization; municipal specialists add schools to their municipality."""
    if has_role(user, roles.ADMIN):
        return True
    return (
        has_role(user, roles.MUNICIPAL)
        and kind == kinds.SCHOOL
        and parent is not None
        and parent.id == user.organization_id
    )


def can_change_organization_code(user, organization):
    """Codes are the key of the CSV import: only admins change an existing organization's code."""
    return has_role(user, roles.ADMIN)


def can_delete_organization(user, organization):
    """Only admins remove organizations from the directory."""
    return has_role(user, roles.ADMIN)


def can_manage_appointments(user, organization):
    """Who records responsible-person appointments of an organization (plan item 2.1)."""
    return organization.kind in kinds.APPOINTING_KINDS and can_edit_organization(user, organization)


def can_view_people(user, organization):
    """Staff lists are personal data: the same scope as the organization, signed-in only."""
    return can_view_organization(user, organization)


def can_manage_people(user, organization):
    """Who adds and edits the staff of an organization."""
    return can_edit_organization(user, organization)


def can_import_organizations(user):
    """Only admins load schools and appointments in bulk."""
    return has_role(user, roles.ADMIN)


def organization_scope(user):
    """SQL criterion on Organization limiting a query to what the user may view."""
    if has_role(user, *REGION_WIDE_VIEWERS):
        return true()
    if has_role(user, roles.MUNICIPAL):
        own = user.organization_id
        return or_(Organization.id == own, Organization.parent_id == own)
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        return Organization.id == user.organization_id
    return false()


# --- accounts and administration ---------------------------------------------------------


def can_manage_users(user):
    """Users and roles are managed by the regional administrator."""
    return has_role(user, roles.ADMIN)


def can_view_audit_log(user):
    """The audit log is for the administrator."""
    return has_role(user, roles.ADMIN)


def can_browse_directory(user):
    """Every signed-in user has the directory page (scoped by organization_scope)."""
    return is_signed_in(user)


# --- hotline tickets ---------------------------------------------------------------------

# The queue each support role works (plan items 1.1 and 1.2).
AGENT_QUEUES = {roles.OPERATOR: "technical", roles.METHODOLOGIST: "methodological"}


def is_agent_for(user, queue_key):
    """Whether the user works tickets of this queue (admins work both)."""
    if has_role(user, roles.ADMIN):
        return True
    return is_signed_in(user) and AGENT_QUEUES.get(user.role) == queue_key


def is_agent(user):
    """Whether the user works any hotline queue."""
    return has_role(user, roles.ADMIN, *AGENT_QUEUES)


def agent_queue_keys(user):
    """The queues the user works."""
    if has_role(user, roles.ADMIN):
        return tuple(AGENT_QUEUES.values())
    queue = AGENT_QUEUES.get(getattr(user, "role", None)) if is_signed_in(user) else None
    return (queue,) if queue else ()


def _is_participant(user, ticket):
    return user.id == ticket.requester_id or any(w.id == user.id for w in ticket.watchers)


def can_file_ticket(user):
    """Every signed-in user may write to the hotline."""
    return is_signed_in(user)


def can_view_ticket(user, ticket):
    """Agents of the queue, the region, participants, and staff of the requester's organization."""
    if not is_signed_in(user):
        return False
    if is_agent_for(user, ticket.queue.key) or has_role(user, roles.COORDINATOR):
        return True
    if _is_participant(user, ticket):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, ticket.organization)
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        return ticket.organization_id == user.organization_id
    return False


def can_work_ticket(user, ticket):
    """Status, assignment, priority, notes, merge and links: the queue's agents."""
    return is_agent_for(user, ticket.queue.key)


def can_reply_ticket(user, ticket):
    """Agents always; others who may view, unless the ticket is closed or merged."""
    if ticket.merged_into_id is not None:
        return False
    if can_work_ticket(user, ticket):
        return True
    return can_view_ticket(user, ticket) and ticket.status != "closed"


def can_thread_mail_by_tag(user, ticket):
    """A subject tag alone threads e-mail only from the requester, a watcher or an agent of the queue."""
    return is_signed_in(user) and (_is_participant(user, ticket) or can_work_ticket(user, ticket))


def can_view_internal_notes(user, ticket):
    """Internal notes are for the queue's agents and the region, never for the requester's side."""
    return can_work_ticket(user, ticket) or has_role(user, roles.COORDINATOR)


def can_view_sla(user):
    """Deadlines and overdue marks in ticket lists and pages: agents and the region."""
    return has_role(user, roles.ADMIN, roles.COORDINATOR, *AGENT_QUEUES)


def can_rate_ticket(user, ticket):
    """The requester rates the answer once the ticket is resolved."""
    return is_signed_in(user) and user.id == ticket.requester_id and ticket.status in ("resolved", "closed")


def can_view_ticket_statistics(user):
    """Hotline statistics: operators, methodologists, the region."""
    return has_role(user, roles.ADMIN, roles.COORDINATOR, *AGENT_QUEUES)


def can_manage_canned_replies(user, queue_key):
    """Agents keep their queue's canned replies."""
    return is_agent_for(user, queue_key)


def can_view_queue_settings(user, queue_key):
    """A queue's agents see its SLA, assignment, address and lead settings."""
    return is_agent_for(user, queue_key)


def can_manage_queue_settings(user, queue_key):
    """Only the regional administrator changes a queue's settings."""
    return has_role(user, roles.ADMIN)


def can_review_quarantine(user):
    """Agents and the administrator review mail that did not become a ticket."""
    return is_agent(user)


def ticket_scope(user):
    """SQL criterion on Ticket limiting a list to what the user may view (as can_view_ticket)."""
    from tickets.models import Ticket, TicketQueue, ticket_watchers
    from tickets.sql_terms import InSelect  # IN (SELECT …) that PostgreSQL can OR with indexes

    if not is_signed_in(user):
        return false()
    if has_role(user, roles.ADMIN, roles.COORDINATOR):
        return true()
    # The broad alternatives first: they decide most rows, so the others are seldom evaluated.
    criteria = []
    queues = agent_queue_keys(user)
    if queues:
        criteria.append(InSelect(Ticket.queue_id, select(TicketQueue.id).where(TicketQueue.key.in_(queues))))
    if has_role(user, roles.MUNICIPAL):
        in_scope = select(Organization.id).where(organization_scope(user))
        criteria.append(InSelect(Ticket.organization_id, in_scope))
    if has_role(user, roles.SCHOOL, roles.TEACHER):
        criteria.append(Ticket.organization_id == user.organization_id)
    watched = select(ticket_watchers.c.ticket_id).where(ticket_watchers.c.user_id == user.id)
    criteria += [Ticket.requester_id == user.id, InSelect(Ticket.id, watched)]
    return or_(*criteria)


def message_scope(user):
    """SQL criterion on TicketMessage (with Ticket): public replies, and internal notes where allowed."""
    from tickets.models import Ticket, TicketMessage, TicketQueue

    if has_role(user, roles.ADMIN, roles.COORDINATOR):
        return true()
    queues = agent_queue_keys(user)
    if not queues:
        return TicketMessage.is_internal.is_(False)
    worked = select(TicketQueue.id).where(TicketQueue.key.in_(queues))
    return or_(TicketMessage.is_internal.is_(False), Ticket.queue_id.in_(worked))


# --- knowledge base ----------------------------------------------------------------------

# Who reads which audience: everyone public guides, signed-in users staff ones, support internal ones.
INTERNAL_READERS = (roles.ADMIN, *AGENT_QUEUES)


def visible_audiences(user):
    """Article audiences the user may read."""
    if has_role(user, *INTERNAL_READERS):
        return ("public", "staff", "internal")
    if is_signed_in(user):
        return ("public", "staff")
    return ("public",)


def can_author_articles(user):
    """Who writes drafts and submits them for review: methodologists, operators, the administrator."""
    return has_role(user, roles.ADMIN, *AGENT_QUEUES)


def can_publish_articles(user):
    """Methodologists and the administrator publish, archive and restore guides."""
    return has_role(user, roles.ADMIN, roles.METHODOLOGIST)


def can_read_article(user, article):
    """Published articles within the user's audiences; authors also read drafts and archives."""
    if can_author_articles(user):
        return True
    return article.status == "published" and article.audience in visible_audiences(user)


def article_scope(user):
    """SQL criterion on Article: what the user may find in lists and search."""
    from knowledge_base.models import Article

    if can_author_articles(user):
        return true()
    return (Article.status == "published") & Article.audience.in_(visible_audiences(user))


def can_edit_article(user, article):
    """Authors edit drafts and articles in review; publishers edit any article."""
    if can_publish_articles(user):
        return True
    return can_author_articles(user) and article.status in ("draft", "review")


def can_change_article_status(user, article, new_status):
    """Authors move articles between draft and review; publishing, archiving and withdrawing: publishers."""
    if can_publish_articles(user):
        return True
    return can_author_articles(user) and {article.status, new_status} <= {"draft", "review"}


def article_needs_sign_in(user, article):
    """An anonymous visitor may read this published staff article after signing in."""
    return not is_signed_in(user) and article.status == "published" and article.audience == "staff"


def can_make_article_from_ticket(user, ticket):
    """A methodologist (or admin) turns a good answer of a ticket they may view into a draft guide."""
    return can_publish_articles(user) and can_view_ticket(user, ticket)


# --- training: courses, certificates, seminars --------------------------------------------

TRAINING_STAFF = (roles.ADMIN, roles.METHODOLOGIST)
TRAINING_REPORT_VIEWERS = (roles.ADMIN, roles.COORDINATOR, roles.METHODOLOGIST, roles.MUNICIPAL, roles.SCHOOL)


def can_author_courses(user):
    """Methodologists (and the administrator) write, import and publish courses."""
    return has_role(user, *TRAINING_STAFF)


def can_view_course(user, course):
    """Published courses are open to every signed-in user; drafts and archives to their authors."""
    if can_author_courses(user):
        return True
    return is_signed_in(user) and course.status == "published"


def can_enrol(user, course):
    """Any signed-in user may enrol in a published course."""
    return is_signed_in(user) and course.status == "published"


def can_assign_course(user, organization):
    """Methodologists assign anywhere; municipal specialists in their municipality; schools their own."""
    if organization is None:
        return False
    if has_role(user, *TRAINING_STAFF):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    if has_role(user, roles.SCHOOL):
        return organization.id == user.organization_id
    return False


def can_view_enrollment(user, enrollment):
    """A learner sees their own progress; assigners and the region see it within their scope."""
    if not is_signed_in(user):
        return False
    if enrollment.user_id == user.id or has_role(user, roles.ADMIN, roles.COORDINATOR, roles.METHODOLOGIST):
        return True
    organization = enrollment.organization
    return organization is not None and has_role(user, roles.MUNICIPAL, roles.SCHOOL) and (
        can_assign_course(user, organization)
    )


def can_view_training_reports(user):
    """Completion and attendance reports: the region, methodologists, municipal and school coordinators."""
    return has_role(user, *TRAINING_REPORT_VIEWERS)


def can_view_regional_training_reports(user):
    """The region-wide report by municipality, with every municipality's schools: region and institute."""
    return has_role(user, roles.ADMIN, roles.COORDINATOR, roles.METHODOLOGIST)


def training_scope(organization_column, user):
    """SQL criterion limiting training rows (by their organization column) to the user's scope."""
    if has_role(user, roles.ADMIN, roles.COORDINATOR, roles.METHODOLOGIST):
        return true()
    if has_role(user, roles.MUNICIPAL):
        own = user.organization_id
        schools = select(Organization.id).where(Organization.parent_id == own)
        return or_(organization_column == own, organization_column.in_(schools))
    if has_role(user, roles.SCHOOL):
        return organization_column == user.organization_id
    return false()


def can_revoke_certificate(user):
    """Methodologists (and the administrator) may revoke a certificate issued in error."""
    return has_role(user, *TRAINING_STAFF)


def can_manage_seminars(user):
    """Methodologists schedule seminars, link materials and mark attendance."""
    return has_role(user, *TRAINING_STAFF)


def can_view_seminar(user, seminar):
    """Signed-in users see the schedule; organizers also see cancelled seminars."""
    return can_manage_seminars(user) or (is_signed_in(user) and seminar.status == "scheduled")


def seminar_scope(user):
    """SQL criterion on Seminar: the seminars the user sees in the schedule (as can_view_seminar)."""
    from training.models import Seminar

    if can_manage_seminars(user):
        return true()
    return Seminar.status == "scheduled" if is_signed_in(user) else false()


def can_register_for_seminar(user, seminar):
    """A signed-in user of the seminar's audience (empty audience: everyone) registers while it is ahead."""
    if not is_signed_in(user) or seminar.status != "scheduled":
        return False
    return not seminar.audience or user.role in seminar.audience


# --- journal sandbox -----------------------------------------------------------------------

SANDBOX_USERS = (roles.TEACHER, roles.SCHOOL, roles.METHODOLOGIST)


def can_use_sandbox(user):
    """Teachers and school coordinators practise in a sandbox of their own; methodologists to teach it."""
    return has_role(user, *SANDBOX_USERS)


def can_work_in_sandbox(user, school):
    """A practice school is its owner's alone."""
    return can_use_sandbox(user) and school is not None and school.owner_id == user.id


# --- rollout control (plan items 2.1–2.7) -------------------------------------------------------


def can_view_plan(user):
    """The plan of the order is open to every signed-in user."""
    return is_signed_in(user)


def can_edit_plan(user):
    """Only the regional administrator edits the plan's activities and deadlines."""
    return has_role(user, roles.ADMIN)


def can_view_rollout(user):
    """Who has a rollout dashboard: the region, municipal specialists and school coordinators."""
    return has_role(user, *REGION_WIDE_VIEWERS, roles.MUNICIPAL, roles.SCHOOL)


def can_view_regional_rollout(user):
    """The region-wide dashboard by municipality."""
    return has_role(user, *REGION_WIDE_VIEWERS)


def can_view_rollout_of(user, organization):
    """A school's or municipality's milestones: the region all, a municipality its own, a school itself."""
    if organization is None or organization.kind not in (kinds.SCHOOL, kinds.MUNICIPALITY):
        return False
    if has_role(user, *REGION_WIDE_VIEWERS):
        return True
    if has_role(user, roles.MUNICIPAL):
        return _is_in_municipality(user, organization)
    return has_role(user, roles.SCHOOL) and organization.id == user.organization_id


def can_update_milestones(user, organization):
    """Admins update any school; municipal specialists their municipality's; school coordinators their own."""
    if organization is None or organization.kind != kinds.SCHOOL:
        return False
    if has_role(user, roles.ADMIN):
        return True
    if has_role(user, roles.MUNICIPAL):
        return organization.parent_id == user.organization_id
    return has_role(user, roles.SCHOOL) and organization.id == user.organization_id


def can_import_milestones(user):
    """Bulk update from CSV: admins and municipal specialists (each line still within their scope)."""
    return has_role(user, roles.ADMIN, roles.MUNICIPAL)


def can_view_quarterly_reports(user):
    """The list of quarterly reports: the region and municipal specialists."""
    return has_role(user, *REGION_WIDE_VIEWERS, roles.MUNICIPAL)


def can_view_quarterly_report(user, municipality):
    """A municipality's quarterly report: the region, and that municipality's specialists."""
    if municipality is None or municipality.kind != kinds.MUNICIPALITY:
        return False
    if has_role(user, *REGION_WIDE_VIEWERS):
        return True
    return has_role(user, roles.MUNICIPAL) and municipality.id == user.organization_id


def can_prepare_quarterly_report(user, municipality):
    """The municipality's own specialists write and submit its report."""
    return (municipality is not None and has_role(user, roles.MUNICIPAL)
            and municipality.id == user.organization_id)


def can_review_quarterly_reports(user):
    """The regional monitoring coordinator (and the administrator) accepts or returns reports."""
    return has_role(user, roles.COORDINATOR, roles.ADMIN)


def can_view_regional_summary(user):
    """The summary of a quarter across municipalities."""
    return has_role(user, *REGION_WIDE_VIEWERS)


def quarterly_report_scope(municipality_column, user):
    """SQL criterion limiting reports (by their municipality column) to what the user may see."""
    if has_role(user, *REGION_WIDE_VIEWERS):
        return true()
    if has_role(user, roles.MUNICIPAL):
        return municipality_column == user.organization_id
    return false()
