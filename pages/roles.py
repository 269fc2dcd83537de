"""The “Content editor” role, shared by the migrations that widen it as new models appear.

Functions here take the migration's historical `apps`, so they stay valid as models change.
"""

from django.contrib.auth.management import create_permissions

CONTENT_EDITOR = "Content editor"
ACTIONS = ("add", "change", "delete", "view")


def grant_content_editor(apps, app_label, model_names, actions=ACTIONS):
    """Give the Content editor group these permissions, creating the permissions first.

    Permissions are normally made after all migrations; the group needs them now.
    """
    app_config = apps.get_app_config(app_label)
    app_config.models_module = (
        True  # the historical app stub lacks it; create_permissions checks it
    )
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CONTENT_EDITOR)
    codenames = [f"{action}_{model}" for model in model_names for action in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
