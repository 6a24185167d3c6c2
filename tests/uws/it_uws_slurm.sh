#!/usr/bin/env bash
# vocloud-uws with launcher.kind: slurm on a real single-node Slurm that this script starts
# (tests/slurm/cluster.sh: munged, slurmctld and slurmd under a scratch folder, stopped by
# PID); it_uws_slurm.py then drives the service. Skips (77) where Slurm cannot run.
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/../slurm/cluster.sh"
# extra-pids: a slurmctld that it_uws_slurm.py started again (cold) in place of ours.
trap 'SLURM_PIDS+=($(cat "$SCRATCH/extra-pids" 2>/dev/null)); stop_slurm; rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
start_slurm
export SLURM_SCRATCH="$SCRATCH"
$PY "$(dirname "$0")/it_uws_slurm.py" || { slurm_logs; fail "it_uws_slurm.py"; }
