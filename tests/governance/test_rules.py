"""Retention policy, every branch, without a database."""

import datetime

from saferhub.governance import rules

D = datetime.date


def test_retention_years_is_the_longest_of_the_partnerships_or_the_default() -> None:
    assert rules.retention_years_for([6, 8, 3]) == 8
    assert rules.retention_years_for([]) == rules.DEFAULT_RETENTION_YEARS == 6


def test_years_before_and_after_handle_29_february() -> None:
    assert rules.years_before(D(2026, 5, 1), 6) == D(2020, 5, 1)
    assert rules.years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
    assert rules.retention_cutoff(D(2026, 5, 1), 6) == D(2020, 5, 1)
    assert rules.review_due_on(D(2020, 5, 1), 6) == D(2026, 5, 1)
    assert rules.review_due_on(D(2020, 2, 29), 6) == D(2026, 2, 28)


def test_is_due_on_the_review_date_and_never_while_in_use() -> None:
    today = D(2026, 5, 1)
    assert rules.is_due(last_activity=D(2020, 5, 1), years=6, today=today)
    assert not rules.is_due(last_activity=D(2020, 5, 2), years=6, today=today)
    assert not rules.is_due(last_activity=D(2010, 1, 1), years=6, today=today, in_use=True)


def test_erasure_problem() -> None:
    assert rules.erasure_problem(due=True, already_erased=False, reason="Review") is None
    assert "already" in (rules.erasure_problem(due=True, already_erased=True, reason="x") or "")
    assert "retention" in (rules.erasure_problem(due=False, already_erased=False, reason="x") or "")
    assert "Enter why" in (rules.erasure_problem(due=True, already_erased=False, reason=" ") or "")


def test_redact_names_takes_whole_names_out_in_any_case_and_spacing() -> None:
    names = {"Jo Marsh", "Jo Anne Marsh", "Jojo"}
    text = "Spoke to JO  MARSH and jo anne marsh; Jojo's sister Kim Marsh; Joanne Marshall."
    assert rules.redact_names(text, names) == (
        "Spoke to [erased] and [erased]; [erased]'s sister Kim Marsh; Joanne Marshall."
    )
    assert rules.redact_names("Nothing here", names) == "Nothing here"
    assert rules.redact_names("Jo Marsh", ["", "  "]) == "Jo Marsh"


def test_names_to_redact_skips_short_single_words() -> None:
    assert rules.names_to_redact([("Jo", "Marsh"), ("Jojo", ""), ("Jo", ""), ("", "Li")]) == {
        "Jo Marsh",
        "Jojo",
    }


def test_a_place_goes_with_the_person_only_when_every_link_is_theirs_alone() -> None:
    assert rules.only_about_them(linked={1, 2}, theirs_alone={1, 2, 3})
    assert not rules.only_about_them(linked={1, 4}, theirs_alone={1, 2, 3})
    assert not rules.only_about_them(linked=set(), theirs_alone={1})


def test_a_document_line_loses_a_file_name_that_names_them() -> None:
    names = {"Jo Marsh", "Jojo Marsh"}
    line = rules.redact_document_line
    assert line("Document added: Jo_Marsh-statement.pdf", names) == "Document added: [erased]"
    assert line("Document added: jojo.marsh.docx", names) == "Document added: [erased]"
    assert line("Document added: joint-letter.pdf", names) == "Document added: joint-letter.pdf"
    assert line("Document added: marshjo.pdf", names) == "Document added: marshjo.pdf"
    # other history lines have the names taken out as before
    assert line("Jo Marsh linked as victim", names) == "[erased] linked as victim"
    assert line("Note added", names) == "Note added"


def test_a_document_file_name_that_names_them_is_erased_keeping_its_extension() -> None:
    names = {"Jo Marsh"}
    name = rules.redact_file_name
    assert name("Jo_Marsh-statement.PDF", names) == "[erased].pdf"
    assert name("statement jo marsh", names) == "[erased]"
    assert name("joint-letter.pdf", names) == "joint-letter.pdf"
    assert name("marshjo.pdf", names) == "marshjo.pdf"
