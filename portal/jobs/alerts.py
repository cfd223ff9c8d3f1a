"""Saved jobs, saved searches and the daily e-mail digest of new postings that match them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import select

from portal import mail
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.jobs.models import AlertSent, Posting, SavedJob, SavedSearch
from portal.jobs.search import parse_params, search
from portal.timeutil import as_utc, utcnow

DIGEST_EVERY = timedelta(hours=20)  # "at most daily", with slack for a cron that drifts
MAX_PER_DIGEST = 20
MAX_SAVED_SEARCHES = 10


class SavedError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def save_job(user: User, posting_id: int) -> None:
    """Only a posting the public may see can be saved: a draft's or a removed posting's id must not
    reveal its title through the saved list."""
    from portal.jobs.search import public_condition

    if db.session.scalar(select(Posting.id).where(Posting.id == posting_id, public_condition())) is None:
        raise SavedError(_("No such job."))
    if db.session.scalar(select(SavedJob.id).where(SavedJob.user_id == user.id, SavedJob.posting_id == posting_id)):
        return
    db.session.add(SavedJob(user_id=user.id, posting_id=posting_id))
    db.session.commit()


def saved_jobs(user: User) -> list[SavedJob]:
    """The user's saved jobs that are still public, newest first (a posting closed, removed or
    hidden since it was saved drops out of the list)."""
    from portal.jobs.search import public_condition

    return list(db.session.scalars(
        select(SavedJob).join(Posting, Posting.id == SavedJob.posting_id)
        .where(SavedJob.user_id == user.id, public_condition()).order_by(SavedJob.created_at.desc())).all())


def unsave_job(user: User, posting_id: int) -> None:
    db.session.execute(SavedJob.__table__.delete().where(SavedJob.user_id == user.id,
                                                         SavedJob.posting_id == posting_id))
    db.session.commit()


def save_search(user: User, args: dict) -> SavedSearch:
    params, errors = parse_params(args, strict=False)
    if errors:
        raise SavedError(_("This search has settings that are not valid."))
    kept = params.to_args(page=1, sort="newest")
    count = len(db.session.scalars(select(SavedSearch.id).where(SavedSearch.user_id == user.id)).all())
    if count >= MAX_SAVED_SEARCHES:
        raise SavedError(_("You can keep at most %(count)d searches. Delete one first.", count=MAX_SAVED_SEARCHES))
    saved = SavedSearch(user_id=user.id, params=kept)
    db.session.add(saved)
    db.session.commit()
    return saved


def delete_search(user: User, search_id: int) -> None:
    db.session.execute(SavedSearch.__table__.delete().where(SavedSearch.user_id == user.id,
                                                            SavedSearch.id == search_id))
    db.session.commit()


# ---- unsubscribe without logging in ------------------------------------------------------------


UNSUBSCRIBE_LINK_DAYS = 60  # each digest carries a fresh link; an old one stops working after this


def unsubscribe_token(user: User) -> str:
    """A random token valid for UNSUBSCRIBE_LINK_DAYS: the link shows no account number and does not
    work for ever."""
    from portal.accounts import tokens

    return tokens.issue(user, tokens.UNSUBSCRIBE, timedelta(days=UNSUBSCRIBE_LINK_DAYS))


def unsubscribe(token: str) -> bool:
    from portal.accounts import tokens

    row = tokens.find(token, tokens.UNSUBSCRIBE)
    if row is None:
        return False
    user = row.user
    user.alerts_enabled = False
    db.session.commit()
    return True


# ---- the digest ---------------------------------------------------------------------------------


def _new_postings_for(user: User, searches: list[SavedSearch], since: datetime | None) -> list[Posting]:
    already = set(db.session.scalars(select(AlertSent.posting_id).where(AlertSent.user_id == user.id)))
    found: dict[int, Posting] = {}
    for saved in searches:
        params, _errors = parse_params({**saved.params, "per_page": "50", "sort": "newest"}, strict=False)
        for posting in search(params, with_facets=False).items:
            if posting.id in already or posting.id in found:
                continue
            if since is not None and posting.published_at and as_utc(posting.published_at) <= since:
                continue
            found[posting.id] = posting
    return sorted(found.values(), key=lambda p: p.published_at or p.created_at, reverse=True)[:MAX_PER_DIGEST]


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """One e-mail per seeker with new postings matching their saved searches; at most daily; a
    posting is never sent to the same seeker twice."""
    now = now or utcnow()
    counts = {"seekers": 0, "sent": 0, "postings": 0}
    users = db.session.scalars(select(User).where(User.role == Role.SEEKER, User.alerts_enabled.is_(True),
                                                  User.suspended_at.is_(None)))
    for user in users:
        counts["seekers"] += 1
        if user.last_digest_at and as_utc(user.last_digest_at) > now - DIGEST_EVERY:
            continue
        searches = db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)).all()
        if not searches:
            continue
        since = as_utc(user.last_digest_at) if user.last_digest_at else \
            min(as_utc(s.created_at) for s in searches) - timedelta(days=7)
        postings = _new_postings_for(user, searches, since)
        if not postings:
            continue
        _send_digest(user, postings)
        for posting in postings:
            db.session.add(AlertSent(user_id=user.id, posting_id=posting.id, sent_at=now))
        user.last_digest_at = now
        db.session.commit()
        counts["sent"] += 1
        counts["postings"] += len(postings)
    return counts


def _send_digest(user: User, postings: list[Posting]) -> None:
    lang = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(lang), current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        from flask import g

        g.lang = lang
        unsubscribe_url = url_for("public.unsubscribe", token=unsubscribe_token(user), _external=True)
        from portal.jobs.summary import needs_summary, summary

        # A posting not written in the reader's language comes with its summary in that language.
        summaries = {posting.id: summary(posting, lang) for posting in postings if needs_summary(posting, lang)}
        context = {"user": user, "postings": postings, "lang": lang, "unsubscribe_url": unsubscribe_url,
                   "summaries": summaries}
        subject = ngettext("%(num)d new job for you in Japan", "%(num)d new jobs for you in Japan", len(postings))
        text = render_template("email/digest.txt", **context)
        html = render_template("email/digest.html", **context)
    mail.send(user.email, subject, text, html,
              headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "Content-Language": lang})
