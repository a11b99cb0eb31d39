"""Everything personal the unit records is unreadable in the database and on disk."""

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import QuerySet
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.core.crypto import DecryptionError
from curim.core.encrypted_fields import EncryptedTextField
from tests.plaintext import fernet_decrypt, plaintext_forms, plaintext_found, stored_texts
from tests.victims.factories import (
    case_create,
    consent_give,
    moments_ago,
    service_create,
    upload,
)
from victims.models import (
    AccessLog,
    BreakGlass,
    Case,
    CaseStatusChange,
    ClosureOutcome,
    ConsentScope,
    Document,
    IntakeRequest,
    OffenceType,
    Person,
    Referral,
    Status,
    SupportKind,
    SupportSession,
)
from victims.services.cases import case_close, case_status_change
from victims.services.intake import intake_request_submit
from victims.services.privacy import break_glass_open
from victims.services.support import document_add, referral_create, session_record

SECRETS = {
    "full_name": "Xanthippi Zografou-Kalamata",
    "phone": "+30 699 314 1592",
    "email": "xanthippi.zografou@example.net",
    "address": "Odos Thermopylon 77, Kaminia",
    "date_of_birth": "1937-11-23",
    "safe_contact": "Καλέστε μόνο αφού φύγει το μπλε αυτοκίνητο",
    "summary": "pushed down the stairwell by the landlord",
    "status_note": "home visit on Thermopylon street went badly",
    "closure_notes": "moved in with her sister in Volos",
    "session_notes": "talked through the nightmares about the garage",
    "referral_reason": "needs a lawyer for the restraining order hearing",
    "break_glass": "on-call emergency: the hospital asked about the injuries",
    "document_title": "Hospital certificate of the fractured wrist",
    "document_name": "zografou-hospital-certificate.pdf",
    "intake_name": "Persephone Anagnostopoulou",
    "intake_phone": "+30 698 271 8281",
    "intake_email": "persephone.a@example.net",
    "intake_message": "my neighbour follows me to the tram stop every morning",
    "intake_times": "weekdays after the children sleep",
}
DOCUMENT = b"MEDICAL CERTIFICATE: fractured left wrist, Xanthippi Zografou-Kalamata"
SERVICE_NAME = "Piraeus Legal Aid Centre"

VICTIM_TABLES = {
    "victims_accesslog",
    "victims_assignment",
    "victims_breakglass",
    "victims_case",
    "victims_casestatuschange",
    "victims_consent",
    "victims_document",
    "victims_intakerequest",
    "victims_person",
    "victims_referral",
    "victims_supportsession",
}

# Every column the application encrypts. A column that stops being encrypted (a plain JSON or
# text field in its place) fails the token test below even if no search would find its text.
ENCRYPTED_COLUMNS = {
    ("victims_person", "full_name"),
    ("victims_person", "phone"),
    ("victims_person", "email"),
    ("victims_person", "date_of_birth"),
    ("victims_person", "address"),
    ("victims_person", "safe_contact"),
    ("victims_case", "referring_organisation"),
    ("victims_case", "summary"),
    ("victims_case", "closure_notes"),
    ("victims_casestatuschange", "note"),
    ("victims_breakglass", "reason"),
    ("victims_supportsession", "notes"),
    ("victims_referral", "reason"),
    ("victims_document", "title"),
    ("victims_document", "original_name"),
    ("victims_intakerequest", "details"),
    ("victims_accesslog", "reason"),
}


@pytest.fixture
def records(worker: User, supervisor: User) -> dict[str, Any]:
    """One of each record, every free-text field holding a distinctive string."""
    case = case_create(
        by=worker,
        full_name=SECRETS["full_name"],
        phone=SECRETS["phone"],
        email=SECRETS["email"],
        address=SECRETS["address"],
        date_of_birth=datetime.date.fromisoformat(SECRETS["date_of_birth"]),
        safe_contact={"no_sms": True, "calls_from": "", "notes": SECRETS["safe_contact"]},
        summary=SECRETS["summary"],
        restricted=True,
        offence_type=OffenceType.DOMESTIC_VIOLENCE,
    )
    case_status_change(
        case=case, by=worker, to_status=Status.ASSESSMENT, note=SECRETS["status_note"]
    )
    session = session_record(
        case=case,
        by=worker,
        kind=SupportKind.PSYCHOLOGICAL,
        channel="in_person",
        held_at=moments_ago(),
        duration_minutes=50,
        notes=SECRETS["session_notes"],
    )
    service = service_create(name_en=SERVICE_NAME)
    consent_give(case=case, by=worker, scope=ConsentScope.REFERRAL, service=service)
    referral = referral_create(
        case=case, by=worker, service=service, reason=SECRETS["referral_reason"]
    )
    glass = break_glass_open(case=case, user=supervisor, reason=SECRETS["break_glass"])
    document = document_add(
        case=case,
        by=worker,
        title=SECRETS["document_title"],
        upload=upload(DOCUMENT, SECRETS["document_name"]),
    )
    intake = intake_request_submit(
        name=SECRETS["intake_name"],
        phone=SECRETS["intake_phone"],
        email=SECRETS["intake_email"],
        channel="phone",
        safe_times=SECRETS["intake_times"],
        message=SECRETS["intake_message"],
    )
    case = case_close(
        case=case, by=worker, outcome=ClosureOutcome.COMPLETED, notes=SECRETS["closure_notes"]
    )
    return {
        "case": case,
        "session": session,
        "referral": referral,
        "glass": glass,
        "document": document,
        "intake": intake,
    }


