"""The estimators of an intervention's evaluation, as pure functions of numbers (NumPy/SciPy).

No models and no database here: the services of `interventions` read the counts and the survey
estimates, call these, and store what they return. docs/interventions/evaluation.md states every
method, with its formula, its inference and its references.
"""
