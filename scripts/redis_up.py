"""Exit 0 when the Redis at the given URL answers PING, 1 otherwise."""

import sys

import redis

try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
except (redis.RedisError, OSError, IndexError):
    sys.exit(1)
