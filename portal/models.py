"""Imports every model module so that SQLAlchemy's metadata (and Alembic) sees all tables."""


def register() -> None:
    from portal.accounts import models as _accounts  # noqa: F401
    from portal.applications import models as _applications  # noqa: F401
    from portal.feeds import models as _feeds  # noqa: F401
    from portal.guidance import models as _guidance  # noqa: F401
    from portal.jobs import indexing as _indexing  # noqa: F401 - keeps derived columns current
    from portal.jobs import models as _jobs  # noqa: F401
    from portal.matching import models as _matching  # noqa: F401
    from portal.moderation import models as _moderation  # noqa: F401
    from portal.registers import models as _registers  # noqa: F401
    from portal.taxonomy import models as _taxonomy  # noqa: F401
