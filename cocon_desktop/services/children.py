"""Children: create, update, read, and the paged, searchable list (sorting and filtering in SQL)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.child import ChildData, GuardianData, validate_child
from cocon_desktop.domain.text import fold, parse_date_fr
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Child, Enrolment, Guardian, Prescription
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes

CHILD_FIELDS = [name for name in ChildData.__dataclass_fields__ if name != "guardians"]
GUARDIAN_FIELDS = [name for name in GuardianData.__dataclass_fields__ if name != "id"]


@dataclass(frozen=True)
class ChildRecord:
    id: int
    data: ChildData
    erased_at: datetime | None = None  # the data was erased after the retention period (child_erasure.py)


@dataclass(frozen=True)
class ChildQuery:
    text: str = ""
    active_only: bool = False
    network: str = ""
    discipline: str = ""
    only_ids: tuple[int, ...] | None = None  # e.g. the children with warnings, computed by forfaits.py


@dataclass(frozen=True)
class ChildRow:
    """One line of the children list."""

    id: int
    inclusion_number: str
    last_name: str
    first_name: str
    birth_date: date
    gestational_weeks: int
    network: str
    exit_date: date | None
    relayed_to: str = ""  # the payer (PCO1) of the child's open enrolment in another pathway, "" for none
    relayed_on: date | None = None  # its first day

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


def search_key(data: ChildData) -> str:
    return fold(f"{data.last_name} {data.first_name} {data.inclusion_number}")


def to_data(row: Child) -> ChildData:
    values = {name: getattr(row, name) for name in CHILD_FIELDS}
    values["inclusion_criteria"] = tuple(row.inclusion_criteria or ())
    guardians = tuple(GuardianData(id=g.id, **{n: getattr(g, n) for n in GUARDIAN_FIELDS}) for g in row.guardians)
    return ChildData(guardians=guardians, **values)


def normalized(data: ChildData) -> ChildData:
    return replace(
        data, last_name=" ".join(data.last_name.split()), first_name=" ".join(data.first_name.split()),
        inclusion_number=data.inclusion_number.strip().upper(), nir=data.nir.replace(" ", "").upper(),
        identity_source=data.identity_source.strip(),
        guardians=tuple(replace(g, last_name=g.last_name.strip(), first_name=g.first_name.strip(),
                                email=g.email.strip(), phone=g.phone.strip()) for g in data.guardians),
    )


def _check_unique(session: Session, data: ChildData, child_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    others = select(Child.id).where(Child.id != child_id) if child_id else select(Child.id)
    taken = session.scalar(others.where(Child.inclusion_number == data.inclusion_number))
    if taken:
        errors.append(FieldError("inclusion_number", "inclusion_number_taken"))
    same_day = session.execute(
        (select(Child.last_name, Child.first_name).where(Child.id != child_id) if child_id
         else select(Child.last_name, Child.first_name)).where(Child.birth_date == data.birth_date)).all()
    wanted = (fold(data.last_name), fold(data.first_name))
    same = any((fold(last), fold(first)) == wanted for last, first in same_day)
    if same:
        errors.append(FieldError("last_name", "duplicate_child"))
    return errors


def _write(row: Child, data: ChildData) -> None:
    for name in CHILD_FIELDS:
        value = getattr(data, name)
        setattr(row, name, list(value) if name == "inclusion_criteria" else value)
    row.search_key = search_key(data)
    row.updated_at = datetime.now(UTC)
    kept = {g.id: g for g in row.guardians}
    new_list: list[Guardian] = []
    for guardian in data.guardians:
        target = kept.get(guardian.id) if guardian.id is not None else None
        if target is None:
            target = Guardian()
        for name in GUARDIAN_FIELDS:
            setattr(target, name, getattr(guardian, name))
        new_list.append(target)
    row.guardians = new_list


def validated(session: Session, data: ChildData, child_id: int | None, today: date) -> ChildData:
    data = normalized(data)
    errors = [e for e in validate_child(data, today) if e.blocking]
    if not errors:
        errors = _check_unique(session, data, child_id)
    if errors:
        raise ValidationError(errors)
    return data


def warnings_for(data: ChildData, today: date) -> list[FieldError]:
    """Non-blocking remarks to show beside the fields (e.g. born before the pathway started)."""
    return [e for e in validate_child(normalized(data), today) if not e.blocking]


def add_child(session: Session, data: ChildData) -> Child:
    """Add an already validated child inside the caller's transaction (create_child, the CSV import)."""
    row = Child(created_at=datetime.now(UTC))
    _write(row, data)
    session.add(row)
    return row


