"""Page forms: they collect input; services.py validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms

from gallery.studio import algorithms
from gallery.studio import selectors as studio_selectors
from gallery.studio.models import Result, Upload

from .models import Assignment, Course
from .services import MAX_RESULTS_PER_SUBMISSION


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "term", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Join code",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "ABCD2345"}
        ),
        help_text="The 8-character code your teacher gave you.",
    )


class CoTeacherForm(forms.Form):
    username = forms.CharField(max_length=150, label="User name")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class StyleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Upload) -> str:
        return f"{obj.title} ({obj.width}×{obj.height})"


class AssignmentForm(forms.ModelForm):
    algorithm = forms.ChoiceField(required=False, label="Required algorithm")
    styles = StyleChoiceField(
        queryset=Upload.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Provided style images",
        help_text="From your style uploads; students can start a job with them from the assignment page.",
    )

    class Meta:
        model = Assignment
        fields = [
            "title",
            "instructions",
            "algorithm",
            "styles",
            "opens_at",
            "due_at",
            "late_policy",
            "max_points",
            "published",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 5}),
            "opens_at": DateTimeInput(),
            "due_at": DateTimeInput(),
            "late_policy": forms.RadioSelect,
        }
        labels = {"opens_at": "Opens", "due_at": "Due", "published": "Published (students can see it)"}

    def __init__(self, *args: Any, style_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["algorithm"].choices = [("", "Any algorithm"), *algorithms.algorithm_choices()]
        self.fields["styles"].queryset = style_choices
        for name in ("opens_at", "due_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class ResultChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Result) -> str:
        return obj.title


class SubmissionForm(forms.Form):
    results = ResultChoiceField(
        queryset=Result.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Your results",
        help_text=f"Pick up to {MAX_RESULTS_PER_SUBMISSION}. They stay private: only your teachers see them here.",
    )
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="A few sentences on what you tried and why.",
    )

    def __init__(self, *args: Any, student: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["results"].queryset = studio_selectors.results_of(student)


class GradeForm(forms.Form):
    points = forms.DecimalField(min_value=0, decimal_places=2, max_digits=6)
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, max_points: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["points"].max_value = max_points
        self.fields["points"].widget.attrs.update({"max": max_points, "step": "0.5"})
        self.fields["points"].label = f"Points (out of {max_points})"