def _raw_values() -> dict[str, list[str]]:
    """Every column of every row of every victims table, and each row as text, as stored."""
    tables = [t for t in connection.introspection.table_names() if t.startswith("victims_")]
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name}")  # noqa: S608
            values = [text for row in cursor.fetchall() for v in row for text in stored_texts(v)]
            cursor.execute(f"SELECT t::text FROM {name} t")  # noqa: S608
            values += [text for (text,) in cursor.fetchall()]
            found[table] = values
    return found


def _column_values(table: str, column: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}"  # noqa: S608
        )
        return [value for (value,) in cursor.fetchall()]


@pytest.mark.django_db
def test_no_personal_data_is_readable_in_any_victims_table(records: dict[str, Any]) -> None:
    raw = _raw_values()
    assert set(raw) >= VICTIM_TABLES
    assert all(raw[table] for table in VICTIM_TABLES), "every table holds a row to search"
    for table, values in raw.items():
        for label, secret in SECRETS.items():
            assert not plaintext_found(secret, values), f"{label} is readable in {table}"
    # The search does find what is stored in clear, so an empty result above means something.
    assert plaintext_found(SERVICE_NAME, raw["victims_service"])


@pytest.mark.parametrize(
    ("stored", "secret"),
    [
        pytest.param(SECRETS["safe_contact"], SECRETS["safe_contact"], id="raw"),
        pytest.param(
            json.dumps({"notes": SECRETS["safe_contact"]}),
            SECRETS["safe_contact"],
            id="json-escaped",
        ),
        pytest.param(
            json.dumps({"notes": SECRETS["safe_contact"]}, ensure_ascii=False),
            SECRETS["safe_contact"],
            id="json-utf8",
        ),
        pytest.param(SECRETS["safe_contact"].encode().hex(), SECRETS["safe_contact"], id="hex"),
        pytest.param(
            '(1,"{""notes"": ""'
            + json.dumps(SECRETS["safe_contact"])[1:-1].replace("\\", "\\\\")
            + '""}")',
            SECRETS["safe_contact"],
            id="row-text",
        ),
    ],
)
def test_the_search_finds_plaintext_in_every_stored_form(stored: str, secret: str) -> None:
    # The search above would pass vacuously if it missed a form in which text can be stored.
    assert plaintext_found(secret, [stored])
    assert json.dumps(secret)[1:-1] in plaintext_forms(secret)


@pytest.mark.django_db
def test_every_encrypted_column_holds_a_fernet_token_and_nothing_else(
    records: dict[str, Any],
) -> None:
    declared = {
        (model._meta.db_table, field.column)
        for model in apps.get_app_config("victims").get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    }
    assert declared == ENCRYPTED_COLUMNS
    for table, column in sorted(ENCRYPTED_COLUMNS):
        values = [v for v in _column_values(table, column) if v is not None]
        assert values, f"{table}.{column} holds a value to check"
        for value in values:
            assert isinstance(value, str), f"{table}.{column} is not a text column"
            fernet_decrypt(value)  # AssertionError if anything but a token is stored


@pytest.mark.django_db
def test_document_files_on_disk_hold_neither_the_content_nor_the_name(
    records: dict[str, Any], document_root: Path
) -> None:
    files = [path for path in document_root.rglob("*") if path.is_file()]
    assert len(files) == 1
    stored = files[0].read_bytes()
    assert DOCUMENT not in stored
    assert b"Zografou" not in stored
    assert "zografou" not in files[0].name
    assert files[0].stat().st_mode & 0o077 == 0, "only the application's user reads the file"


