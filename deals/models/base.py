"""What every record shares: timestamps, a slug, names in two languages, a publication state,
money with its certainty, and dates with their precision."""

from __future__ import annotations

import functools
import html
import re
from decimal import Decimal

import pycountry
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import connections, models, router
from django.db.models import Expression, F, Func, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from ..i18n import active_language, active_script_prefix, active_urlconf

validate_http_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address that starts with http:// or https://."),
)
not_negative = MinValueValidator(Decimal("0"), message=_("This cannot be negative."))


def validate_currency_code(value: str) -> None:
    """An ISO 4217 code that exists (USD, KRW, JPY ...), upper case."""
    if not value:
        return
    if value != value.upper() or pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code such as USD or KRW."),
            code="invalid_currency",
            params={"value": value},
        )


class Publication(models.TextChoices):
    """Where a record stands on its way to the public. Only published records are public.

    draft → in review → published; a published record may be unpublished (withdrawn with a
    public note, or silently for a mistake) and later published again.
    """

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class DatePrecision(models.TextChoices):
    """How much of a date is known. A date known to the month is stored as its first day."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Disclosure(models.TextChoices):
    """How a money figure is known."""

    DISCLOSED = "disclosed", _("Disclosed")
    ESTIMATED = "estimated", _("Estimated")
    UNDISCLOSED = "undisclosed", _("Undisclosed")


class Qualifier(models.TextChoices):
    """How exact a figure is, as the source said it."""

    EXACT = "exact", _("Exactly")
    ABOUT = "about", _("About")
    UP_TO = "up_to", _("Up to")
    AT_LEAST = "at_least", _("At least")
    MORE_THAN = "more_than", _("More than")


#: Tables with an indexed search text on PostgreSQL (migration 0005), whose `search_fields`
#: are, in order, the arguments of the `<table>_search_text` function.
INDEXED_SEARCH = frozenset({"deals_deal", "deals_company"})
#: Short terms the `deals_short_grams` index holds: one Hangul syllable, or two letters,
#: digits or syllables.
SHORT_GRAM = re.compile(r"^(?:[가-힣]|[0-9a-z가-힣]{2})$")


class PublishedQuerySet(models.QuerySet):
    """The read vocabulary every public record shares."""

    #: Fields `search()` looks in; subclasses name theirs.
    search_fields: tuple[str, ...] = ("name", "name_ko")

    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def drafts(self):
        return self.filter(publication=Publication.DRAFT)

    def search(self, query: str):
        """Case-insensitive substring match in English and Korean names.

        Substring matching finds two-syllable Korean words (삼성) and partial English (hyni).
        On PostgreSQL, deals and companies match against one indexed lower-cased text of their
        names (migration 0005): trigrams for terms of three characters or more, and an index of
        one- and two-character pieces for shorter ones, which trigrams cannot serve.
        """
        # No stored text holds a NUL, and PostgreSQL refuses to compare one: drop it, rather
        # than let the search page fail.
        query = (query or "").replace("\x00", "").strip()
        if not query:
            return self
        if self.model._meta.db_table in INDEXED_SEARCH and connections[self.db].vendor == (
            "postgresql"
        ):
            return self._indexed_search(query.lower())
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": query})
        return self.filter(condition)

    def _indexed_search(self, term: str):
        text = Func(
            *(F(field) for field in self.search_fields),
            function=f"{self.model._meta.db_table}_search_text",
            output_field=models.TextField(),
        )
        if len(term) < 3 and SHORT_GRAM.match(term):
            # The stored pieces hold every syllable and every pair of neighbouring letters,
            # digits or syllables, so holding the term is the same as containing it: no text
            # match on top, which left PostgreSQL guessing the matches too rare to stop a scan
            # early for a term as common as AI.
            return self.alias(_search_grams=StoredSearchGrams()).filter(
                _search_grams__contains=[term]
            )
        return self.alias(_search_text=text).filter(_search_text__contains=term)


class StoredSearchGrams(Expression):
    """The `search_grams` column of deals and companies: their search text's one- and
    two-character pieces, which PostgreSQL computes and stores (migration 0009). Not a model
    field, since only PostgreSQL has it; referred to through the query's own alias for the
    table, so it also works where the table is renamed (a subquery's U0)."""

    def __init__(self):
        super().__init__(output_field=ArrayField(models.TextField()))

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_grams", []


#: What Django's `slug` path converter accepts; `slug_url` builds these without `reverse`.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLOT = "0slug0"


@functools.lru_cache(maxsize=512)
def _reversed(viewname: str, slugged: bool, language, prefix: str, urlconf, root: str) -> str:
    """`viewname`'s address in `language` (with `_SLOT` for the slug, if `slugged`). Kept by
    everything `reverse` reads: the language, script prefix, URL configuration (the
    thread's, or else the settings' root)."""
    with override(language):
        return reverse(viewname, kwargs={"slug": _SLOT} if slugged else None, urlconf=urlconf)


def _address(viewname: str, slugged: bool, language: str | None) -> str:
    return _reversed(
        viewname,
        slugged,
        language or active_language(),
        active_script_prefix(),
        active_urlconf(),
        settings.ROOT_URLCONF,
    )


def view_url(viewname: str, language: str | None = None) -> str:
    """`reverse(viewname)` of a view without arguments, reversed once per language (`language`
    when given, else the active one) and script prefix."""
    return _address(viewname, False, language)


def slug_url(viewname: str, slug: str) -> str:
    """`reverse(viewname, kwargs={"slug": slug})`, from an address reversed once per view,
    language and script prefix. A page of 25 deals with their parties, partners, people and
    meetings reversed some 350 addresses, a fifth of the company page's CPU. A slug that the
    converter would refuse goes through `reverse` (and its error) as before."""
    return slug_urls(viewname)(slug)


def slug_urls(viewname: str, language: str | None = None, *, escaped: bool = False):
    """`slug_url` for many records of one view: the language, prefix and address pattern are
    looked up once (each a context-local read) rather than once per record. In `language`
    when given (the language switcher's links), else the active one. With `escaped`, the
    addresses come HTML-escaped for an attribute (`html.escape`), the pattern escaped once
    rather than each address: a slug the converter accepts holds nothing to escape."""
    language = language or active_language()
    template = _address(viewname, True, language)
    if escaped:
        template = html.escape(template)

    def url(slug: str) -> str:
        if not SLUG.fullmatch(slug or ""):
            with override(language):
                address = reverse(viewname, kwargs={"slug": slug})
            return html.escape(address) if escaped else address
        return template.replace(_SLOT, slug, 1)

    return url


def reads_korean() -> bool:
    """Whether the active language is Korean (what `Bilingual.localized` shows first)."""
    return (active_language() or "en").startswith("ko")


class Bilingual:
    """Reads a field in the reader's language, falling back to the other language."""

    def localized(self, field: str, korean: bool | None = None) -> str:
        """`korean`, when the caller already knows it (`reads_korean()`), saves the lookup of
        the active language for each of many records."""
        english = getattr(self, field, "") or ""
        korean_text = getattr(self, f"{field}_ko", "") or ""
        if reads_korean() if korean is None else korean:
            return korean_text or english
        return english or korean_text


#: The field a rule's message belongs beside, by the end of the rule's constraint name. Django
#: shows a constraint's message above the whole form (unless it is a one-field unique), which
#: leaves the editor guessing what to change; these name the field that fixes it.
CONSTRAINT_FIELDS = {
    "published_has_date": "published_at",
    "name_in_one_language": "name",
    "title_in_one_language": "title",
    "not_own_parent": "parent",
    "unique_url": "url",
    "url_is_http": "url",
    "one_rate_a_day": "date",
    "rate_positive": "rate",
    "amount_not_negative": "amount",
    "amount_has_currency": "currency",
    "undisclosed_has_no_amount": "amount",
    "quantity_not_negative": "quantity",
    "quantity_has_unit": "quantity_unit",
    "ends_after_start": "ends_at",
    "target_after_start": "target_date",
    "supplier_not_buyer": "role",
}


class ConstraintErrorsOnFields:
    """Reports each broken constraint on the field `CONSTRAINT_FIELDS` names for it.

    Only when that field is being validated: a ModelForm excludes the fields it does not show,
    and an error on a field the form lacks would crash it, so then the message stays form-wide.
    """

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        using = router.db_for_write(type(self), instance=self)
        prefix = f"{self._meta.app_label}_{self._meta.model_name}_"
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = CONSTRAINT_FIELDS.get(constraint.name.removeprefix(prefix))
                    fields = getattr(constraint, "fields", ())
                    if field is None and getattr(error, "code", None) == "unique":
                        field = fields[0] if len(fields) == 1 else None
                    if field and field not in exclude:
                        errors.setdefault(field, []).extend(error.error_list)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class Record(ConstraintErrorsOnFields, Bilingual, models.Model):
    """Abstract base of every public record: timestamps, slug and publication state."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    publication = models.CharField(
        _("publication"),
        max_length=16,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawal_note = models.TextField(
        _("public note on withdrawal"),
        blank=True,
        help_text=_(
            "Shown to readers when a record is withdrawn; leave empty to withdraw "
            "silently (for a mistake)."
        ),
    )
    withdrawal_note_ko = models.TextField(_("public note on withdrawal (Korean)"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Goes up by one with every saved change; a save based on an older version "
            "is refused, so no edit is lost."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True
        # Editors write and submit for review; desk editors also hold this one.
        permissions = [("publish", _("Can publish, unpublish and revert"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(publication="published") | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message=_("A published record needs a publication time."),
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED


def names_not_both_empty(english: str, korean: str, label: str) -> models.CheckConstraint:
    """A record needs a name in at least one language; either may be what a source gave first."""
    return models.CheckConstraint(
        condition=~(Q(**{english: ""}) & Q(**{korean: ""})),
        name=f"%(app_label)s_%(class)s_{label}_in_one_language",
        violation_error_message=_("Give a name in English or in Korean."),
    )


class Money(models.Model):
    """Abstract money fields: an amount, its currency, how it is known, and its USD equivalent.

    Used for a deal's value and a project's budget. The USD equivalent is computed by
    `deals.services.money_refresh_usd` from an editor-kept exchange rate, never from the network.
    """

    amount = models.DecimalField(
        _("amount"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code, such as USD or KRW."),
    )
    disclosure = models.CharField(
        _("disclosure"), max_length=16, choices=Disclosure.choices, default=Disclosure.UNDISCLOSED
    )
    amount_qualifier = models.CharField(
        _("amount qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    amount_note = models.CharField(
        _("note on the amount"),
        max_length=300,
        blank=True,
        help_text=_("For example: joint investment, analyst estimate."),
    )
    amount_note_ko = models.CharField(_("note on the amount (Korean)"), max_length=300, blank=True)
    usd_amount = models.DecimalField(
        _("USD equivalent"), max_digits=20, decimal_places=2, null=True, blank=True, editable=False
    )
    usd_rate = models.ForeignKey(
        "deals.ExchangeRate",
        verbose_name=_("rate used for USD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""),
                name="%(app_label)s_%(class)s_amount_has_currency",
                violation_error_message=_("An amount needs a currency."),
            ),
            models.CheckConstraint(
                condition=~Q(disclosure="undisclosed") | Q(amount__isnull=True),
                name="%(app_label)s_%(class)s_undisclosed_has_no_amount",
                violation_error_message=_("An undisclosed value has no amount."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.amount is not None and not self.currency:
            errors["currency"] = _("An amount needs a currency.")
        if self.disclosure == Disclosure.UNDISCLOSED and self.amount is not None:
            errors["amount"] = _(
                "An undisclosed value has no amount. Leave it empty, or mark the value "
                "disclosed or estimated."
            )
        if self.disclosure != Disclosure.UNDISCLOSED and self.amount is None:
            errors["amount"] = _("A disclosed or estimated value needs an amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_undisclosed(self) -> bool:
        return self.disclosure == Disclosure.UNDISCLOSED
