#!/usr/bin/env bash
# Several hosts on one machine: 4 network namespaces joined by veth pairs to a bridge (no
# address outside 10.77.x.0/24, no traffic leaves the machine), Open MPI over TCP between
# them, its remote launch agent (plm_rsh_agent) running each host's daemon inside that
# host's namespace. The small demo on 4 hosts x 1 rank gives bitwise the same data sets in
# dataset.h5, som.h5 and forest.h5 as 1 host x 4 ranks and as 1 host x 1 rank (compared with
# h5py: attributes hold paths and times). Skips (77) where namespaces, veth pairs or bridges cannot be made.
source "$(dirname "$0")/../integration/lib.sh"
cd "$SCRATCH"
skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "network namespaces need root (ip netns); not root here"
command -v ip >/dev/null || skip "no ip(8) (iproute2)"

tag=$(printf '%x' $(($$ % 65536)))     # interface names are at most 15 characters
subnet=$((($$ % 200) + 20))            # 10.77.<subnet>.0/24, per test process
bridge="vcb$tag"
NS=()
cleanup() {
  local ns
  for ns in "${NS[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
ip link add "$bridge" type bridge 2>err.txt || skip "cannot make a bridge: $(cat err.txt)"
ip addr add "10.77.$subnet.254/24" dev "$bridge" && ip link set "$bridge" up ||
  skip "cannot configure the bridge"
: > hostfile
for i in 0 1 2 3; do
  ns="vch$tag-$i"
  ip netns add "$ns" 2>err.txt || skip "cannot make a network namespace: $(cat err.txt)"
  NS+=("$ns")
  ip link add "vc$tag$i" type veth peer name eth0 netns "$ns" 2>err.txt ||
    skip "cannot make a veth pair: $(cat err.txt)"
  ip link set "vc$tag$i" master "$bridge" && ip link set "vc$tag$i" up || skip "cannot attach the veth"
  ip -n "$ns" addr add "10.77.$subnet.$((i + 1))/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  echo "10.77.$subnet.$((i + 1)) slots=1" >> hostfile
done
# The launch agent: `agent HOST COMMAND...` runs COMMAND as ssh would (one shell line), in
# the namespace of HOST (10.77.S.N is namespace N-1).
cat > agent.sh <<AGENT
#!/usr/bin/env bash
host="\$1"; shift
echo "\$host" >> "$SCRATCH/agent.log"
n=\$(( \${host##*.} - 1 ))
exec ip netns exec "vch$tag-\$n" /bin/sh -c "\$*"
AGENT
chmod +x agent.sh
# Reachability first: a process in host 3 talks to the bridge address over TCP.
timeout 20 ./agent.sh "10.77.$subnet.4" "$PY -c \"import socket; socket.create_connection(('10.77.$subnet.254', 9), timeout=2)\"" 2>conn.txt  || true
grep -q "Connection refused" conn.txt || { cat conn.txt >&2; skip "the namespaces do not reach each other over TCP"; }

cat > hosts.yaml <<'YAML'
experiment: hosts
output: out1
stages: [synth, preprocess, som, forest]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 5, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
YAML
mpirun -n 1 "$VOCLOUD_BIN" run hosts.yaml >one.txt 2>&1 || { cat one.txt >&2; fail "1 x 1 run"; }
mpirun -n 4 --oversubscribe "$VOCLOUD_BIN" run hosts.yaml --set output=local4 >local4.txt 2>&1 ||
  { cat local4.txt >&2; fail "1 host x 4 ranks"; }
export OMPI_MCA_plm_rsh_agent="$SCRATCH/agent.sh" OMPI_MCA_plm_rsh_no_tree_spawn=1
export OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include="10.77.$subnet.0/24"
export OMPI_MCA_oob_tcp_if_include="10.77.$subnet.0/24"
# A hang of Open MPI's launch over the namespaces (seen once in ~10 runs: no line at all from
# vocloud after 300 s) is retried once, saying so; a run whose ranks started and then hung or
# failed is a failure at once.
four_hosts() {
  timeout 150 mpirun --hostfile hostfile -n 4 --map-by node "$VOCLOUD_BIN" run hosts.yaml \
    --set output=out4 >four.txt 2>&1
}
status=0
four_hosts || status=$?
if [ "$status" != 0 ]; then
  if [ "$status" = 124 ] && ! grep -q "vocloud" four.txt; then
    echo "4 hosts x 1 rank: mpirun started no rank in 150 s (launch hang); agent calls:" >&2
    cat "$SCRATCH/agent.log" >&2 || true
    for ns in "${NS[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; done
    rm -rf out4
    four_hosts || { cat four.txt >&2; fail "4 hosts x 1 rank (after a launch hang, again)"; }
  else
    cat four.txt >&2; fail "4 hosts x 1 rank (exit $status)"
  fi
fi
$PY - <<'PYEOF'
import json, h5py, numpy as np
for stage in ("synth", "preprocess", "som", "forest"):
    m = json.load(open(f"out4/hosts/{stage}/stage.json"))
    assert m["ranks"] == 4, (stage, m["ranks"])
def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, np.asarray(o[()])) if isinstance(o, h5py.Dataset) else None)
    return out
def same(x, y, a, b):
    if x.dtype.kind in "SOU":  # names and paths: each run's own output folder
        return json.dumps(x.tolist(), default=str).replace(a, "") == json.dumps(y.tolist(), default=str).replace(b, "")
    return x.shape == y.shape and x.tobytes() == y.tobytes()
# Every sum over rows is exact (fixed point), so 4 hosts x 1 rank equals 1 x 1 bitwise too.
for stage, name in (("preprocess", "dataset.h5"), ("som", "som.h5"), ("forest", "forest.h5")):
    one, local, hosts = (datasets(f"{d}/hosts/{stage}/{name}") for d in ("out1", "local4", "out4"))
    assert one.keys() == hosts.keys() == local.keys(), name
    for key in one:
        assert same(local[key], hosts[key], "local4/", "out4/"), ("4 hosts != 1 host x 4", name, key)
        assert same(one[key], hosts[key], "out1/", "out4/"), ("4 hosts x 1 != 1 x 1", name, key)
    print(f"{name}: {len(one)} data sets; 4 hosts x 1 == 1 host x 4 == 1 x 1 bitwise")
PYEOF
# Open MPI started a daemon on each of the 4 hosts through the agent (mpirun itself runs
# outside them, so every rank was remote).
[ "$(sort -u agent.log | wc -l)" = 4 ] || { cat agent.log >&2; fail "the agent did not start 4 hosts"; }
echo "hosts: 4 namespaces over TCP == 1 host x 4 ranks == 1 x 1, bitwise"
