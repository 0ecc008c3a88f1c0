"""The read side of sources: processed deliveries, provenance per person field, the missing list."""
from __future__ import annotations

from sqlalchemy import Select, exists, select

from caseapp.codelists import SyncRunStatus
from caseapp.extensions import db
from caseapp.sources.models import Delivery, FieldProvenance, SourceRecord, SyncRun

# Person fields a source sets; what provenance answers for.
PROVENANCE_FIELDS = ("azr_number", "family_name", "given_names", "birth_date", "birth_precision", "sex",
                     "nationality", "nationalities", "residence_status", "legal_basis", "entry_date",
                     "move_in_date", "move_out_date", "street", "house_number", "postcode", "city",
                     "district_number", "household_id")


def delivery_processed(source_code: str, checksum: str) -> bool:
    """A file with this checksum was already imported (or rejected as a whole) for the source."""
    return bool(db.session.scalar(select(exists().where(
        SyncRun.delivery_id == Delivery.id, Delivery.source_code == source_code,
        Delivery.checksum == checksum, SyncRun.status.in_((SyncRunStatus.done, SyncRunStatus.rejected))))))


def provenance(person_id: int) -> dict[str, dict]:
    """For each person field set by a source: {"source": code, "delivery_id", "file_name", "as_of"}.

    Fields a source set when creating the person count for that source record's first delivery;
    later changes are explicit FieldProvenance rows and win (see sources/models.py).
    """
    out: dict[str, dict] = {}
    first = db.session.execute(
        select(SourceRecord.source_code, Delivery.id, Delivery.file_name, Delivery.as_of)
        .join(Delivery, Delivery.id == SourceRecord.created_delivery_id)
        .where(SourceRecord.person_id == person_id).order_by(SourceRecord.id).limit(1)).first()
    if first is not None:
        for name in PROVENANCE_FIELDS:
            out[name] = {
                "source": first[0],
                "delivery_id": first[1],
                "file_name": first[2],
                "as_of": first[3],
            }
    rows = db.session.execute(
        select(FieldProvenance.field, FieldProvenance.source_code, Delivery.id, Delivery.file_name,
               Delivery.as_of,
               FieldProvenance.corrected_by_label, FieldProvenance.set_at, FieldProvenance.corrected_by_id)
        .outerjoin(Delivery, Delivery.id == FieldProvenance.delivery_id)
        .where(FieldProvenance.person_id == person_id))
    for name, code, delivery_id, file_name, as_of, user, set_at, user_id in rows:
        # "user": a caseworker's manual correction (source None) or re-processed quarantine record.
        out[name] = {"source": code, "delivery_id": delivery_id, "file_name": file_name, "as_of": as_of,
                     "user": user, "user_id": user_id, "set_at": set_at}
    return out


def source_records(person_id: int) -> list[SourceRecord]:
    """Which sources deliver this person, under which key, since when (for the person timeline)."""
    return list(db.session.scalars(select(SourceRecord).where(SourceRecord.person_id == person_id)
                                   .order_by(SourceRecord.id)))


def missing_records(source_codes=None) -> Select:
    """Source records absent from their source's latest snapshot (the review list)."""
    stmt = select(SourceRecord).where(SourceRecord.missing_since.is_not(None))
    if source_codes is not None:
        stmt = stmt.where(SourceRecord.source_code.in_(list(source_codes)))
    return stmt.order_by(SourceRecord.missing_since.desc(), SourceRecord.id)
