"""The demo council of Piraeus: about fifteen members from every sector, eight meetings of
2020–2023 with their agendas, attendance, decisions and minutes (each approved by a decision of
the next meeting), twelve recommendations in every status with action items and progress, and
the 2020–2023 strategy whose objectives target the demo survey's indicators.

Everything is made through the services, so that the records, their history rows and their
public timelines are what the platform makes; dates the public reads (a recommendation's
timeline, when minutes were approved and published) are those of the meetings, while the
history rows say when the demo was loaded. Loaded by `manage.py councils_demo_load` after the
accounts (`demo_load`) and the survey waves (`surveys_demo_load`); loading again adds nothing.
Invented data: never mistake it for Piraeus's.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from councils.models import (
    ActionItemStatus,
    AgendaItemKind,
    AttendanceStatus,
    Council,
    Decision,
    DecisionOutcome,
    Measure,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Minutes,
    Objective,
    Organisation,
    Position,
    Priority,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    ReferenceSequence,
    Sector,
    Strategy,
    TargetKind,
    Visibility,
)
from councils.models.choices import VOTING_POSITIONS
from councils.services.actions import (
    action_item_create,
    action_item_transition,
    progress_update_add,
)
from councils.services.attendance import AttendanceEntry, attendance_record
from councils.services.bodies import council_save, membership_save, organisation_save
from councils.services.decisions import decision_record
from councils.services.meetings import agenda_item_add, meeting_create, meeting_transition
from councils.services.minutes import (
    minutes_approve,
    minutes_circulate,
    minutes_create,
    minutes_publish,
)
from councils.services.recommendations import recommendation_create, recommendation_transition
from councils.services.strategy import measure_recommendations_set, strategy_part_save
from curim.accounts.demo import DEMO_DOMAIN, demo_email
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from curim.areas.models import Area
from curim.core.demo import DemoError
from surveys.selectors import results_estimates, results_published

SLUG = "piraeus"
PREFIX = "LCCP"
TERM_STARTS = date(2020, 1, 1)
S = RecommendationStatus


@dataclass(frozen=True)
class Seat:
    key: str  # who, in this module; "secretary" and "member" are the demo accounts
    name: str
    organisation: str  # a key of ORGANISATIONS
    position: str
    public: bool
    starts_on: date = TERM_STARTS


# key: (English, Greek, sector)
ORGANISATIONS = {
    "municipality": ("Municipality of Piraeus", "Δήμος Πειραιά", Sector.MUNICIPALITY),
    "municipal_police": (
        "Municipal Police of Piraeus",
        "Δημοτική Αστυνομία Πειραιά",
        Sector.MUNICIPALITY,
    ),
    "police": (
        "Hellenic Police, Piraeus Police Directorate",
        "Ελληνική Αστυνομία, Διεύθυνση Αστυνομίας Πειραιά",
        Sector.POLICE,
    ),
    "coast_guard": (
        "Hellenic Coast Guard, Central Port Authority of Piraeus",
        "Λιμενικό Σώμα, Κεντρικό Λιμεναρχείο Πειραιά",
        Sector.POLICE,
    ),
    "network": (
        "Piraeus Neighbourhood Network",
        "Δίκτυο Γειτονιών Πειραιά",
        Sector.CIVIL_SOCIETY,
    ),
    "open_doors": ("Open Doors (NGO)", "Ανοιχτές Πόρτες (ΜΚΟ)", Sector.CIVIL_SOCIETY),
    "lyceum": ("1st General Lyceum of Piraeus", "1ο Γενικό Λύκειο Πειραιά", Sector.SCHOOL),
    "parents": (
        "Federation of Parents' Associations of Piraeus",
        "Ένωση Συλλόγων Γονέων Πειραιά",
        Sector.SCHOOL,
    ),
    "traders": ("Piraeus Traders' Association", "Εμπορικός Σύλλογος Πειραιά", Sector.BUSINESS),
    "night_economy": (
        "Piraeus Restaurants and Bars Association",
        "Σωματείο Εστίασης και Αναψυχής Πειραιά",
        Sector.BUSINESS,
    ),
    "kastella": (
        "Kastella Residents' Association",
        "Σύλλογος Κατοίκων Καστέλλας",
        Sector.RESIDENTS,
    ),
    "neo_faliro": (
        "Neo Faliro Residents' Association",
        "Σύλλογος Κατοίκων Νέου Φαλήρου",
        Sector.RESIDENTS,
    ),
    "victim_support": (
        "Victim Support Unit of Piraeus",
        "Μονάδα Υποστήριξης Θυμάτων Πειραιά",
        Sector.VICTIM_SUPPORT,
    ),
    "university": (
        "University of Piraeus, Department of Sociology",
        "Πανεπιστήμιο Πειραιώς, Τμήμα Κοινωνιολογίας",
        Sector.OTHER,
    ),
}

SEATS = [
    Seat("chair", "Eleni Papadaki", "municipality", Position.CHAIR, True),
    Seat("vice_chair", "Nikos Georgiou", "police", Position.VICE_CHAIR, True),
    Seat("secretary", "Maria Konstantinou", "municipality", Position.SECRETARY, True),
    Seat("member", "Giorgos Antoniou", "municipal_police", Position.MEMBER, False),
    Seat("coast_guard", "Dimitris Alexiou", "coast_guard", Position.MEMBER, False),
    Seat("network", "Katerina Vlachou", "network", Position.MEMBER, True),
    Seat("open_doors", "Sofia Nikolaou", "open_doors", Position.MEMBER, False),
    Seat("lyceum", "Panagiotis Dimou", "lyceum", Position.MEMBER, True),
    Seat("parents", "Anna Karali", "parents", Position.MEMBER, False),
    Seat("traders", "Vasilis Stavrou", "traders", Position.MEMBER, True),
    Seat("night_economy", "Christos Manolis", "night_economy", Position.MEMBER, False),
    Seat("kastella", "Ioanna Petrou", "kastella", Position.MEMBER, True),
    Seat("neo_faliro", "Kostas Lambrou", "neo_faliro", Position.MEMBER, False, date(2021, 1, 1)),
    Seat("victim_support", "Despina Markou", "victim_support", Position.MEMBER, True),
    Seat(
        "university", "Alexandra Ioannou", "university", Position.OBSERVER, True, date(2021, 9, 1)
    ),
]


@dataclass(frozen=True)
class Item:
    title: str
    public: bool
    kind: str = AgendaItemKind.INFORMATION
    text: str = ""
    # Recommendations (keys of RECOMMENDATIONS) adopted by the decision on this item.
    adopts: tuple[str, ...] = ()
    outcome: str = DecisionOutcome.ADOPTED
    approves_minutes: bool = False


APPROVAL = "Approval of the minutes of the previous meeting"


@dataclass(frozen=True)
class DemoMeeting:
    day: date
    title_en: str
    title_el: str
    visibility: str
    items: tuple[Item, ...]
    summary: str
    kind: str = MeetingKind.PLENARY
    absent: tuple[str, ...] = ()  # seats that sent apologies


def _approval(public: bool) -> Item:
    return Item(APPROVAL, public, AgendaItemKind.DECISION, approves_minutes=True)


MEETINGS = [
    DemoMeeting(
        date(2020, 2, 12),
        "Constituent meeting",
        "Συνεδρίαση συγκρότησης",
        Visibility.SPLIT,
        (
            Item(
                "Constitution of the council and its rules of procedure",
                True,
                AgendaItemKind.DECISION,
                "The council's members, its chair and its rules of procedure.",
            ),
            Item("Plan of the 2020 baseline survey of safety and fear of crime", True),
            Item("Police briefing on crime trends in the port area", False),
        ),
        "The council was constituted and adopted its rules of procedure. The plan of the 2020 "
        "baseline survey was presented.",
    ),
    DemoMeeting(
        date(2020, 10, 14),
        "Results of the baseline survey",
        "Αποτελέσματα της αρχικής μέτρησης",
        Visibility.PUBLIC,
        (
            _approval(True),
            Item("Results of the 2020 baseline survey", True),
            Item(
                "Recommendations on street lighting and safe routes",
                True,
                AgendaItemKind.DECISION,
                adopts=("lighting", "routes"),
            ),
        ),
        "The council discussed the baseline survey and adopted two recommendations on street "
        "lighting and safe walking routes.",
        absent=("coast_guard",),
    ),
    DemoMeeting(
        date(2021, 3, 10),
        "Strategy 2020–2023 and safety at school",
        "Στρατηγική 2020–2023 και ασφάλεια στο σχολείο",
        Visibility.SPLIT,
        (
            _approval(True),
            Item("Adoption of the strategy 2020–2023", True, AgendaItemKind.DECISION),
            Item(
                "Recommendations on safety at and around schools",
                True,
                AgendaItemKind.DECISION,
                adopts=("school_officers", "bullying"),
            ),
            Item(
                "Referral protocol for cases of domestic violence",
                False,
                AgendaItemKind.DECISION,
                adopts=("referrals",),
            ),
        ),
        "The council adopted its strategy for 2020–2023 and two recommendations on safety at "
        "and around schools.",
        absent=("night_economy", "parents"),
    ),
    DemoMeeting(
        date(2021, 11, 10),
        "Shops, night life and transport",
        "Καταστήματα, νυχτερινή ζωή και συγκοινωνίες",
        Visibility.PUBLIC,
        (
            _approval(True),
            Item("Progress report on the recommendations", True),
            Item(
                "Recommendations on shops and the night-time economy",
                True,
                AgendaItemKind.DECISION,
                adopts=("shop_watch", "night_buses"),
            ),
        ),
        "The council heard the progress report and adopted two recommendations on shops and "
        "late-night transport.",
    ),
    DemoMeeting(
        date(2022, 4, 13),
        "Closed session on the port area",
        "Κλειστή συνεδρίαση για την περιοχή του λιμανιού",
        Visibility.CLOSED,
        (
            _approval(False),
            Item("Police operations in the port area", False),
            Item(
                "Information desk of the Victim Support Unit",
                False,
                AgendaItemKind.DECISION,
                adopts=("info_desk",),
            ),
        ),
        "",
        absent=("traders",),
    ),
    DemoMeeting(
        date(2022, 11, 9),
        "Young people and public space",
        "Νέοι και δημόσιος χώρος",
        Visibility.SPLIT,
        (
            _approval(True),
            Item(
                "Youth and sports programme",
                True,
                AgendaItemKind.DECISION,
                adopts=("sports_nights", "graffiti"),
            ),
            Item("Security of the metro station at Faliro", False, AgendaItemKind.CONSULTATION),
        ),
        "The council adopted two recommendations for young people: sports nights and the "
        "removal of graffiti with the neighbourhoods.",
        absent=("lyceum",),
    ),
    DemoMeeting(
        date(2023, 5, 10),
        "Advisory meeting with the residents of Neo Faliro",
        "Συμβουλευτική συνάντηση με τους κατοίκους του Νέου Φαλήρου",
        Visibility.PUBLIC,
        (
            _approval(True),
            Item("Residents' questions on safety in Neo Faliro", True, AgendaItemKind.CONSULTATION),
            Item("Review of the recommendations", True),
        ),
        "Residents of Neo Faliro asked about lighting, noise at night and the metro station.",
        kind=MeetingKind.ADVISORY,
    ),
    DemoMeeting(
        date(2023, 11, 8),
        "End of the strategy's term",
        "Λήξη της περιόδου της στρατηγικής",
        Visibility.SPLIT,
        (
            _approval(True),
            Item("Results of the 2023 follow-up survey", True),
            Item(
                "Neighbourhood mediators",
                True,
                AgendaItemKind.DECISION,
                adopts=("mediators",),
                outcome=DecisionOutcome.DEFERRED,
            ),
            Item("Staffing of the municipal police", False),
        ),
        "The council heard the results of the 2023 follow-up survey and deferred the "
        "recommendation on neighbourhood mediators to the next term.",
    ),
]


@dataclass(frozen=True)
class Action:
    title_en: str
    title_el: str
    owner: str  # a key of ORGANISATIONS
    person: str  # a seat's key
    due_on: date
    percents: tuple[tuple[date, int], ...] = ()  # progress updates
    cancelled: str = ""  # why, when the item was cancelled


@dataclass(frozen=True)
class DemoRecommendation:
    title_en: str
    title_el: str
    text_en: str
    text_el: str
    status: str  # where it ends
    # Later changes after adoption: (status, on, note).
    path: tuple[tuple[str, date, str], ...] = ()
    actions: tuple[Action, ...] = ()
    addressees: tuple[str, ...] = ()
    proposed_on: date | None = None  # for those no meeting adopted
    withdrawn: str = ""  # the note, for one withdrawn while proposed
    priority: str = "medium"
    due_on: date | None = None


RECOMMENDATIONS: dict[str, DemoRecommendation] = {
    "lighting": DemoRecommendation(
        "Light the streets around the port at night",
        "Φωτισμός των δρόμων γύρω από το λιμάνι τη νύχτα",
        "Replace and add street lights on the streets rated least safe at night.",
        "Αντικατάσταση και προσθήκη φωτιστικών στους δρόμους που αξιολογούνται ως λιγότερο "
        "ασφαλείς τη νύχτα.",
        S.IMPLEMENTED,
        (
            (S.IN_PROGRESS, date(2021, 1, 15), ""),
            (S.IMPLEMENTED, date(2022, 6, 30), ""),
        ),
        (
            Action(
                "Survey of the street lights",
                "Καταγραφή των φωτιστικών",
                "municipality",
                "chair",
                date(2021, 3, 31),
                ((date(2021, 2, 1), 40), (date(2021, 3, 20), 100)),
            ),
            Action(
                "Install 120 LED street lights",
                "Τοποθέτηση 120 φωτιστικών LED",
                "municipality",
                "secretary",
                date(2022, 6, 30),
                ((date(2021, 9, 1), 30), (date(2022, 2, 1), 70), (date(2022, 6, 20), 100)),
            ),
        ),
        ("municipality",),
        priority="high",
        due_on=date(2022, 6, 30),
    ),
    "routes": DemoRecommendation(
        "Mark safe walking routes to the metro stations",
        "Σήμανση ασφαλών διαδρομών προς τους σταθμούς του μετρό",
        "Agree with residents on walking routes to the stations and keep them lit and clean.",
        "Συμφωνία με τους κατοίκους για διαδρομές προς τους σταθμούς, φωτισμένες και καθαρές.",
        S.PARTLY_IMPLEMENTED,
        (
            (S.IN_PROGRESS, date(2021, 2, 1), ""),
            (
                S.PARTLY_IMPLEMENTED,
                date(2023, 3, 1),
                "Two of the three routes are marked; the third waits for the works at the station.",
            ),
        ),
        (
            Action(
                "Walk the routes with the residents",
                "Περπάτημα των διαδρομών με τους κατοίκους",
                "kastella",
                "kastella",
                date(2021, 6, 30),
                ((date(2021, 5, 15), 100),),
            ),
            Action(
                "Signs on the route to Faliro station",
                "Πινακίδες στη διαδρομή προς τον σταθμό Φαλήρου",
                "municipality",
                "secretary",
                date(2022, 12, 31),
                cancelled="The station is closed for works until 2025.",
            ),
        ),
        ("municipality", "kastella"),
    ),
    "school_officers": DemoRecommendation(
        "A school liaison officer for every secondary school",
        "Αξιωματικός σύνδεσμος για κάθε σχολείο δευτεροβάθμιας",
        "The police name an officer for each secondary school, who meets the school twice a year.",
        "Η αστυνομία ορίζει αξιωματικό για κάθε σχολείο, που συναντά το σχολείο δύο φορές τον "
        "χρόνο.",
        S.IMPLEMENTED,
        (
            (S.IN_PROGRESS, date(2021, 4, 1), ""),
            (S.IMPLEMENTED, date(2021, 12, 15), ""),
        ),
        (
            Action(
                "Name the liaison officers",
                "Ορισμός των αξιωματικών συνδέσμων",
                "police",
                "vice_chair",
                date(2021, 9, 30),
                ((date(2021, 6, 1), 50), (date(2021, 9, 15), 100)),
            ),
        ),
        ("police", "lyceum"),
        priority="high",
    ),
    "bullying": DemoRecommendation(
        "Workshops against bullying in schools",
        "Εργαστήρια κατά του εκφοβισμού στα σχολεία",
        "Civil society runs workshops on bullying and online safety in every school.",
        "Η κοινωνία των πολιτών οργανώνει εργαστήρια για τον εκφοβισμό και την ασφάλεια στο "
        "διαδίκτυο σε κάθε σχολείο.",
        S.IN_PROGRESS,
        ((S.IN_PROGRESS, date(2021, 9, 1), ""),),
        (
            Action(
                "Workshops in the lyceums",
                "Εργαστήρια στα λύκεια",
                "open_doors",
                "open_doors",
                date(2023, 6, 30),
                ((date(2022, 1, 10), 20), (date(2022, 12, 1), 60)),
            ),
            Action(
                "Workshops in the gymnasiums",
                "Εργαστήρια στα γυμνάσια",
                "parents",
                "parents",
                date(2023, 12, 31),
                ((date(2023, 2, 1), 10),),
            ),
        ),
        ("open_doors", "parents"),
    ),
    "referrals": DemoRecommendation(
        "A referral protocol for domestic violence",
        "Πρωτόκολλο παραπομπής για την ενδοοικογενειακή βία",
        "The police and the Victim Support Unit agree how victims are referred, within a day.",
        "Η αστυνομία και η Μονάδα Υποστήριξης Θυμάτων συμφωνούν πώς παραπέμπονται τα θύματα, "
        "μέσα σε μία μέρα.",
        S.IN_PROGRESS,
        ((S.IN_PROGRESS, date(2021, 5, 1), ""),),
        (
            Action(
                "Draft the protocol",
                "Σύνταξη του πρωτοκόλλου",
                "victim_support",
                "victim_support",
                date(2022, 3, 31),
                ((date(2021, 10, 1), 50), (date(2022, 3, 1), 100)),
            ),
            Action(
                "Train the officers on the protocol",
                "Εκπαίδευση των αστυνομικών στο πρωτόκολλο",
                "police",
                "vice_chair",
                date(2023, 9, 30),
                ((date(2022, 10, 1), 25),),
            ),
        ),
        ("police", "victim_support"),
        priority="high",
    ),
    "shop_watch": DemoRecommendation(
        "A shop watch network in the market",
        "Δίκτυο επαγρύπνησης καταστημάτων στην αγορά",
        "Shops share warnings of thefts by radio with the municipal police.",
        "Τα καταστήματα ανταλλάσσουν ειδοποιήσεις για κλοπές με τη δημοτική αστυνομία.",
        S.NOT_IMPLEMENTED,
        (
            (
                S.NOT_IMPLEMENTED,
                date(2023, 4, 1),
                "Too few shops joined: the radios were not bought.",
            ),
        ),
        (
            Action(
                "Buy the radios",
                "Αγορά των ασυρμάτων",
                "traders",
                "traders",
                date(2022, 6, 30),
            ),
        ),
        ("traders", "municipal_police"),
        priority="low",
    ),
    "night_buses": DemoRecommendation(
        "Night buses from the port on weekends",
        "Νυχτερινά λεωφορεία από το λιμάνι τα Σαββατοκύριακα",
        "Ask the transport authority for buses every 30 minutes after midnight on weekends.",
        "Αίτημα προς τον φορέα συγκοινωνιών για λεωφορεία ανά 30 λεπτά μετά τα μεσάνυχτα τα "
        "Σαββατοκύριακα.",
        S.IN_PROGRESS,
        ((S.IN_PROGRESS, date(2022, 1, 20), ""),),
        (
            Action(
                "Request to the transport authority",
                "Αίτημα προς τον φορέα συγκοινωνιών",
                "municipality",
                "chair",
                date(2022, 3, 31),
                ((date(2022, 3, 10), 100),),
            ),
            Action(
                "Pilot on two lines",
                "Πιλοτική εφαρμογή σε δύο γραμμές",
                "night_economy",
                "night_economy",
                date(2023, 10, 31),
                ((date(2023, 1, 15), 40),),
            ),
        ),
        ("municipality", "night_economy"),
    ),
    "info_desk": DemoRecommendation(
        "An information desk of the Victim Support Unit at the police station",
        "Γραφείο ενημέρωσης της Μονάδας Υποστήριξης Θυμάτων στο αστυνομικό τμήμα",
        "Once a week, the unit informs people who report a crime about the support it gives.",
        "Μία φορά την εβδομάδα, η μονάδα ενημερώνει όσους καταγγέλλουν ένα έγκλημα για την "
        "υποστήριξη που προσφέρει.",
        S.ADOPTED,
        (),
        (
            Action(
                "Find a room at the station",
                "Εξεύρεση χώρου στο τμήμα",
                "police",
                "coast_guard",
                date(2023, 3, 31),
            ),
        ),
        ("victim_support", "police"),
    ),
    "sports_nights": DemoRecommendation(
        "Sports nights for young people in the school yards",
        "Αθλητικές βραδιές για νέους στις αυλές των σχολείων",
        "Open two school yards on Friday evenings, with coaches.",
        "Άνοιγμα δύο σχολικών αυλών τις Παρασκευές το βράδυ, με προπονητές.",
        S.ADOPTED,
        (),
        (
            Action(
                "Agreement with the schools",
                "Συμφωνία με τα σχολεία",
                "lyceum",
                "lyceum",
                date(2024, 6, 30),
            ),
        ),
        ("municipality", "lyceum"),
    ),
    "graffiti": DemoRecommendation(
        "Remove graffiti with the neighbourhoods",
        "Απομάκρυνση των γκράφιτι με τις γειτονιές",
        "Volunteers and the municipality clean walls together once a month.",
        "Εθελοντές και δήμος καθαρίζουν μαζί τους τοίχους μία φορά τον μήνα.",
        S.WITHDRAWN,
        (
            (
                S.WITHDRAWN,
                date(2023, 5, 10),
                "Replaced by the municipality's own cleaning programme.",
            ),
        ),
        (
            Action(
                "First cleaning day",
                "Πρώτη ημέρα καθαρισμού",
                "network",
                "network",
                date(2023, 2, 28),
                ((date(2023, 2, 25), 100),),
            ),
        ),
        ("network",),
    ),
    "mediators": DemoRecommendation(
        "Neighbourhood mediators",
        "Διαμεσολαβητές γειτονιάς",
        "Train residents to mediate in disputes between neighbours.",
        "Εκπαίδευση κατοίκων ως διαμεσολαβητών σε διαφορές μεταξύ γειτόνων.",
        S.PROPOSED,
    ),
    "cctv_review": DemoRecommendation(
        "Review the cameras in the port area",
        "Επανεξέταση των καμερών στην περιοχή του λιμανιού",
        "Review whether the cameras in the port area help, and publish what is found.",
        "Επανεξέταση του αν οι κάμερες στην περιοχή του λιμανιού βοηθούν, με δημοσίευση των "
        "ευρημάτων.",
        S.PROPOSED,
        proposed_on=date(2023, 12, 1),
    ),
}


def _at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class Loading:
    council: Council
    secretary: User
    chair: User
    organisations: dict[str, Organisation] = field(default_factory=dict)
    seats: dict[str, Membership] = field(default_factory=dict)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)


def council_demo_load() -> int:
    """Create the demo council once; returns how many meetings were added (0 when it exists)."""
    if Council.objects.filter(slug=SLUG).exists():
        return 0
    secretary = User.objects.filter(email=demo_email(Role.COUNCIL_SECRETARY)).first()
    member = User.objects.filter(email=demo_email(Role.COUNCIL_MEMBER)).first()
    area = Area.objects.filter(level=Area.Level.MUNICIPALITY).order_by("code").first()
    if secretary is None or member is None or area is None:
        raise DemoError("Load the demo accounts and areas first (manage.py demo_load).")
    with transaction.atomic():
        loading = _council(area, secretary, member)
        previous: tuple[Meeting, Minutes] | None = None
        for plan in MEETINGS:
            previous = _meeting(loading, plan, previous)
        _follow_up(loading)
        _references_dated(loading)
        _strategy(loading)
    return len(MEETINGS)


def _council(area: Area, secretary: User, member: User) -> Loading:
    council = council_save(
        council=Council(
            slug=SLUG,
            name_en="Local Council for Crime Prevention of Piraeus",
            name_el="Δημοτικό Συμβούλιο Πρόληψης της Παραβατικότητας Πειραιά",
            area=area,
            purpose_en=(
                "The council brings the police, the municipality, schools, businesses, "
                "residents and the Victim Support Unit together to prevent crime and the fear "
                "of crime in Piraeus, and follows its recommendations up in public."
            ),
            purpose_el=(
                "Το συμβούλιο φέρνει κοντά την αστυνομία, τον δήμο, τα σχολεία, τις "
                "επιχειρήσεις, τους κατοίκους και τη Μονάδα Υποστήριξης Θυμάτων για την "
                "πρόληψη της παραβατικότητας και του φόβου της στον Πειραιά, και παρακολουθεί "
                "δημόσια τις συστάσεις του."
            ),
            term_starts_on=TERM_STARTS,
            reference_prefix=PREFIX,
        )
    )
    loading = Loading(council, secretary, secretary)
    for key, (english, greek, sector) in ORGANISATIONS.items():
        organisation = Organisation.objects.filter(name_en=english).first()
        loading.organisations[key] = organisation or organisation_save(
            organisation=Organisation(name_en=english, name_el=greek, sector=sector)
        )
    for seat in SEATS:
        person = _person(seat, secretary, member)
        loading.seats[seat.key] = membership_save(
            membership=Membership(
                council=council,
                person=person,
                organisation=loading.organisations[seat.organisation],
                position=seat.position,
                starts_on=seat.starts_on,
                name_public=seat.public,
            )
        )
    loading.chair = loading.seats["chair"].person
    return loading


def _person(seat: Seat, secretary: User, member: User) -> User:
    if seat.key == "secretary":
        return secretary
    if seat.key == "member":
        return member
    email = f"council.{seat.key.replace('_', '-')}@{DEMO_DOMAIN}"
    person = User.objects.filter(email=email).first()
    if person is None:
        # No password: these members are names on the council, not demo logins.
        person = User.objects.create_user(email, None, display_name=seat.name)
        user_roles_set(user=person, roles={Role.COUNCIL_MEMBER})
    return person


def _meeting(
    loading: Loading, plan: DemoMeeting, previous: tuple[Meeting, Minutes] | None
) -> tuple[Meeting, Minutes]:
    by = loading.secretary
    starts = _at(plan.day)
    meeting = meeting_create(
        council=loading.council,
        by=by,
        title_en=plan.title_en,
        title_el=plan.title_el,
        kind=plan.kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Piraeus Town Hall",
        visibility=plan.visibility,
    )
    for item in plan.items:
        _proposals(loading, item, plan.day)
        agenda_item_add(
            meeting=meeting,
            by=by,
            title=item.title,
            text=item.text,
            kind=item.kind,
            public=item.public,
        )
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.HELD, by=by)
    voters = _attendance(loading, meeting, plan)
    for item, agenda_item in zip(plan.items, meeting.agenda_items.order_by("order"), strict=True):
        if item.kind != AgendaItemKind.DECISION:
            continue
        decision = decision_record(
            agenda_item=agenda_item,
            by=by,
            text=_decision_text(item),
            outcome=item.outcome,
            votes_for=voters - 1 if item.outcome == DecisionOutcome.ADOPTED else None,
            votes_against=0 if item.outcome == DecisionOutcome.ADOPTED else None,
            votes_abstain=1 if item.outcome == DecisionOutcome.ADOPTED else None,
        )
        if item.approves_minutes and previous is not None:
            _approve(loading, previous, decision, plan.day)
        if item.outcome == DecisionOutcome.ADOPTED:
            for key in item.adopts:
                loading.recommendations[key] = recommendation_transition(
                    recommendation=loading.recommendations[key],
                    to_status=S.ADOPTED,
                    by=by,
                    decision=decision,
                    at=_at(plan.day, 20),
                )
    minutes = minutes_create(
        meeting=meeting,
        by=by,
        text=_minutes_text(plan),
        public_summary=plan.summary,
    )
    minutes_circulate(minutes=minutes, by=by)
    Minutes.objects.filter(pk=minutes.pk).update(circulated_at=_at(plan.day + timedelta(days=14)))
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CLOSED, by=by)
    return meeting, minutes


def _proposals(loading: Loading, item: Item, day: date) -> None:
    """The recommendations this item adopts, proposed three weeks before the meeting."""
    for key in item.adopts:
        loading.recommendations[key] = _proposed(loading, key, day - timedelta(days=21))


def _proposed(loading: Loading, key: str, on: date) -> Recommendation:
    plan = RECOMMENDATIONS[key]
    recommendation = recommendation_create(
        council=loading.council,
        by=loading.secretary,
        addressees=[loading.organisations[a] for a in plan.addressees],
        title_en=plan.title_en,
        title_el=plan.title_el,
        text_en=plan.text_en,
        text_el=plan.text_el,
        priority=plan.priority,
        due_on=plan.due_on,
    )
    # The public timeline starts on the day it was proposed, not the day the demo was loaded.
    RecommendationStatusChange.objects.filter(recommendation=recommendation).update(
        changed_at=_at(on, 10)
    )
    return recommendation


def _attendance(loading: Loading, meeting: Meeting, plan: DemoMeeting) -> int:
    """Record who came; returns how many voting members were present."""
    entries = [
        AttendanceEntry(
            seat,
            AttendanceStatus.APOLOGIES if key in plan.absent else AttendanceStatus.PRESENT,
        )
        for key, seat in loading.seats.items()
        if seat.is_current(plan.day)
    ]
    attendance_record(meeting=meeting, by=loading.secretary, entries=entries)
    return sum(
        1
        for e in entries
        if e.status == AttendanceStatus.PRESENT and e.membership.position in VOTING_POSITIONS
    )


def _decision_text(item: Item) -> str:
    if item.approves_minutes:
        return "The minutes of the previous meeting are approved as circulated."
    if item.outcome == DecisionOutcome.DEFERRED:
        return "Deferred to the next term, for a costed proposal."
    return f"Adopted: {item.title}."


def _minutes_text(plan: DemoMeeting) -> str:
    lines = [f"Minutes of the meeting of {plan.day:%d/%m/%Y}: {plan.title_en}.", ""]
    for number, item in enumerate(plan.items, start=1):
        lines.append(f"{number}. {item.title}. The council discussed the item.")
    return "\n".join(lines)


def _approve(
    loading: Loading, previous: tuple[Meeting, Minutes], decision: Decision, day: date
) -> None:
    meeting, minutes = previous
    minutes_approve(minutes=minutes, decision=decision, by=loading.chair)
    Minutes.objects.filter(pk=minutes.pk).update(approved_at=_at(day, 20))
    if meeting.visibility != Visibility.CLOSED:
        minutes_publish(minutes=minutes, by=loading.secretary)
        Minutes.objects.filter(pk=minutes.pk).update(published_at=_at(day + timedelta(days=3)))


def _follow_up(loading: Loading) -> None:
    """Action items, their progress and the later changes of status of each recommendation."""
    by = loading.secretary
    for key, plan in RECOMMENDATIONS.items():
        recommendation = loading.recommendations.get(key)
        if recommendation is None:  # proposed outside a meeting
            recommendation = _proposed(loading, key, plan.proposed_on or date(2023, 12, 1))
            loading.recommendations[key] = recommendation
        for action in plan.actions:
            item = action_item_create(
                recommendation=recommendation,
                by=by,
                title_en=action.title_en,
                title_el=action.title_el,
                owner_organisation=loading.organisations[action.owner],
                owner_person=loading.seats[action.person].person,
                due_on=action.due_on,
            )
            for on, percent in action.percents:
                progress_update_add(item=item, by=item.owner_person or by, on=on, percent=percent)
            if action.cancelled:
                action_item_transition(
                    item=item, to_status=ActionItemStatus.CANCELLED, by=by, note=action.cancelled
                )
        for status, on, note in plan.path:
            recommendation = recommendation_transition(
                recommendation=recommendation, to_status=status, by=by, note=note, at=_at(on, 12)
            )
        loading.recommendations[key] = recommendation


def _references_dated(loading: Loading) -> None:
    """Number each recommendation in the year it was proposed (the services number them in the
    year they are recorded), and give the numbers of this year back."""
    numbers: dict[int, int] = {}
    recorded = loading.council.recommendations.order_by("pk")
    for recommendation in recorded:
        first = recommendation.status_changes.order_by("changed_at", "pk").first()
        year = first.changed_at.year if first else recommendation.created_at.year
        numbers[year] = numbers.get(year, 0) + 1
        recommendation.reference = f"{PREFIX}-{year}-{numbers[year]:02d}"
        Recommendation.objects.filter(pk=recommendation.pk).update(
            reference=recommendation.reference
        )
    ReferenceSequence.objects.filter(council=loading.council).delete()
    ReferenceSequence.objects.bulk_create(
        ReferenceSequence(council=loading.council, year=year, last_number=number)
        for year, number in numbers.items()
    )


# code of the indicator, target (on its scale), English, Greek, priority (1 or 2)
OBJECTIVES = [
    (
        "perception",
        0.3,
        "People feel safer in their neighbourhood",
        "Οι κάτοικοι νιώθουν πιο ασφαλείς στη γειτονιά τους",
        1,
    ),
    ("fear", -0.3, "Less fear of crime", "Λιγότερος φόβος της εγκληματικότητας", 1),
    (
        "trust",
        0.25,
        "More trust in the local authorities",
        "Περισσότερη εμπιστοσύνη στις τοπικές αρχές",
        2,
    ),
    (
        "participation",
        0.2,
        "More residents take part in prevention",
        "Περισσότεροι κάτοικοι συμμετέχουν στην πρόληψη",
        2,
    ),
]
MEASURES = {
    "perception": ("lighting", "routes", "night_buses"),
    "fear": ("school_officers", "bullying", "referrals", "info_desk"),
    "trust": ("shop_watch", "info_desk"),
    "participation": ("sports_nights", "graffiti", "mediators"),
}


def _strategy(loading: Loading) -> None:
    """The 2020–2023 strategy; its objectives target the survey's indicators, from the baseline
    wave to the follow-up (when the survey demo is loaded)."""
    strategy = strategy_part_save(
        part=Strategy(
            council=loading.council,
            title_en="Safer Piraeus 2020–2023",
            title_el="Ασφαλέστερος Πειραιάς 2020–2023",
            summary_en=(
                "Two priorities: feeling safe in public space, and trust and participation in "
                "crime prevention, measured by the 2020 baseline survey and its 2023 follow-up."
            ),
            summary_el=(
                "Δύο προτεραιότητες: το αίσθημα ασφάλειας στον δημόσιο χώρο, και η εμπιστοσύνη "
                "και η συμμετοχή στην πρόληψη, με μέτρο την αρχική μέτρηση του 2020 και την "
                "επαναληπτική του 2023."
            ),
            starts_year=2020,
            ends_year=2023,
            published=True,
        )
    )
    priorities = {
        1: strategy_part_save(
            part=Priority(
                strategy=strategy,
                order=1,
                title_en="Feeling safe in public space",
                title_el="Αίσθημα ασφάλειας στον δημόσιο χώρο",
            )
        ),
        2: strategy_part_save(
            part=Priority(
                strategy=strategy,
                order=2,
                title_en="Trust and participation",
                title_el="Εμπιστοσύνη και συμμετοχή",
            )
        ),
    }
    waves = {wave.code: wave for wave in results_published()}
    baseline, follow_up = waves.get("baseline-2020"), waves.get("follow-up-2023")
    if baseline is None or follow_up is None:
        return  # no survey demo: the strategy has its priorities only
    estimates = {
        e.indicator.code: e
        for e in results_estimates(baseline).filter(area=None, group="", estimate__isnull=False)
    }
    for order, (code, change, english, greek, priority) in enumerate(OBJECTIVES, start=1):
        estimate = estimates.get(code)
        if estimate is None or estimate.estimate is None:
            continue
        objective = strategy_part_save(
            part=Objective(
                priority=priorities[priority],
                order=order,
                title_en=english,
                title_el=greek,
                target_kind=TargetKind.INDICATOR,
                indicator=estimate.indicator,
                baseline_survey=baseline,
                target_value=round(estimate.estimate + change, 2),
                target_survey=follow_up,
            )
        )
        measure = strategy_part_save(
            part=Measure(
                objective=objective,
                order=1,
                title_en=f"The council's recommendations: {english.lower()}",
                title_el=f"Οι συστάσεις του συμβουλίου: {greek.lower()}",
            )
        )
        measure_recommendations_set(
            measure=measure,
            recommendations=[loading.recommendations[key] for key in MEASURES[code]],
        )
