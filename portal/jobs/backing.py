"""Who stands behind a job: the organisation that posted it (its kind, when staff verified it, its
corporate number with the National Tax Agency's page, a Pakistani promoter's licence as the staff
register knows it), or, for an imported posting, the source it came from.

The job page and the API show the same facts (`backer_for`, `backer_json`); labels are the caller's
(portal/labels.py, organisation_forms.ORGANISATION_KIND_NAMES), codes are never shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.accounts.identifiers import nta_url
from portal.accounts.models import OrganisationKind, OrganisationStatus
from portal.jobs.models import Posting, Source
from portal.timeutil import as_utc


@dataclass(frozen=True)
class Backer:
    kind: str  # organisation | import | unknown
    name_en: str | None = None
    name_ja: str | None = None
    organisation_kind: str | None = None  # OrganisationKind
    verified_on: date | None = None  # when staff last verified it; None: never
    rechecking: bool = False  # verified before, a change is being checked
    corporate_number: str | None = None
    corporate_number_url: str | None = None
    licence_number: str | None = None  # an OEP's licence, as the organisation gave it
    licence_status: str | None = None  # registers.services.licence_status
    licence_valid_until: date | None = None
    source_name: str | None = None  # imports
    source_url: str | None = None

    def name(self, lang: str) -> str:
        preferred, other = (self.name_ja, self.name_en) if lang == "ja" else (self.name_en, self.name_ja)
        return preferred or other or ""


def backer_for(posting: Posting) -> Backer:
    from portal.registers.services import licence_status

    organisation = posting.organisation
    if organisation is not None:
        verified_on = as_utc(organisation.verified_at).date() if organisation.verified_at else None
        status = number = until = None
        if organisation.kind == OrganisationKind.OEP:
            number = organisation.oep_licence
            status, row = licence_status(number)
            until = row.valid_until if row is not None else None
        return Backer(
            kind="organisation", name_en=organisation.name_en, name_ja=organisation.name_ja,
            organisation_kind=organisation.kind, verified_on=verified_on,
            rechecking=organisation.status == OrganisationStatus.UNVERIFIED and verified_on is not None,
            corporate_number=organisation.corporate_number, corporate_number_url=nta_url(organisation.corporate_number),
            licence_number=number, licence_status=status, licence_valid_until=until)
    if posting.source == Source.IMPORT:
        from portal.extensions import db
        from portal.feeds.models import ImportSource

        source = db.session.get(ImportSource, posting.import_source_id) if posting.import_source_id else None
        return Backer(kind="import", name_en=posting.employer_name_en, name_ja=posting.employer_name_ja,
                      source_name=source.name if source is not None else None, source_url=posting.source_url)
    return Backer(kind="unknown", name_en=posting.employer_name_en, name_ja=posting.employer_name_ja)


def backer_json(backer: Backer, lang: str) -> dict:
    """The API's `backed_by`: codes with their labels in `lang`."""
    from flask_babel import force_locale

    from portal.accounts.organisation_forms import ORGANISATION_KIND_NAMES
    from portal.labels import LICENCE_STATUS_NAMES

    with force_locale(lang):
        organisation = None
        if backer.kind == "organisation":
            licence = None
            if backer.organisation_kind == OrganisationKind.OEP:
                licence = {"number": backer.licence_number, "status": backer.licence_status,
                           "status_label": str(LICENCE_STATUS_NAMES[backer.licence_status]),
                           "valid_until": backer.licence_valid_until.isoformat() if backer.licence_valid_until else None}
            organisation = {
                "name": backer.name(lang),
                "kind": backer.organisation_kind,
                "kind_label": str(ORGANISATION_KIND_NAMES.get(backer.organisation_kind, ORGANISATION_KIND_NAMES["other"])),
                "verified_on": backer.verified_on.isoformat() if backer.verified_on else None,
                "corporate_number": backer.corporate_number,
                "corporate_number_url": backer.corporate_number_url,
                "oep_licence": licence,
            }
        source = {"name": backer.source_name, "url": backer.source_url} if backer.kind == "import" else None
    return {"kind": backer.kind, "organisation": organisation, "source": source}
