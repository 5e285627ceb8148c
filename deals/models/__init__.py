"""The deal tracker's records. One module per sub-domain; import from `deals.models`."""

from .base import DatePrecision, Disclosure, Publication, Qualifier
from .companies import Company, CompanyKind, Person
from .deals import (
    Deal,
    DealEvent,
    DealKind,
    DealMeeting,
    DealParty,
    DealStatus,
    ExchangeRate,
    MeetingRole,
    PartyRole,
    ProductCategory,
    QuantityUnit,
)
from .meetings import Attendance, AttendanceStatus, Meeting, MeetingKind
from .projects import Project, ProjectKind, ProjectParty, ProjectRole, ProjectStatus
from .sources import Source

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Company",
    "CompanyKind",
    "DatePrecision",
    "Deal",
    "DealEvent",
    "DealKind",
    "DealMeeting",
    "DealParty",
    "DealStatus",
    "Disclosure",
    "ExchangeRate",
    "Meeting",
    "MeetingKind",
    "MeetingRole",
    "PartyRole",
    "Person",
    "ProductCategory",
    "Project",
    "ProjectKind",
    "ProjectParty",
    "ProjectRole",
    "ProjectStatus",
    "Publication",
    "Qualifier",
    "QuantityUnit",
    "Source",
]
