"""Writes of citizens talking about a report: comments and abuse flags, "me too", following."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.reports.models import Comment, CommentFlag, Confirmation, Follow, Report

# With this many flags a comment is hidden until a moderator has looked at it.
FLAGS_TO_HIDE = 3


def _registered(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied


@transaction.atomic
def comment_post(*, report: Report, author: User, body: str) -> Comment:
    """Comment on a public report (the caller fetched it through `reports_public`)."""
    _registered(author)
    comment = Comment(report=report, author=author, body=body.strip())
    if not comment.body:
        raise ValidationError({"body": _("Write something first.")})
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_flag(*, comment: Comment, user: User, reason: str = "") -> bool:
    """Flag a comment as abusive; returns False if this user had flagged it already."""
    _registered(user)
    flag = CommentFlag(comment=comment, user=user, reason=reason.strip())
    flag.full_clean(exclude=["comment", "user"], validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1, reviewed=False)
    comment.refresh_from_db()
    if comment.flag_count >= FLAGS_TO_HIDE and comment.status == Comment.Status.PUBLISHED:
        comment.status = Comment.Status.HIDDEN
        comment.full_clean(exclude=["report", "author"])
        comment.save(update_fields=["status"])
    return True


@transaction.atomic
def comment_review(*, comment: Comment, visible: bool) -> Comment:
    """A moderator's decision on a flagged comment."""
    comment.status = Comment.Status.PUBLISHED if visible else Comment.Status.HIDDEN
    comment.reviewed = True
    # The decision stands until new people flag it as many times again.
    comment.flag_count = 0
    comment.full_clean(exclude=["report", "author"])
    comment.save(update_fields=["status", "reviewed", "flag_count"])
    return comment


@transaction.atomic
def _toggle(model: type[Confirmation] | type[Follow], report: Report, user: User) -> bool:
    """Add the user's row for the report, or remove it; returns whether it exists now."""
    _registered(user)
    deleted, _ = model.objects.filter(report=report, user=user).delete()
    if deleted:
        return False
    row = model(report=report, user=user)
    row.full_clean(exclude=["report", "user"], validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        pass  # a second click raced this one to the insert: the row exists, as wanted
    return True


def confirmation_toggle(*, report: Report, user: User) -> bool:
    """Add or take back a "me too"; returns whether the user now confirms the report."""
    return _toggle(Confirmation, report, user)


def follow_toggle(*, report: Report, user: User) -> bool:
    return _toggle(Follow, report, user)
