#!/bin/sh
# Restarts the Liaison instances one at a time, each only once the one before is ready again, so
# that nginx always has an instance to send requests to (deploy/README.md).
#   deploy/rolling-restart.sh 3001 3002          # with systemd units liaison@PORT
#   RESTART='my-restart-command {port}' deploy/rolling-restart.sh 3001 3002
set -eu
[ "$#" -gt 0 ] || { echo "usage: $0 PORT [PORT …]" >&2; exit 2; }
RESTART=${RESTART:-'systemctl restart liaison@{port}'}
READY_TIMEOUT=${READY_TIMEOUT:-120}

for port in "$@"; do
  echo "restarting the instance on port $port"
  # SIGTERM: /health/ready answers 503 for SHUTDOWN_GRACE_MS, every answer closes its connection,
  # then new connections are refused (nginx passes those requests to the others) and the requests
  # in flight finish. systemd waits for the exit before it starts the new process.
  sh -c "$(echo "$RESTART" | sed "s/{port}/$port/g")"
  waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    waited=$((waited + 1))
    if [ "$waited" -ge "$READY_TIMEOUT" ]; then
      echo "the instance on port $port is not ready after ${READY_TIMEOUT} s: stopping here" >&2
      exit 1
    fi
    sleep 1
  done
  echo "port $port ready"
done
