from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """Expose the unread count to the navigation bar, computed only when a template asks."""
    user = getattr(request, "user", None)

    def count():
        if user is None or not user.is_authenticated:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