@pytest.mark.django_db
def test_the_orm_reads_every_encrypted_value_back(records: dict[str, Any]) -> None:
    case = Case.objects.select_related("person").get(pk=records["case"].pk)
    person = Person.objects.get(pk=case.person.pk)
    assert person.full_name == SECRETS["full_name"]
    assert person.phone == SECRETS["phone"]
    assert person.email == SECRETS["email"]
    assert person.address == SECRETS["address"]
    assert person.date_of_birth == datetime.date(1937, 11, 23)
    assert person.safe_contact["notes"] == SECRETS["safe_contact"]
    assert person.safe_contact["no_sms"] is True
    assert case.summary == SECRETS["summary"]
    assert case.closure_notes == SECRETS["closure_notes"]
    notes = CaseStatusChange.objects.filter(case=case).values_list("note", flat=True)
    assert SECRETS["status_note"] in list(notes)
    assert SupportSession.objects.get(pk=records["session"].pk).notes == SECRETS["session_notes"]
    assert Referral.objects.get(pk=records["referral"].pk).reason == SECRETS["referral_reason"]
    assert BreakGlass.objects.get(pk=records["glass"].pk).reason == SECRETS["break_glass"]
    glass_log = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert glass_log.reason == SECRETS["break_glass"]
    details = IntakeRequest.objects.get(pk=records["intake"].pk).details
    assert details["name"] == SECRETS["intake_name"]
    assert details["phone"] == SECRETS["intake_phone"]
    assert details["message"] == SECRETS["intake_message"]
    document = Document.objects.get(pk=records["document"].pk)
    assert document.title == SECRETS["document_title"]
    assert document.original_name == SECRETS["document_name"]
    with document.file.open("rb") as handle:
        assert handle.read() == DOCUMENT


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(lambda: Person.objects.filter(full_name="Maria"), id="exact"),
        pytest.param(lambda: Person.objects.filter(email__icontains="@"), id="icontains"),
        pytest.param(lambda: Person.objects.filter(phone__in=["1"]), id="in"),
        pytest.param(lambda: Person.objects.exclude(address=""), id="exclude"),
        pytest.param(
            lambda: Person.objects.filter(date_of_birth__gt=datetime.date(2000, 1, 1)), id="gt"
        ),
        pytest.param(lambda: Case.objects.filter(person__full_name="Maria"), id="across-fk"),
        pytest.param(lambda: SupportSession.objects.filter(notes__startswith="a"), id="notes"),
    ],
)
@pytest.mark.django_db
def test_a_lookup_on_an_encrypted_field_is_refused(query: Any) -> None:
    # A token differs at each write: a lookup would silently match nothing.
    with pytest.raises(FieldError):
        list(query())


@pytest.mark.django_db
def test_an_isnull_lookup_on_an_encrypted_field_works(case: Case) -> None:
    queryset: QuerySet[Person] = Person.objects.filter(pk=case.person.pk)
    assert queryset.filter(date_of_birth__isnull=True).count() == 1
    assert queryset.filter(full_name__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_wrong_key_cannot_read_rows_or_documents(
    records: dict[str, Any], settings: SettingsWrapper
) -> None:
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=records["case"].person_id)
    with pytest.raises(DecryptionError):
        SupportSession.objects.get(pk=records["session"].pk)
    document_file = Document._meta.get_field("file").storage
    with pytest.raises(DecryptionError):
        document_file.open(records["document"].file.name).read()


def test_an_encrypted_date_is_edited_as_a_date_in_a_model_form() -> None:
    field = Person._meta.get_field("date_of_birth").formfield()
    assert isinstance(field, forms.DateField)
    assert (field.required, str(field.label)) == (False, "date of birth")
    assert field.clean("1980-01-02") == datetime.date(1980, 1, 2)

    class BirthDateField(forms.DateField):
        pass

    class PersonForm(forms.ModelForm[Person]):
        class Meta:
            model = Person
            fields = ["date_of_birth"]
            labels = {"date_of_birth": "Born on"}
            help_texts = {"date_of_birth": "As on the identity card"}
            widgets = {"date_of_birth": forms.DateInput(attrs={"autocomplete": "bday"})}
            field_classes = {"date_of_birth": BirthDateField}

    asked = PersonForm().fields["date_of_birth"]
    assert isinstance(asked, BirthDateField)
    assert (asked.label, asked.help_text) == ("Born on", "As on the identity card")
    assert asked.widget.attrs == {"autocomplete": "bday"}


def test_an_encrypted_text_field_keeps_its_label_and_enforces_its_max_length() -> None:
    from django.core.exceptions import ValidationError as Invalid

    field = EncryptedTextField("whispered notes", max_length=5)
    assert (field.verbose_name, field.max_length) == ("whispered notes", 5)
    field.run_validators("12345")
    with pytest.raises(Invalid):
        field.run_validators("123456")
    EncryptedTextField("no limit").run_validators("x" * 100_000)


def test_encrypted_files_are_written_only_through_save(tmp_path: Path) -> None:
    from django.core.files.base import ContentFile

    from curim.core.encrypted_storage import EncryptedFileStorage

    storage = EncryptedFileStorage(location=tmp_path)
    name = storage.save("statement.txt", ContentFile(b"page 1"))
    with storage.open(name) as opened:
        assert (opened.read(), opened.name) == (b"page 1", name)
    for mode in ("wb", "ab", "w", "a"):
        with pytest.raises(ValueError, match="only through save"):
            storage.open(name, mode)


def test_an_encrypted_date_reads_dates_empty_values_and_refuses_nonsense() -> None:
    from django.core.exceptions import ValidationError as Invalid

    field = Person._meta.get_field("date_of_birth")
    assert field.to_python("1980-01-02") == datetime.date(1980, 1, 2)
    assert field.to_python("") is None
    assert field.to_python(None) is None
    for nonsense in ("2 January 1980", "1980-02-30"):
        with pytest.raises(Invalid) as refused:
            field.to_python(nonsense)
        assert (refused.value.code, refused.value.messages) == ("invalid", ["Enter a valid date."])