def add_children(session: Session, datas: list[ChildData]) -> list[int]:
    """Add many already validated children (and their guardians) inside the caller's transaction, in two bulk
    INSERTs: the ids, in the order given. What add_child writes, without building an ORM object a row (the CSV
    import of a 20,000-row list: issue 19 #11)."""
    if not datas:
        return []
    now = datetime.now(UTC)
    rows = [{**{name: getattr(data, name) for name in CHILD_FIELDS}, "inclusion_criteria": list(
        data.inclusion_criteria), "search_key": search_key(data), "created_at": now, "updated_at": now}
        for data in datas]
    # ids given here (the next free ones, inside the caller's write transaction) let one executemany insert them all;
    # a writer that took one meanwhile makes the INSERT fail, and the transaction with it
    first = int(session.scalar(select(func.coalesce(func.max(Child.id), 0))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    connection = session.connection()
    connection.execute(insert(Child), [{"id": child_id, **row} for child_id, row in zip(ids, rows,
                                                                                                 strict=True)])
    guardians = [{"child_id": child_id, **{name: getattr(g, name) for name in GUARDIAN_FIELDS}}
                 for child_id, data in zip(ids, datas, strict=True) for g in data.guardians]
    if guardians:
        connection.execute(insert(Guardian), guardians)
    return ids


@writes(Changes.CHILDREN)
def create_child(sessions: sessionmaker[Session], data: ChildData, today: date) -> int:
    with sessions.begin() as session:
        data = validated(session, data, None, today)
        row = add_child(session, data)
        session.flush()
        audit.record(session, "child", row.id, "create", row.id, audit.diff(None, audit.flatten(data)))
        return int(row.id)


@writes(Changes.CHILDREN)
def update_child(sessions: sessionmaker[Session], child_id: int, data: ChildData, today: date) -> None:
    with sessions.begin() as session:
        row = session.get(Child, child_id)
        if row is None:
            raise CoconError("child_missing", id=child_id)
        if row.erased_at is not None:
            raise CoconError("child_erased", inclusion=row.inclusion_number)
        data = validated(session, data, child_id, today)
        before = audit.flatten(to_data(row))
        _write(row, data)
        changes = audit.diff(before, audit.flatten(data))
        if changes:
            audit.record(session, "child", child_id, "update", child_id, changes)


def get_child(sessions: sessionmaker[Session], child_id: int) -> ChildRecord:
    with sessions() as session:
        row = session.get(Child, child_id)
        if row is None:
            raise CoconError("child_missing", id=child_id)
        return ChildRecord(row.id, to_data(row), row.erased_at)


def find_by_inclusion(sessions: sessionmaker[Session], inclusion_number: str) -> ChildRecord:
    with sessions() as session:
        row = session.scalar(select(Child).where(Child.inclusion_number == inclusion_number.strip().upper()))
        if row is None:
            raise CoconError("child_not_found", inclusion=inclusion_number)
        return ChildRecord(row.id, to_data(row))


def _filtered(statement: Any, query: ChildQuery, today: date) -> Any:
    """`statement` is a select over Child: the query's conditions added (SQLAlchemy 2.1's variadic
    Select type has no bound that mypy accepts here)."""
    for token in query.text.split():
        day = parse_date_fr(token)
        if day is not None:
            statement = statement.where(Child.birth_date == day)
        else:
            statement = statement.where(Child.search_key.like(f"%{fold(token)}%", escape="\\"))
    if query.active_only:  # a child handed over to a PCO left COCON, not the practice: followed while it is there
        statement = statement.where(or_(Child.exit_date.is_(None), Child.exit_date > today,
                                        exists().where(Enrolment.child_id == Child.id, Enrolment.ended_on.is_(None))))
    if query.network:
        statement = statement.where(Child.network == query.network)
    if query.discipline:
        statement = statement.where(exists().where(and_(Prescription.child_id == Child.id,
                                                        Prescription.discipline == query.discipline)))
    if query.only_ids is not None:
        statement = statement.where(Child.id.in_(query.only_ids))
    return statement


def count_children(sessions: sessionmaker[Session], query: ChildQuery, today: date) -> int:
    with sessions() as session:
        statement = _filtered(select(func.count(Child.id)), query, today)
        return int(session.scalar(statement) or 0)


def list_children(sessions: sessionmaker[Session], query: ChildQuery, today: date, offset: int = 0,
                  limit: int = 200) -> list[ChildRow]:
    def open_enrolment(column: Any) -> Any:
        return (select(column).where(Enrolment.child_id == Child.id, Enrolment.ended_on.is_(None))
                .order_by(Enrolment.started_on.desc()).limit(1).scalar_subquery())

    columns = (Child.id, Child.inclusion_number, Child.last_name, Child.first_name, Child.birth_date,
               Child.gestational_weeks, Child.network, Child.exit_date,
               func.coalesce(open_enrolment(Enrolment.payer), ""), open_enrolment(Enrolment.started_on))
    with sessions() as session:
        statement = _filtered(select(*columns), query, today)
        statement = statement.order_by(Child.last_name, Child.first_name, Child.id).offset(offset).limit(limit)
        return [ChildRow(*row) for row in session.execute(statement)]


def child_as_dict(data: ChildData) -> dict[str, object]:
    return asdict(data)
