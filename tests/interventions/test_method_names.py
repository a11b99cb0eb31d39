"""An evaluation's method, stored in English (the API's `method`, a contract), is named on the
pages in the reader's language: every method the evaluations store has its name."""

from django.utils import translation

from interventions.evaluation_reading import METHOD_NAMES, method_name
from interventions.services import evaluations


def test_every_stored_method_is_named_in_english_and_greek() -> None:
    stored = [value for name, value in vars(evaluations).items() if name.startswith("METHOD_")]
    assert len(stored) == 3
    assert set(stored) <= set(METHOD_NAMES)
    with translation.override("en"):
        assert [method_name(method) for method in stored] == stored
    with translation.override("el"):
        for method in stored:
            assert method_name(method) != method
            assert "διαφορών" in method_name(method)


def test_a_method_of_an_older_release_is_shown_as_stored() -> None:
    assert method_name("Something else") == "Something else"
