"""The choices of the interventions' records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterventionKind(models.TextChoices):
    # Social interventions work on people: what they know, do and ask for.
    AWARENESS = "awareness", _("Awareness session")
    TRAINING = "training", _("Training")
    ADVISORY = "advisory", _("Advisory meeting with citizens")
    SOCIAL_OTHER = "social_other", _("Other social intervention")
    # Spatial interventions change a place, and have a geometry.
    RENOVATION = "renovation", _("Renovation of a public space")
    LIGHTING = "lighting", _("Street lighting")
    PLAYGROUND = "playground", _("Playground")
    CCTV = "cctv", _("CCTV")
    SPATIAL_OTHER = "spatial_other", _("Other spatial intervention")


SOCIAL_KINDS = frozenset(
    {
        InterventionKind.AWARENESS,
        InterventionKind.TRAINING,
        InterventionKind.ADVISORY,
        InterventionKind.SOCIAL_OTHER,
    }
)
SPATIAL_KINDS = frozenset(set(InterventionKind) - SOCIAL_KINDS)


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    EVALUATED = "evaluated", _("Evaluated")


# Each status may move only to the next one (an evaluated intervention may be evaluated again
# without changing status).
NEXT_STATUS = {
    InterventionStatus.PLANNED: InterventionStatus.IN_PROGRESS,
    InterventionStatus.IN_PROGRESS: InterventionStatus.COMPLETED,
    InterventionStatus.COMPLETED: InterventionStatus.EVALUATED,
}


class TargetGroup(models.TextChoices):
    EVERYONE = "everyone", _("Everyone in the area")
    RESIDENTS = "residents", _("Residents")
    STUDENTS = "students", _("Students")
    PARENTS = "parents", _("Parents")
    SHOP_OWNERS = "shop_owners", _("Shop owners")
    LOCAL_EMPLOYEES = "local_employees", _("Local employees")
    OLDER_PEOPLE = "older_people", _("Older people")
    OTHER = "other", _("Other")


class SessionPlace(models.TextChoices):
    SCHOOL = "school", _("School")
    SHOP_OWNERS_ASSOCIATION = "shop_owners_association", _("Shop owners' association")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    TOWN_HALL = "town_hall", _("Town hall")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other place")


class ParticipantGroup(models.TextChoices):
    STUDENTS = "students", _("Students")
    TEACHERS = "teachers", _("Teachers")
    PARENTS = "parents", _("Parents")
    SHOP_OWNERS = "shop_owners", _("Shop owners")
    RESIDENTS = "residents", _("Residents")
    LOCAL_EMPLOYEES = "local_employees", _("Local employees")
    OTHER = "other", _("Others")


class PhotoMoment(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class EvaluationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")
    # The data could not answer (no comparison area, empty windows, zero counts): the message
    # says why, for the analyst to change the parameters.
    UNANSWERED = "unanswered", _("Could not be answered")
