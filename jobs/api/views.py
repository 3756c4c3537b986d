"""The job facility's API: a job's state, progress and result."""

from rest_framework import mixins, viewsets

from jobs import selectors
from jobs.api.serializers import JobSerializer


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One job the caller may read (their agencies' or their own); any other answers 404."""

    serializer_class = JobSerializer

    def get_queryset(self):
        return selectors.job_list(user=self.request.user)
