"""Front end: workout text -> typed AST + diagnostics.  (Being written; API is fixed.)

    parse_workout(text, *, path="<input>", sport=None, name=None) -> Parsed
    Parsed.workout: Workout | None      (None only when the text has syntax errors)
    Parsed.diagnostics: list[Diagnostic] (syntax + semantic checks, sorted)
"""
