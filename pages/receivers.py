"""What the pages app does when a lower layer tells it something."""

from .services import page_drafts_publish_due


def publish_due_changes(sender, **kwargs):
    """Before each pass of the mail worker: publish the draft changes whose time has come."""
    page_drafts_publish_due()
