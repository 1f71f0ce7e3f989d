"""Training progress (plan item 1.4): who has started and finished the courses, within the user's scope."""

from app.api.blueprint import api
from app.api.schemas import OrganizationRef, page_info
from app.api.training_schemas import CourseRef, Enrollment, EnrollmentList, ProgressQuery
from training import enrollment_listing


def _organization(organization):
    if organization is None:
        return None
    return OrganizationRef(id=organization.id, code=organization.code, name=organization.name,
                           kind=organization.kind)


def enrollment(item, modules_total):
    """An Enrollment row as the API shows it."""
    certificate = item.certificate
    return Enrollment(
        id=item.id, user_id=item.user_id, person=item.user.full_name,
        organization=_organization(item.organization),
        course=CourseRef(slug=item.course.slug, title=item.course.title), status=item.status,
        completed_modules=item.completed_modules or 0, modules_total=modules_total.get(item.course_id, 0),
        score=item.score, due_on=item.due_on, started_at=item.started_at, completed_at=item.completed_at,
        certificate=certificate.number if certificate is not None and certificate.is_valid else None)


@api.operation("/training/progress", summary="Course progress you may see", tag="training",
               query=ProgressQuery, response=EnrollmentList,
               description="Your own enrolments, and those of your scope: the region and the institute see "
                           "all, a municipal specialist their municipality's, a school coordinator their "
                           "school's.")
def training_progress(user, query):
    """A page of enrolments: the user's own and those of their training scope."""
    result = enrollment_listing.enrollment_page(user, course_slug=query.course,
                                                municipality_id=query.municipality, status=query.status,
                                                page=query.page, per_page=query.per_page)
    return EnrollmentList(items=[enrollment(item, result.modules_total) for item in result.page.items],
                          page=page_info(result.page))
