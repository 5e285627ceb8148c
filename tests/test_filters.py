"""deals/filters.py: each FilterSet instance gets its own filters, copied the cheap way
(`CopiedFilters`), its form from a class made once (`SharedFields`), and nothing one
request's filters or form hold leaks into another's."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from deals.filters import (
    CompanyFilterSet,
    CopiedFilters,
    DealFilterSet,
    MeetingFilterSet,
    SharedFields,
    SortFilter,
)
from deals.models import Deal, DealStatus
from tests import factories

pytestmark = pytest.mark.django_db


def made(data: dict) -> DealFilterSet:
    request = RequestFactory().get("/deals/", data)
    return DealFilterSet(data=request.GET, queryset=Deal.objects.published(), request=request)


@pytest.mark.parametrize("filterset_class", [DealFilterSet, CompanyFilterSet])
def test_each_instance_has_its_own_filters_pointing_to_it(filterset_class):
    assert isinstance(filterset_class.base_filters, CopiedFilters)
    first = filterset_class(data={}, queryset=filterset_class._meta.model.objects.all())
    second = filterset_class(data={}, queryset=filterset_class._meta.model.objects.all())
    for name, base in filterset_class.base_filters.items():
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not theirs and mine is not base
        assert mine.parent is first and theirs.parent is second
        assert getattr(base, "parent", None) is None
        assert mine.extra == base.extra and mine.extra is not base.extra
        assert mine.field is not theirs.field
        if isinstance(mine, SortFilter):  # its method is bound to the copy, not the original
            assert mine.method.__self__ is mine
    # A filter's options changed in one request stay in that request.
    first.filters["q"].extra["help_text"] = "바뀜"
    assert second.filters["q"].extra["help_text"] != "바뀜"
    assert filterset_class.base_filters["q"].extra["help_text"] != "바뀜"


def test_filters_made_one_after_another_filter_by_their_own_request():
    signed = factories.make_deal(
        title="Signed deal", title_ko="서명된 거래", events=(("2025-10-31", DealStatus.SIGNED),)
    )
    rumored = factories.make_deal(
        title="Rumored deal", title_ko="소문난 거래", events=(("2025-10-01", DealStatus.RUMORED),)
    )
    by_status = made({"status": DealStatus.SIGNED})
    by_words = made({"q": "소문", "ordering": "title"})
    unfiltered = made({})
    assert list(by_status.qs) == [signed]
    assert list(by_words.qs) == [rumored]
    assert set(unfiltered.qs) == {signed, rumored}
    assert list(by_status.qs) == [signed]  # still its own after the others ran
    bad = made({"ordering": "<script>", "announced_after": "2025-13-45"})
    assert "announced_after" in bad.errors and set(bad.qs) == {signed, rumored}


@pytest.mark.parametrize("filterset_class", [DealFilterSet, CompanyFilterSet, MeetingFilterSet])
def test_forms_share_one_class_and_its_fields_but_not_their_state(filterset_class):
    queryset = filterset_class._meta.model.objects.all()
    first = filterset_class(data={"q": "삼성", "ordering": "<bad>"}, queryset=queryset)
    second = filterset_class(data={"q": "엔비디아"}, queryset=queryset)
    assert type(first.form) is type(second.form)
    assert isinstance(type(first.form).base_fields, SharedFields)
    assert first.form.fields is not second.form.fields
    assert all(first.form.fields[name] is second.form.fields[name] for name in first.form.fields)
    assert set(first.form.fields) == set(filterset_class.base_filters)
    assert not first.is_valid() and second.is_valid()
    assert "ordering" in first.errors and not second.errors
    assert first.form.cleaned_data["q"] == "삼성" and second.form.cleaned_data["q"] == "엔비디아"
    # A field dropped from one form is still in the next.
    del first.form.fields["q"]
    assert "q" in filterset_class(data={}, queryset=queryset).form.fields


def test_shared_filter_fields_speak_each_requests_language():
    with translation.override("ko"):
        korean = made({"announced_after": "2025-13-45", "status": "없는상태"})
        assert not korean.is_valid()
        korean_errors = {name: list(errors) for name, errors in korean.errors.items()}
    with translation.override("en"):
        english = made({"announced_after": "2025-13-45", "status": "없는상태"})
        assert not english.is_valid()
        english_errors = {name: list(errors) for name, errors in english.errors.items()}
    assert set(korean_errors) == set(english_errors) == {"announced_after", "status"}
    assert "날짜" in korean_errors["announced_after"][0]
    assert "date" in english_errors["announced_after"][0]
    assert "없는상태" in korean_errors["status"][0] and "없는상태" in english_errors["status"][0]
    assert korean_errors["status"] != english_errors["status"]
    with translation.override("ko"):
        assert str(korean.form.fields["status"].label) == "상태"
    with translation.override("en"):
        assert str(english.form.fields["status"].label) == "Status"


@pytest.mark.parametrize("filterset_class", [DealFilterSet, CompanyFilterSet, MeetingFilterSet])
def test_bound_fields_are_djangos_with_the_help_text_read_when_asked(filterset_class):
    from django.forms import BoundField
    from django.utils.html import escape

    from deals.filters import FilterBoundField

    form = filterset_class(data={"q": "<b>삼성</b>"}, queryset=None).form
    for name, field in form.fields.items():
        ours = form[name]
        djangos = BoundField(form, field, name)
        assert type(ours) is FilterBoundField
        # Every attribute Django's __init__ sets, but the help text (a property here): a
        # Django upgrade that sets another one fails here rather than in a template.
        assert set(vars(ours)) == set(vars(djangos)) - {"help_text"}
        for attribute in (
            "html_name",
            "html_initial_name",
            "html_initial_id",
            "label",
            "auto_id",
            "id_for_label",
        ):
            assert getattr(ours, attribute) == getattr(djangos, attribute), (name, attribute)
        assert ours.value() == djangos.value()
        for language in ("en", "ko"):
            with translation.override(language):
                assert str(ours.help_text) == str(djangos.help_text)
    with translation.override("ko"):
        assert "삼성" in str(form["q"].help_text)
    assert form["q"].value() == "<b>삼성</b>"
    # The browsable API's filter form renders through the same bound fields.
    with translation.override("ko"):
        help_text = str(form["q"].help_text)
        assert help_text and escape(help_text) in form.as_div()
