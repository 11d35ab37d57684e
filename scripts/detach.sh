#!/usr/bin/env bash
# Sourced by the bring-up scripts. run_detached LOG COMMAND...: starts COMMAND in a session (and
# process group) of its own, with no terminal, its output appended to LOG. A service started this
# way is not a child of the platform's shell: Ctrl-C, or a signal to `npm start`'s process group,
# stops the API and worker but not the engine and databases they use; those stop only by their
# own command (`pg_ctlcluster <v> main stop`, `redis-cli shutdown`, `kill $(pidof dockerd)`).
run_detached() {
  local log_file=$1
  shift
  mkdir -p "$(dirname "$log_file")"
  setsid --fork nohup "$@" >>"$log_file" 2>&1 </dev/null
}
