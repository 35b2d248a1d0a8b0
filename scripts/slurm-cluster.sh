#!/usr/bin/env bash
# slurm-cluster.sh up|down DIR — a throw-away single-node Slurm cluster (munged, slurmctld, slurmd) for the
# batch tests and for trying the sbatch example: every file under DIR, daemons on 127.0.0.1, no systemd,
# no cgroups, no accounting. Run as root (slurmd launches jobs as their user). The system packages
# (slurmctld slurmd slurm-client munge) come from scripts/install-system-deps.sh.
#
#   up DIR     start; prints `SLURM_CONF=DIR/slurm.conf` when the node is idle (exit 1 + logs otherwise)
#   down DIR   cancel remaining jobs, stop the three daemons by their recorded PIDs
#
#   SLURM_PORT  slurmctld port, slurmd uses the next one (default 16817; tests pass free loopback ports)
#   SLURM_CPUS  CPUs the node advertises (default: nproc); more than the machine has is allowed
set -euo pipefail
cmd="${1:-}"; D="${2:-}"
[ -n "$cmd" ] && [ -n "$D" ] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
mkdir -p "$D"; D="$(cd "$D" && pwd)"
export SLURM_CONF="$D/slurm.conf"
say() { echo "slurm-cluster: $*" >&2; }
# A PID counts as running unless gone or a zombie (an orphaned daemon lingers as Z until PID 1 reaps it).
running() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

down() {
  local ctld; ctld="$(cat "$D/pids/slurmctld" 2>/dev/null || true)"
  if running "$ctld"; then
    # Running jobs' slurmstepd are not slurmd's children: cancel them and wait for an empty queue first.
    local jobs; jobs="$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    if [ -n "${jobs// /}" ]; then
      timeout 10 scancel $jobs 2>/dev/null || true
      for _ in $(seq 100); do [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null || true)" ] && break; sleep 0.2; done
    fi
  fi
  for name in slurmd slurmctld munged; do   # munged last: the others need it to shut down
    local pid; pid="$(cat "$D/pids/$name" 2>/dev/null || true)"
    # Signal only a PID that still runs the program it was recorded for (no PID-reuse accidents).
    if running "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do running "$pid" || break; sleep 0.1; done
      running "$pid" && { say "$name ($pid) still running after 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$D/pids/$name"
  done
}

fail() {
  say "$*"
  for f in "$D"/log/*; do [ -s "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
  down; exit 1
}

case "$cmd" in
  down) down; exit 0 ;;
  up) ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || { say "must run as root (slurmd launches the jobs)"; exit 1; }
for c in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
  command -v "$c" >/dev/null || { say "$c not found: run scripts/install-system-deps.sh"; exit 1; }
done
PORT="${SLURM_PORT:-16817}"; CPUS="${SLURM_CPUS:-$(nproc)}"; NODE="$(hostname -s)"
MEM_MB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
[ -d "$D/pids" ] && down
rm -rf "$D/munge" "$D/state" "$D/spool" "$D/log" "$D/pids"
mkdir -p "$D/munge" "$D/state" "$D/spool" "$D/log" "$D/pids"
chmod 755 "$D" "$D/munge"   # munged wants a socket directory that others may traverse but not write

mungekey --create --force --bits=1024 --keyfile="$D/munge/key" && chmod 600 "$D/munge/key"
munged --foreground --force --key-file="$D/munge/key" --socket="$D/munge/sock" --pid-file="$D/munge/pid" \
  --log-file="$D/log/munged.log" --seed-file="$D/munge/seed" </dev/null >>"$D/log/munged.out" 2>&1 &
echo $! >"$D/pids/munged"
for _ in $(seq 100); do [ -S "$D/munge/sock" ] && break; sleep 0.1; done
[ -S "$D/munge/sock" ] || fail "munged did not create its socket"

cat >"$SLURM_CONF" <<CONF
ClusterName=distdiff
SlurmctldHost=${NODE}(127.0.0.1)
SlurmctldPort=${PORT}
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/state/slurmctld.pid
SlurmdPidFile=$D/spool/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
# containers: no cgroups, no accounting; array tasks start at once (batch_sched_delay=0)
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
ReturnToService=2
MailProg=/bin/true
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$D/log/slurmctld.out" 2>&1 &
echo $! >"$D/pids/slurmctld"
slurmd -D -N "$NODE" -f "$SLURM_CONF" </dev/null >>"$D/log/slurmd.out" 2>&1 &
echo $! >"$D/pids/slurmd"

for _ in $(seq 600); do
  for name in munged slurmctld slurmd; do running "$(cat "$D/pids/$name")" || fail "$name exited while starting"; done
  [ "$(sinfo -h -N -n "$NODE" -o %t 2>/dev/null || true)" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.1
done
fail "node $NODE not idle after 60 s"
