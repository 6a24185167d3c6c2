# A private single-node Slurm for the tests: munged, slurmctld and slurmd on 127.0.0.1 with
# their own key, slurm.conf, cgroup.conf, state and logs under $SCRATCH/slurm, started here
# and stopped by PID when the script exits. Sourced after tests/integration/lib.sh.
# start_slurm exits 77 (ctest SKIP_RETURN_CODE) with the reason when Slurm cannot run here.

SLURM_HOME="$SCRATCH/slurm"
SLURM_PIDS=()

skip() { echo "SKIP: $*" >&2; exit 77; }

stop_slurm() {  # by PID only, never by name: other Slurm or munge daemons are not ours
  local pid
  for pid in "${SLURM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${SLURM_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${SLURM_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  SLURM_PIDS=()
}

slurm_logs() {  # the daemons' logs, for a failure
  local f
  for f in "$SLURM_HOME"/log/*.log; do echo "--- $f (tail)" >&2; tail -n 20 "$f" >&2; done
}

# A free TCP port on 127.0.0.1.
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

write_slurm_conf() {
  local node="$1" cpus="$2" user="$3"
  cat > "$SLURM_HOME/slurm.conf" <<CONF
ClusterName=vocloudtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$SLURM_HOME/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$SLURM_HOME/state
SlurmdSpoolDir=$SLURM_HOME/spool
SlurmctldPidFile=$SLURM_HOME/slurmctld.pid
SlurmdPidFile=$SLURM_HOME/slurmd.pid
SlurmctldLogFile=$SLURM_HOME/log/slurmctld.log
SlurmdLogFile=$SLURM_HOME/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_HOME/log/jobcomp.txt
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=600
JobRequeue=1
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=30 State=UP
CONF
  # Read by slurmd when a cgroup plugin is configured; proctrack/linuxproc needs none, so
  # the test also runs where cgroups are not delegated (containers).
  echo "CgroupPlugin=autodetect" > "$SLURM_HOME/cgroup.conf"
}

start_slurm() {
  local cmd
  for cmd in munged munge slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
    command -v "$cmd" >/dev/null || skip "$cmd not installed (scripts/setup installs slurm-wlm and munge)"
  done
  mkdir -p "$SLURM_HOME"/{munge,state,spool,log}
  chmod 700 "$SLURM_HOME/munge"
  head -c 1024 /dev/urandom > "$SLURM_HOME/munge/munge.key"
  chmod 400 "$SLURM_HOME/munge/munge.key"
  timeout 20 munged --force --socket="$SLURM_HOME/munge/munge.socket" \
    --key-file="$SLURM_HOME/munge/munge.key" --pid-file="$SLURM_HOME/munge/munged.pid" \
    --log-file="$SLURM_HOME/log/munged.log" --seed-file="$SLURM_HOME/munge/seed" ||
    skip "munged cannot start here: $(tail -n 3 "$SLURM_HOME/log/munged.log" 2>/dev/null)"
  SLURM_PIDS+=("$(cat "$SLURM_HOME/munge/munged.pid")")

  local node cpus
  node="$(hostname -s)"
  cpus="$(nproc)"
  [ "$cpus" -ge 2 ] || cpus=2
  write_slurm_conf "$node" "$cpus" "$(id -un)"
  export SLURM_CONF="$SLURM_HOME/slurm.conf"
  slurmctld -D -i -f "$SLURM_CONF" >"$SLURM_HOME/log/slurmctld.stderr" 2>&1 &
  SLURM_PIDS+=("$!")
  slurmd -D -N "$node" -f "$SLURM_CONF" >"$SLURM_HOME/log/slurmd.stderr" 2>&1 &
  SLURM_PIDS+=("$!")

  local state=""
  for _ in $(seq 1 100); do  # 20 s
    state="$(timeout 5 sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)"
    [ "$state" = idle ] && break
    sleep 0.2
  done
  if [ "$state" != idle ]; then
    slurm_logs
    skip "slurmd did not come up here (node state '${state:-none}'); see the logs above"
  fi
  # One trivial job: Slurm that starts but cannot launch a job (no privileges to set up the
  # job's user, say) is also a skip, not a failure.
  timeout 60 sbatch --wait -o "$SLURM_HOME/log/probe.out" --wrap true \
    >/dev/null 2>&1 || { slurm_logs; skip "Slurm started but cannot run a job here"; }
}

wait_job_state() {  # wait_job_state JOBID STATE TRIES: poll squeue every 0.2 s
  local job="$1" want="$2" tries="$3" state
  for _ in $(seq 1 "$tries"); do
    state="$(timeout 5 squeue -h -j "$job" -o %T 2>/dev/null || true)"
    [ "$state" = "$want" ] && return 0
    sleep 0.2
  done
  return 1
}

wait_for_text() {  # wait_for_text FILE TEXT TRIES: poll every 0.2 s
  for _ in $(seq 1 "$3"); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

wait_job_gone() {  # wait_job_gone JOBID TRIES: until squeue no longer lists it
  for _ in $(seq 1 "$2"); do
    [ -z "$(timeout 5 squeue -h -j "$1" -o %T 2>/dev/null || true)" ] && return 0
    sleep 0.2
  done
  return 1
}
