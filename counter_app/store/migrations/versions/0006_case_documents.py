"""A case is one row holding its case document, with a version for compare-and-swap saves,
the counter that holds it, and the dates its personal data is purged by.

The member, answer, checklist and print rows of 0001–0005 become the document (DESIGN.md's
case file); people gain the fields of the real forms (フリガナ, 本籍, roles, …) without a column
each. Personal data leaves the summary columns: the addresses move into the document.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_cases = sa.table(
    "cases",
    sa.column("id", sa.String), sa.column("status", sa.String),
    sa.column("move_kind", sa.String), sa.column("move_date", sa.Date),
    sa.column("previous_address", sa.Text), sa.column("new_address", sa.Text),
    sa.column("step", sa.String), sa.column("filed_on", sa.Date),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("member_count", sa.Integer), sa.column("initials", sa.String),
    sa.column("document", sa.Text), sa.column("closed_at", sa.DateTime(timezone=True)),
)
_members = sa.table(
    "case_members",
    sa.column("case_id", sa.String), sa.column("position", sa.Integer),
    sa.column("name", sa.Text), sa.column("birth_date", sa.Date), sa.column("sex", sa.String),
    sa.column("relationship", sa.String), sa.column("source", sa.String),
    sa.column("address", sa.Text),
)
_answers = sa.table("case_answers", sa.column("case_id", sa.String),
                    sa.column("key", sa.String), sa.column("value", sa.JSON))
_checklist = sa.table("case_checklist", sa.column("case_id", sa.String),
                      sa.column("procedure_id", sa.String), sa.column("status", sa.String),
                      sa.column("reason", sa.Text), sa.column("members", sa.JSON))
_prints = sa.table("case_prints", sa.column("case_id", sa.String),
                   sa.column("form_id", sa.String), sa.column("how", sa.String),
                   sa.column("target", sa.Text), sa.column("at", sa.DateTime(timezone=True)))


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def _initials(members: list[dict]) -> str:
    head = next((m for m in members if m["relationship"] == "世帯主"),
                members[0] if members else None)
    if head is None:
        return ""
    parts = head["name"].replace(" ", "\u3000").split("\u3000")
    return "・".join(p[:1] for p in parts if p)[:16]


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("id", type_=sa.String(64), existing_type=sa.String(36))
        batch.alter_column("move_kind", nullable=True, existing_type=sa.String(16))
        batch.alter_column("move_date", nullable=True, existing_type=sa.Date())
        batch.add_column(sa.Column("event_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("event_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("member_count", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("initials", sa.String(16), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("document", sa.Text(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("catalogue_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("updated_by", sa.String(64), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))

    bind = op.get_bind()
    members: dict[str, list[dict]] = {}
    for row in bind.execute(sa.select(_members).order_by(_members.c.case_id,
                                                         _members.c.position)):
        members.setdefault(row.case_id, []).append({
            "name": row.name, "birth_date": _iso(row.birth_date), "sex": row.sex,
            "relationship": row.relationship, "source": row.source,
            "address": row.address or ""})
    answers: dict[str, dict] = {}
    for row in bind.execute(sa.select(_answers)):
        answers.setdefault(row.case_id, {})[row.key] = row.value
    checklist: dict[str, dict] = {}
    for row in bind.execute(sa.select(_checklist)):
        checklist.setdefault(row.case_id, {})[row.procedure_id] = {
            "status": row.status, "reason": row.reason or "", "members": row.members or []}
    prints: dict[str, list] = {}
    for row in bind.execute(sa.select(_prints).order_by(_prints.c.at)):
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        prints.setdefault(row.case_id, []).append({
            "form": row.form_id, "how": row.how, "where": row.target,
            "at": at.isoformat(), "fingerprint": ""})
    for case in bind.execute(sa.select(_cases)).all():
        people = members.get(case.id, [])
        document = {
            "id": case.id, "status": case.status,
            "move": {"kind": case.move_kind, "date": _iso(case.move_date),
                     "previous_address": case.previous_address or "",
                     "new_address": case.new_address or ""},
            "members": people, "answers": answers.get(case.id, {}), "step": case.step,
            "filed_on": _iso(case.filed_on), "checklist": checklist.get(case.id, {}),
            "prints": prints.get(case.id, []),
        }
        bind.execute(sa.update(_cases).where(_cases.c.id == case.id).values(
            document=json.dumps(document, ensure_ascii=False), member_count=len(people),
            initials=_initials(people),
            closed_at=case.updated_at if case.status != "open" else None))

    op.drop_table("case_prints")
    op.drop_table("case_checklist")
    op.drop_table("case_answers")
    op.drop_index("ix_case_members_case_id", table_name="case_members")
    op.drop_table("case_members")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("previous_address")
        batch.drop_column("new_address")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("previous_address", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("new_address", sa.Text(), nullable=False,
                                   server_default=""))
    op.create_table(
        "case_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("relationship", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_case_members_case_id_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_case_members"),
    )
    op.create_index("ix_case_members_case_id", "case_members", ["case_id"])
    op.create_table(
        "case_answers",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_case_answers_case_id_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "key", name="pk_case_answers"),
    )
    op.create_table(
        "case_checklist",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("procedure_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False, server_default="[]"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_case_checklist_case_id_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "procedure_id", name="pk_case_checklist"),
    )
    op.create_table(
        "case_prints",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name="fk_case_prints_case_id_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "form_id", name="pk_case_prints"),
    )
    bind = op.get_bind()
    for case in bind.execute(sa.select(_cases.c.id, _cases.c.document)).all():
        if case.document is None:
            continue
        doc = json.loads(case.document)
        move = doc.get("move") or {}
        bind.execute(sa.update(_cases).where(_cases.c.id == case.id).values(
            previous_address=move.get("previous_address", ""),
            new_address=move.get("new_address", "")))
        for position, m in enumerate(doc.get("members", [])):
            bind.execute(sa.insert(_members).values(
                case_id=case.id, position=position, name=m["name"],
                birth_date=dt.date.fromisoformat(m["birth_date"]), sex=m["sex"],
                relationship=m["relationship"], source=m.get("source", "manual"),
                address=m.get("address", "")))
        for key, value in doc.get("answers", {}).items():
            bind.execute(sa.insert(_answers).values(case_id=case.id, key=key, value=value))
        for procedure_id, entry in doc.get("checklist", {}).items():
            bind.execute(sa.insert(_checklist).values(
                case_id=case.id, procedure_id=procedure_id, status=entry["status"],
                reason=entry.get("reason", ""), members=entry.get("members", [])))
        last: dict[str, dict] = {}
        for record in doc.get("prints", []):
            last[record["form"]] = record
        for form, record in last.items():
            bind.execute(sa.insert(_prints).values(
                case_id=case.id, form_id=form, how=record["how"], target=record["where"],
                at=dt.datetime.fromisoformat(record["at"])))
    # The old schema cannot hold a purged case or one without a move: they are dropped.
    bind.execute(sa.delete(_cases).where(sa.or_(_cases.c.document.is_(None),
                                                _cases.c.move_kind.is_(None))))
    with op.batch_alter_table("cases") as batch:
        for column in ("purged_at", "closed_at", "claimed_at", "claimed_by", "updated_by",
                       "catalogue_version", "version", "document", "initials", "member_count",
                       "event_date", "event_kind"):
            batch.drop_column(column)
        batch.alter_column("move_kind", nullable=False, existing_type=sa.String(16))
        batch.alter_column("move_date", nullable=False, existing_type=sa.Date())
        batch.alter_column("id", type_=sa.String(36), existing_type=sa.String(64))
