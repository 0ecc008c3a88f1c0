"""The closed code lists, each once: stored value (a readable string) and the German label people read.

Members are `StrEnum`s, so a member equals its stored string (`PersonState.arrived == "arrived"`) and
the database keeps the same values. `label` is the German text; `labels(Enum)` gives {value: label}
for templates and filters.
"""
from __future__ import annotations

from enum import StrEnum


class CodeList(StrEnum):
    """A code with its German label: `member = "stored value", "German label"`."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The German label of a stored value; an unknown value is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value or ""


def labels(codes: type[CodeList]) -> dict[str, str]:
    return {member.value: member.label for member in codes}


class PersonState(CodeList):
    announced = "announced", "angekündigt"
    arrived = "arrived", "angekommen"
    accommodated = "accommodated", "in Gemeinschaftsunterkunft"
    housed = "housed", "in Wohnung"
    departed = "departed", "weggezogen"


# Persons still waiting for a bed (announced or arrived, no stay yet).
WAITING_STATES = (PersonState.announced, PersonState.arrived)
# Persons who no longer need a shelter bed (their own flat, or gone).
SETTLED_STATES = (PersonState.housed, PersonState.departed)


class ShelterState(CodeList):
    planned = "planned", "geplant"
    open = "open", "geöffnet"
    closed = "closed", "geschlossen"


class ResidenceStatus(CodeList):
    ANKUNFT = "ANKUNFT", "Ankunftsnachweis"
    GESTATTUNG = "GESTATTUNG", "Aufenthaltsgestattung"
    DULDUNG = "DULDUNG", "Duldung"
    AE = "AE", "Aufenthaltserlaubnis"
    NE = "NE", "Niederlassungserlaubnis"
    EU = "EU", "Freizügigkeit (EU/EWR/Schweiz)"
    FIKTION = "FIKTION", "Fiktionsbescheinigung"
    OHNE = "OHNE", "ohne Aufenthaltstitel"


class SyncRunStatus(CodeList):
    running = "running", "läuft"
    done = "done", "abgeschlossen"
    rejected = "rejected", "Datei abgewiesen"
    failed = "failed", "abgebrochen"
    held = "held", "angehalten (Bestätigung nötig)"


class RejectedStatus(CodeList):
    """A quarantined record of a delivery."""

    open = "open", "offen"
    resolved = "resolved", "erledigt"
    dismissed = "dismissed", "verworfen"


class ReviewStatus(CodeList):
    """A linkage review pair (Prüffall); `different` is the remembered non-match."""

    open = "open", "offen"
    same = "same", "dieselbe Person"
    different = "different", "verschiedene Personen"
    superseded = "superseded", "überholt"


class ReportStatus(CodeList):
    """A requested committee report (ReportJob)."""

    queued = "queued", "wartet"
    running = "running", "wird erstellt"
    done = "done", "fertig"
    failed = "failed", "fehlgeschlagen"


class AuditAction(CodeList):
    """What an audit row records; lifecycle steps are 'transition:<event>' (see action_label)."""

    read = "read", "angesehen"
    read_refused = "read_refused", "Ansehen verweigert"
    create = "create", "angelegt"
    update = "update", "geändert"
    export = "export", "exportiert"
    login = "login", "angemeldet"
    logout = "logout", "abgemeldet"
    login_failed = "login_failed", "Anmeldung fehlgeschlagen"
    deactivate = "deactivate", "deaktiviert"
    activate = "activate", "aktiviert"
    reset_password = "reset_password", "Passwort neu gesetzt"
    request = "request", "angefordert"
    download = "download", "heruntergeladen"
    sync = "sync", "Lieferung verarbeitet"
    reprocess = "reprocess", "Datensatz neu verarbeitet"
    dismiss = "dismiss", "Datensatz verworfen"
    anonymise = "anonymise", "anonymisiert"
    purge = "purge", "gelöscht (Aufbewahrungsfrist)"
    access_report = "access_report", "Auskunftsbericht erstellt"
    restore_drill = "restore_drill", "Wiederherstellungsprobe"
    search = "search", "Person gesucht (Auskunft)"
    grant = "grant", "Recht erteilt (Rolle/Amt)"
    revoke = "revoke", "Recht entzogen (Rolle/Amt)"
    retention_drill = "retention_drill", "Aufbewahrungslauf mit künftigem Stichtag (Übung)"
    block_beds = "block_beds", "Betten gesperrt"
    room_features = "room_features", "Zimmermerkmale geändert"
    merge = "merge", "zusammengeführt"
    split = "split", "getrennt"
    legacy_upload = "legacy_upload", "Altliste hochgeladen"
    legacy_import = "legacy_import", "Altliste eingespielt"
    legacy_resolve = "legacy_resolve", "Altlisten-Zeile erledigt"
    link = "link", "Datensätze verknüpft (Lieferung)"
    print = "print", "ausgedruckt"
    change_password = "change_password", "Passwort geändert"
    sync_held = "sync_held", "Lieferung angehalten"
    sync_confirm = "sync_confirm", "angehaltene Lieferung bestätigt"
    sync_discard = "sync_discard", "angehaltene Lieferung verworfen"


class LegacyOutcome(CodeList):
    """What became of one row of an old occupancy list (shelters/legacy/importer.py)."""

    new = "new", "neue Person, eingezogen"
    existing = "existing", "bekannte Person, eingezogen"
    already = "already", "schon so erfasst"
    unmapped = "unmapped", "nicht zugeordnet"


TRANSITION_PREFIX = "transition:"


def action_label(action: str, event_labels: dict[str, str] | None = None) -> str:
    """German label of a stored audit action: 'transition:depart' reads 'Übergang Wegzug'."""
    if action.startswith(TRANSITION_PREFIX):
        from caseapp.workflows.states import EVENT_LABELS_DE

        event = action.removeprefix(TRANSITION_PREFIX)
        return "Übergang " + (event_labels or EVENT_LABELS_DE).get(event, event)
    return AuditAction.label_of(action)


def action_labels() -> dict[str, str]:
    """Every audit action with its label, lifecycle steps included (the audit list's filter)."""
    from caseapp.workflows.states import EVENT_LABELS_DE

    return {**labels(AuditAction),
            **{TRANSITION_PREFIX + e: action_label(TRANSITION_PREFIX + e) for e in EVENT_LABELS_DE}}
