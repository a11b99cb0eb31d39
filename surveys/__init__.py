"""The baseline safety survey: questionnaires, responses and the five indicators."""
