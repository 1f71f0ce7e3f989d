"""The learner's pages: enrol, read, fail and pass quizzes, get and verify the certificate."""

import io
import re

from pypdf import PdfReader

from app.extensions import db
from training import constants as c
from training import progress
from training.models import Certificate, QuizAttempt


def _attempt_from(response):
    return int(re.search(r"/training/attempts/(\d+)$", response.headers["Location"]).group(1))


def _right_answers(module):
    return {f"q{q.id}": [str(o.id) for o in q.options if o.is_correct] for q in module.questions}


def _wrong_answers(module):
    return {f"q{q.id}": [str(o.id) for o in q.options if not o.is_correct][:1] for q in module.questions}


def _take_quiz(auth, course, module, answers):
    start = auth.post(f"/training/courses/{course.slug}/{module.slug}/quiz")
    attempt_id = _attempt_from(start)
    return auth.post(f"/training/attempts/{attempt_id}", data=answers, follow_redirects=True)


def test_a_teacher_enrols_reads_fails_then_passes_and_verifies_the_certificate(client, auth, training):
    course = training.course(modules=2, questions=3, title="Электронный журнал", hours=36)
    teacher = auth.login("teacher")
    page = client.get("/training/").get_data(as_text=True)
    assert "Электронный журнал" in page and "Обучение" in page

    assert "Вы записаны на курс" in auth.post(f"/training/courses/{course.slug}/enrol",
                                               follow_redirects=True).get_data(as_text=True)
    first, second = course.modules
    assert client.get(f"/training/courses/{course.slug}/{second.slug}").status_code == 403
    lesson = client.get(f"/training/courses/{course.slug}/{first.slug}").get_data(as_text=True)
    assert "Текст урока 1." in lesson and "Тест откроется после прочтения урока" in lesson
    auth.post(f"/training/courses/{course.slug}/{first.slug}/read")

    failed = _take_quiz(auth, course, first, _wrong_answers(first)).get_data(as_text=True)
    assert "Тест не сдан: 0%" in failed and "Так сказано в уроке." in failed
    passed = _take_quiz(auth, course, first, _right_answers(first)).get_data(as_text=True)
    assert "Тест сдан: 100%" in passed

    auth.post(f"/training/courses/{course.slug}/{second.slug}/read")
    _take_quiz(auth, course, second, _right_answers(second))
    course_page = client.get(f"/training/courses/{course.slug}").get_data(as_text=True)
    certificate = db.session.query(Certificate).one()
    assert f"Сертификат № {certificate.number}" in course_page

    pdf = client.get(f"/training/certificates/{certificate.number}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert teacher.full_name in text and "«Электронный журнал»" in text and "в объёме 36 часов" in text
    assert certificate.number in text

    auth.logout()
    verified = client.get(f"/training/certificates/{certificate.number.lower()}")
    body = verified.get_data(as_text=True)
    assert verified.status_code == 200 and "Сертификат подлинный" in body and teacher.full_name in body
    assert teacher.email not in body and teacher.organization.name not in body


def test_an_unknown_certificate_number_is_denied(client):
    response = client.get("/training/certificates/2026-AAAA-BBBB")
    assert response.status_code == 404
    assert "Сертификат с таким номером не выдавался" in response.get_data(as_text=True)


def test_the_lookup_form_leads_to_the_verification_page(client):
    response = client.get("/training/certificates/?number=2026-аввв-сссс")
    assert response.status_code == 302 and response.headers["Location"].endswith("/2026-ABBB-CCCC")


def test_the_quiz_page_never_carries_the_key(client, auth, training):
    course = training.course(modules=1, questions=0)
    module = course.modules[0]
    module.questions = [training.question(1, kind=c.SHORT, correct=("секретный ответ",),
                                          explanation="Пояснение после отправки")]
    db.session.commit()
    auth.login("teacher")
    auth.post(f"/training/courses/{course.slug}/enrol")
    auth.post(f"/training/courses/{course.slug}/{module.slug}/read")
    attempt_id = _attempt_from(auth.post(f"/training/courses/{course.slug}/{module.slug}/quiz"))
    page = client.get(f"/training/attempts/{attempt_id}").get_data(as_text=True)
    assert "Вопрос 1?" in page
    assert "секретный ответ" not in page and "Пояснение после отправки" not in page


def test_someone_elses_certificate_pdf_is_hidden(client, auth, make, training):
    course = training.course(modules=1, questions=0)
    owner = make.user("teacher")
    progress.enrol_self(owner, course)
    progress.mark_lesson_read(owner, course.modules[0])
    number = db.session.query(Certificate).one().number
    auth.login("teacher")
    assert client.get(f"/training/certificates/{number}.pdf").status_code == 404
    auth.logout()
    auth.login(make.user("methodologist"))
    assert client.get(f"/training/certificates/{number}.pdf").status_code == 200


def test_a_drafted_course_is_hidden_from_teachers(client, auth, training):
    course = training.course(status=c.DRAFT, title="Черновой курс")
    auth.login("teacher")
    assert "Черновой курс" not in client.get("/training/").get_data(as_text=True)
    assert client.get(f"/training/courses/{course.slug}").status_code == 404


def test_another_persons_attempt_is_not_found(client, auth, make, training):
    course = training.course(modules=1)
    owner = make.user("teacher")
    progress.enrol_self(owner, course)
    progress.mark_lesson_read(owner, course.modules[0])
    from training import quizzes

    attempt = quizzes.start_attempt(owner, course.modules[0])
    auth.login("teacher")
    assert client.get(f"/training/attempts/{attempt.id}").status_code == 404
    assert auth.post(f"/training/attempts/{attempt.id}", data={}).status_code == 404
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None


def test_all_attempts_used_is_explained(client, auth, training):
    course = training.course(modules=1, questions=1)
    module = course.modules[0]
    module.max_attempts = 1
    db.session.commit()
    auth.login("teacher")
    auth.post(f"/training/courses/{course.slug}/enrol")
    auth.post(f"/training/courses/{course.slug}/{module.slug}/read")
    _take_quiz(auth, course, module, {})
    again = auth.post(f"/training/courses/{course.slug}/{module.slug}/quiz", follow_redirects=True)
    assert "Вы использовали все попытки" in again.get_data(as_text=True)


def test_a_methodologist_grants_one_more_attempt_to_a_stuck_learner(client, auth, make, training):
    course = training.course(modules=1, questions=1)
    module = course.modules[0]
    module.max_attempts = 1
    db.session.commit()
    learner = make.user("teacher")
    progress.enrol_self(learner, course)
    progress.mark_lesson_read(learner, module)
    from training import quizzes

    quizzes.submit_attempt(learner, quizzes.start_attempt(learner, module).id, {})
    enrollment = progress.enrollment_for(learner, course)
    auth.login("methodologist")
    page = client.get(f"/training/enrollments/{enrollment.id}").get_data(as_text=True)
    assert learner.full_name in page and "0%" in page
    url = f"/training/enrollments/{enrollment.id}/modules/{module.id}/grant"
    granted = auth.post(url, follow_redirects=True)
    assert "Слушателю предоставлена ещё одна попытка" in granted.get_data(as_text=True)
    assert quizzes.start_attempt(learner, module).number == 2


def test_a_teacher_cannot_see_a_colleagues_progress_or_grant_attempts(client, auth, make, training):
    course = training.course(modules=1, questions=1)
    colleague = make.user("teacher")
    enrollment = progress.enrol_self(colleague, course)
    auth.login("teacher", organization=colleague.organization)
    assert client.get(f"/training/enrollments/{enrollment.id}").status_code == 404
    response = auth.post(f"/training/enrollments/{enrollment.id}/modules/{course.modules[0].id}/grant")
    assert response.status_code == 403
