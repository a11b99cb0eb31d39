"""The survey's pages: `answering` (the questionnaire, on the web and on paper), `indicators`
(the dashboard and its CSV) and `staff` (the survey staff's data pages)."""
