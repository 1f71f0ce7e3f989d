"""Demo steps for the directory: organizations, their staff and responsible-person appointments."""

from datetime import timedelta

from sqlalchemy import select

from app.demo import tambov
from app.directory import kinds
from app.directory.models import Appointment, Organization, Person

LATE_SHARE = 0.1
FEMALE_SHARE = {kinds.SCHOOL: 0.8, kinds.MUNICIPALITY: 0.7}


def build_organizations(ctx):
    """Create the region, its 30 municipalities, their schools and the two support centres."""
    specs = organization_specs(ctx)
    codes = [spec["code"] for spec in specs]
    existing = ctx.session.scalars(select(Organization).where(Organization.code.in_(codes)))
    ctx.orgs.update({org.code: org for org in existing})
    created = []
    for spec in specs:
        if spec["code"] not in ctx.orgs:
            parent = ctx.orgs.get(spec.pop("parent_code"))
            org = ctx.orgs[spec["code"]] = Organization(parent=parent, **spec)
            created.append(org)
    ctx.session.add_all(created)
    ctx.new_orgs.extend(created)
    ctx.count("organizations", len(created))
    schools = sum(1 for org in created if org.kind == kinds.SCHOOL)
    municipalities = sum(1 for org in created if org.kind == kinds.MUNICIPALITY)
    ctx.progress(f"Организации: создано {len(created)} (муниципалитетов {municipalities}, школ {schools}), "
                 f"уже было {len(specs) - len(created)}")


def organization_specs(ctx):
    """Every demo organization as a dict of column values (and parent_code), parents first."""
    specs = [
        dict(tambov.REGION, kind=kinds.REGION, parent_code=None),
        dict(tambov.INSTITUTE, kind=kinds.INSTITUTE, parent_code=tambov.REGION_CODE),
        dict(tambov.COMPUTER_CENTER, kind=kinds.COMPUTER_CENTER, parent_code=tambov.REGION_CODE),
    ]
    for index, municipality in enumerate(_municipalities(), start=1):
        specs.extend(_municipality_specs(ctx, f"{tambov.REGION_CODE}-{index:02d}", *municipality))
    return specs


def _municipalities():
    """(name, short name, locality, school-name prefix, suffix, is a city) of every municipality."""
    for name, short, locality, adjective in tambov.DISTRICTS:
        yield name, short, locality, f"{adjective} ", "", False
    for name, short, locality, genitive in tambov.CITIES:
        yield name, short, locality, "", f" {genitive}", True


def _municipality_specs(ctx, code, name, short, locality, prefix, suffix, is_city):
    """The municipality and its 5–10 schools, from a generator seeded by the municipality code."""
    ctx.reseed(code)
    area = "4752" if "Тамбов" in locality else f"475{ctx.rng.randint(30, 59)}"
    place = {"locality": locality, "postcode": "392" if area == "4752" else "393",
             "phone": f"8 ({area}) " + ("##-##-##" if len(area) == 4 else "#-##-##")}
    specs = [_spec(ctx, place, kind=kinds.MUNICIPALITY, code=code, parent_code=tambov.REGION_CODE,
                   name=name, short_name=short, email=f"info@mouo{code}.opora.test")]
    count = ctx.rng.randint(*tambov.SCHOOLS_PER_MUNICIPALITY)
    for position, (kind, number) in enumerate(_school_kinds(ctx, count, is_city), start=1):
        title = f"{prefix}{kind} № {number}"
        school_code = f"{code}-{position:02d}"
        specs.append(_spec(ctx, place, kind=kinds.SCHOOL, code=school_code, parent_code=code,
                           name=f"МБОУ «{title}»{suffix}", short_name=f"{title}{suffix}",
                           email=f"info@sch{school_code}.opora.test"))
    return specs


