"""The one error the estimators raise for input they cannot use."""

Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile


class EvaluationInputError(ValueError):
    """Input an estimator cannot use, with a sentence a user can read.

    `code` names the case (for example "no_treated"), so that a caller may show its own,
    translated, message; the English sentence is the exception's text.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
