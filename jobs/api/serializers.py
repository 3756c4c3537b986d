from rest_framework import serializers

from jobs.models import Job


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)


class JobSerializer(serializers.ModelSerializer):
    """A job's state, progress and outcome, as pages poll it."""

    progress = JobProgressSerializer(source="*", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "progress",
            "message",
            "result",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields
