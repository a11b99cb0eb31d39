"""What the demo council of Piraeus is made of (`councils.demo` loads it): its organisations
and members, its eight meetings of 2020–2023, its twelve recommendations and the objectives of
its strategy. Invented: never mistake it for Piraeus's."""

from dataclasses import dataclass
from datetime import date

from councils.models import (
    AgendaItemKind,
    DecisionOutcome,
    MeetingKind,
    Position,
    RecommendationStatus,
    Sector,
    Visibility,
)

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