def _school_kinds(ctx, count, is_city):
    """(kind, number) of each school: cities have lyceums and gymnasiums, districts basic schools."""
    if is_city:
        numbers = sorted(ctx.rng.sample(range(1, 37), count))
        return [(ctx.rng.choices(("СОШ", "Лицей", "Гимназия"), (7, 2, 1))[0], n) for n in numbers]
    return [(ctx.rng.choices(("СОШ", "ООШ"), (4, 1))[0], n) for n in range(1, count + 1)]


def _spec(ctx, place, **fields):
    postcode = f"{place['postcode']}{ctx.rng.randint(0, 999):03d}"
    fields["address"] = (f"{postcode}, Тамбовская обл., {place['locality']}, "
                         f"{ctx.fake.street_name()}, д. {ctx.rng.randint(1, 120)}")
    fields["phone"] = ctx.fake.numerify(place["phone"])
    return fields


def build_staff(ctx):
    """Staff of every new organization; most municipalities and schools get a responsible person."""
    people = appointments = 0
    for org in ctx.new_orgs:
        ctx.reseed(f"staff:{org.code}")
        staff = [new_person(ctx, org, position) for position in _positions(ctx, org)]
        ctx.session.add_all(staff)
        people += len(staff)
        appointee = _appointee(org, staff)
        if appointee and (org.code in tambov.ALWAYS_APPOINTED or ctx.rng.random() < tambov.APPOINTED_SHARE):
            ctx.session.add(_appointment(ctx, org, appointee))
            appointments += 1
    ctx.count("people", people)
    ctx.count("appointments", appointments)
    ctx.progress(f"Сотрудники: создано {people}; назначено ответственных (п. 2.1 плана): {appointments}")


def _positions(ctx, org):
    fixed = {
        kinds.REGION: tambov.REGION_POSITIONS,
        kinds.INSTITUTE: tambov.INSTITUTE_POSITIONS,
        kinds.COMPUTER_CENTER: tambov.COMPUTER_CENTER_POSITIONS,
        kinds.MUNICIPALITY: tambov.MUNICIPALITY_POSITIONS,
    }
    if org.kind in fixed:
        return fixed[org.kind]
    size = ctx.rng.randint(*tambov.STAFF_PER_SCHOOL)
    teachers = ctx.rng.sample(tambov.TEACHER_POSITIONS, size - len(tambov.SCHOOL_HEAD_POSITIONS))
    return tambov.SCHOOL_HEAD_POSITIONS + tuple(teachers)


def _appointee(org, staff):
    if org.kind == kinds.MUNICIPALITY:
        return staff[tambov.MUNICIPALITY_APPOINTEE]
    if org.kind == kinds.SCHOOL:
        return staff[tambov.SCHOOL_APPOINTEE]
    return None


def new_person(ctx, org, position):
    """A generated member of staff of the organization (not yet added to the session)."""
    fake = ctx.fake
    if ctx.rng.random() < FEMALE_SHARE.get(org.kind, 0.5):
        last, first, middle = fake.last_name_female(), fake.first_name_female(), fake.middle_name_female()
    else:
        last, first, middle = fake.last_name_male(), fake.first_name_male(), fake.middle_name_male()
    login = f"{tambov.translit(last)}.{tambov.translit(first)[0]}{tambov.translit(middle)[0]}"
    domain = org.email.partition("@")[2] or "opora.test"
    own_phone = org.kind in (kinds.SCHOOL, kinds.MUNICIPALITY)
    phone = org.phone if own_phone else fake.numerify("8 (4752) ##-##-##")
    return Person(organization=org, last_name=last, first_name=first, middle_name=middle,
                  position=position, email=f"{login}@{domain}", phone=phone)


def _appointment(ctx, org, person):
    rng = ctx.rng
    if org.code not in tambov.ALWAYS_APPOINTED and rng.random() < LATE_SHARE:
        order_date = tambov.APPOINTMENT_DEADLINE + timedelta(days=rng.randint(1, 14))
    else:
        order_date = tambov.APPOINTMENT_DEADLINE - timedelta(days=rng.randint(0, 10))
    return Appointment(organization=org, person=person, order_number=f"{rng.randint(40, 320)}-о",
                       order_date=order_date, starts_on=order_date, ends_on=None)
