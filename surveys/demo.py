"""A demo baseline wave (about 2,000 respondents) and a follow-up, generated reproducibly.

The questionnaire measures the five indicators of the BeSecure-FeelSecure baseline assessment.
Answers are drawn per district, with the follow-up a little better than the baseline, so that
the dashboard has something to compare; both waves are raked to the same population margins
(district and gender). Invented data: never mistake it for Piraeus's.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from curim.areas.models import Area
from surveys.models import (
    AgeBand,
    Answer,
    Choice,
    Gender,
    Indicator,
    IndicatorItem,
    PopulationMargin,
    Question,
    RespondentGroup,
    Response,
    Section,
    Survey,
)
from surveys.services.refresh import estimates_refresh, survey_changed

# code, section, English, Greek, reverse-coded in its indicator
LIKERT = [
    (
        "safe_day",
        0,
        "How safe do you feel in your neighbourhood by day?",
        "Πόσο ασφαλής νιώθετε στη γειτονιά σας τη μέρα;",
        False,
    ),
    (
        "safe_night",
        0,
        "How safe do you feel in your neighbourhood after dark?",
        "Πόσο ασφαλής νιώθετε στη γειτονιά σας μετά το σκοτάδι;",
        False,
    ),
    ("safe_home", 0, "How safe do you feel at home?", "Πόσο ασφαλής νιώθετε στο σπίτι σας;", False),
    (
        "worry_burglary",
        1,
        "How much do you worry about a burglary?",
        "Πόσο ανησυχείτε για μια διάρρηξη;",
        False,
    ),
    (
        "worry_street",
        1,
        "How much do you worry about being attacked in the street?",
        "Πόσο ανησυχείτε μήπως σας επιτεθούν στον δρόμο;",
        False,
    ),
    (
        "avoid_places",
        1,
        "How often do you avoid places because of crime?",
        "Πόσο συχνά αποφεύγετε μέρη εξαιτίας της εγκληματικότητας;",
        False,
    ),
    (
        "interest_taking_part",
        2,
        "Would you like to take part in local crime prevention?",
        "Θα θέλατε να συμμετέχετε στην τοπική πρόληψη της παραβατικότητας;",
        False,
    ),
    (
        "trust_police",
        3,
        "How much do you trust the police on local safety?",
        "Πόσο εμπιστεύεστε την αστυνομία για την τοπική ασφάλεια;",
        False,
    ),
    (
        "trust_municipality",
        3,
        "How much do you trust the municipality on local safety?",
        "Πόσο εμπιστεύεστε τον δήμο για την τοπική ασφάλεια;",
        False,
    ),
]
YES_NO = [
    (
        "attended_meeting",
        2,
        "In the last year, did you attend a meeting about local safety?",
        "Τον τελευταίο χρόνο, πήγατε σε συνάντηση για την τοπική ασφάλεια;",
    ),
    (
        "volunteered",
        2,
        "In the last year, did you volunteer in a safety initiative?",
        "Τον τελευταίο χρόνο, συμμετείχατε εθελοντικά σε δράση για την ασφάλεια;",
    ),
]
SECTIONS = [
    ("Feeling safe", "Αίσθημα ασφάλειας"),
    ("Worries", "Ανησυχίες"),
    ("Taking part", "Συμμετοχή"),
    ("Trust", "Εμπιστοσύνη"),
]
# code, English, Greek, method, threshold, higher is better, items
INDICATORS = [
    (
        "perception",
        "Perception of safety",
        "Αντίληψη ασφάλειας",
        "mean",
        None,
        True,
        ["safe_day", "safe_night", "safe_home"],
    ),
    (
        "fear",
        "Fear of crime",
        "Φόβος της εγκληματικότητας",
        "mean",
        None,
        False,
        ["worry_burglary", "worry_street", "avoid_places"],
    ),
    (
        "participation",
        "Individual participation in community-based crime policy",
        "Ατομική συμμετοχή στην κοινοτική πολιτική πρόληψης",
        "mean",
        None,
        True,
        ["attended_meeting", "volunteered"],
    ),
    (
        "interest",
        "Interest in participating in community-based crime policy",
        "Ενδιαφέρον για συμμετοχή στην κοινοτική πολιτική πρόληψης",
        "share",
        75.0,
        True,
        ["interest_taking_part"],
    ),
    (
        "trust",
        "Citizens' trust in local authorities on urban security",
        "Εμπιστοσύνη των πολιτών στις τοπικές αρχές για την αστική ασφάλεια",
        "mean",
        None,
        True,
        ["trust_police", "trust_municipality"],
    ),
]
# Approximate populations per district (adults), for every wave's raking margins (district and
# gender, the same dimensions in every wave, so that their changes compare like with like).
DISTRICT_POPULATION = [32_000, 29_000, 27_000, 24_000, 21_000]


@dataclass(frozen=True)
class Wave:
    code: str
    title_en: str
    title_el: str
    respondents: int
    better: float  # how much better than the baseline, in Likert points
    status: str
    published: bool  # its results are public


WAVES = [
    Wave(
        "baseline-2020",
        "Baseline 2020",
        "Αρχική μέτρηση 2020",
        2000,
        0.0,
        Survey.Status.CLOSED,
        True,
    ),
    Wave(
        "follow-up-2023",
        "Follow-up 2023",
        "Επαναληπτική μέτρηση 2023",
        1000,
        0.35,
        Survey.Status.CLOSED,
        True,
    ),
    # Open for citizens to answer in the demo; no responses yet.
    Wave(
        "follow-up-2026",
        "Follow-up 2026",
        "Επαναληπτική μέτρηση 2026",
        0,
        0.5,
        Survey.Status.OPEN,
        False,
    ),
]


def surveys_demo_load() -> int:
    """Create the demo waves that do not exist yet; returns how many responses were added."""
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("code"))
    if not districts:
        return 0
    indicators_demo_load()
    added = 0
    previous = None
    for wave in WAVES:
        survey = Survey.objects.filter(code=wave.code).first()
        if survey is None:
            with transaction.atomic():
                survey = _questionnaire(wave, previous)
                added += _respondents(survey, wave, districts)
                _margins(survey, districts)
            estimates_refresh(survey=survey)
            if wave.published:
                # Published as it is created (no analyst to do it); a wave an analyst has
                # since withdrawn stays withdrawn.
                Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())
        elif not survey.margins.exists():
            # Loaded before every wave had margins: weight it like the others, so that the
            # change between waves compares populations weighted alike.
            _margins(survey, districts)
            survey_changed(survey_ids=[survey.pk], rebuild=True)
            estimates_refresh(survey=survey)
        previous = survey
    return added


def indicators_demo_load() -> None:
    """The demo's five indicators, once (the interventions' demo measures sessions with them)."""
    for position, (code, en, el, method, threshold, better, items) in enumerate(INDICATORS):
        indicator, created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_el": el,
                "method": method,
                "threshold": threshold,
                "higher_is_better": better,
                "position": position,
            },
        )
        if created:
            IndicatorItem.objects.bulk_create(
                IndicatorItem(indicator=indicator, question_code=item) for item in items
            )


def _questionnaire(wave: Wave, previous: Survey | None) -> Survey:
    survey = Survey.objects.create(
        code=wave.code,
        title_en=wave.title_en,
        title_el=wave.title_el,
        intro_en="How safe do you feel in Piraeus? About five minutes; anonymous.",
        intro_el="Πόσο ασφαλείς νιώθετε στον Πειραιά; Περίπου πέντε λεπτά· ανώνυμα.",
        status=wave.status,
        follows=previous,
    )
    sections = [
        Section.objects.create(survey=survey, position=i, title_en=en, title_el=el)
        for i, (en, el) in enumerate(SECTIONS)
    ]
    for position, (code, section, en, el, _reverse) in enumerate(LIKERT):
        Question.objects.create(
            survey=survey,
            section=sections[section],
            position=position,
            code=code,
            kind="likert",
            text_en=en,
            text_el=el,
            low_label_en="Not at all",
            low_label_el="Καθόλου",
            high_label_en="Very much",
            high_label_el="Πάρα πολύ",
        )
    for position, (code, section, en, el) in enumerate(YES_NO, start=len(LIKERT)):
        question = Question.objects.create(
            survey=survey,
            section=sections[section],
            position=position,
            code=code,
            kind="single",
            text_en=en,
            text_el=el,
        )
        Choice.objects.create(
            question=question, position=0, code="no", label_en="No", label_el="Όχι", score=0
        )
        Choice.objects.create(
            question=question, position=1, code="yes", label_en="Yes", label_el="Ναι", score=1
        )
    Question.objects.create(
        survey=survey,
        section=sections[3],
        position=99,
        code="comment",
        kind="text",
        required=False,
        text_en="Anything else you want the city to know?",
        text_el="Κάτι άλλο που θέλετε να ξέρει η πόλη;",
    )
    return survey


def _respondents(survey: Survey, wave: Wave, districts: list[Area]) -> int:
    rng = random.Random(wave.code)  # noqa: S311 - reproducible demo data, not a secret
    questions = {q.code: q for q in survey.questions.all()}
    yes = {c.question_id: c for c in Choice.objects.filter(question__survey=survey, code="yes")}
    no = {c.question_id: c for c in Choice.objects.filter(question__survey=survey, code="no")}
    now = timezone.now()
    people = []
    for _ in range(wave.respondents):
        district = rng.choices(range(len(districts)), weights=DISTRICT_POPULATION)[0]
        people.append(
            (
                district,
                Response(
                    survey=survey,
                    status=Response.Status.COMPLETE,
                    source=Response.Source.WEB,
                    completed_at=now,
                    group=rng.choices(RespondentGroup.values, weights=[80, 12, 8])[0],
                    area=districts[district],
                    gender=rng.choices(Gender.values, weights=[50, 48, 2])[0],
                    age_band=rng.choice(AgeBand.values),
                ),
            )
        )
    responses = Response.objects.bulk_create(response for _, response in people)
    answers = []
    for (district, _), response in zip(people, responses, strict=True):
        # Districts differ: the first feels safest; the follow-up a little better everywhere.
        mood = 3.2 - 0.25 * district + wave.better + rng.gauss(0, 0.6)
        for code, _section, _en, _el, _reverse in LIKERT:
            centre = (
                6 - mood if code in ("worry_burglary", "worry_street", "avoid_places") else mood
            )
            point = min(5, max(1, round(rng.gauss(centre, 0.9))))
            answers.append(Answer(response=response, question=questions[code], number=point))
        for code, *_ in YES_NO:
            question = questions[code]
            took_part = rng.random() < 0.08 + 0.05 * wave.better
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    choice=(yes if took_part else no)[question.pk],
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    return len(responses)


def _margins(survey: Survey, districts: list[Area]) -> None:
    total = sum(DISTRICT_POPULATION[: len(districts)])
    for district, population in zip(districts, DISTRICT_POPULATION, strict=False):
        PopulationMargin.objects.create(survey=survey, area=district, population=population)
    for gender, share in (("woman", 0.52), ("man", 0.48)):
        PopulationMargin.objects.create(
            survey=survey, gender=gender, population=round(total * share)
        )
