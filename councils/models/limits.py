"""How long each free text of the council's records may be: enforced by the models
(full_clean), so that forms, the API and imports all refuse the same thing in the same words."""

NAME_MAX = 200
TITLE_MAX = 200
PLACE_MAX = 300
URL_MAX = 500
# A reason, a note on a status change, a cancellation.
NOTE_MAX = 2_000
# A member's comment on draft minutes.
COMMENT_MAX = 5_000
# The text of an agenda item, a decision, a recommendation, a purpose.
TEXT_MAX = 20_000
# The public summary of minutes, and their full text.
SUMMARY_MAX = 20_000
MINUTES_MAX = 200_000
# Agenda attachments.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".odt",
        ".ods",
        ".odp",
        ".docx",
        ".xlsx",
        ".pptx",
        ".csv",
        ".txt",
        ".png",
        ".jpg",
        ".jpeg",
    }
)
