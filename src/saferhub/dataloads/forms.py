"""The upload form: several files at once, with GOV.UK error messages naming each file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from saferhub.dataloads.services import upload_problems


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the analyst choose several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files; each checked by the service's upload rules."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    data_files = MultipleFileField(
        label="Files to load",
        required=False,
        help_text="police.uk files (.csv or .csv.gz), police.uk monthly archives (.zip) or "
        "partner data files (.csv). You can select several files at once.",
    )

    def clean_data_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("data_files") or []
        problems = upload_problems(files)
        if problems:
            raise forms.ValidationError(problems)
        return files
