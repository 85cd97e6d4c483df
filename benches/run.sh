#!/usr/bin/env bash
# Seam vs Hugo on the same generated corpus (issue 14). See benches/README.md.
#
#   benches/run.sh [SIZES...]            default: 1000 10000 100000
#
# Environment:
#   BENCH_DIR     work folder (default: <repo>/target/bench)
#   BENCH_SEED    corpus seed (default: 42)
#   BENCH_RUNS    timed runs per command, every size (default: 10 up to 1k
#                 documents, 5 up to 10k, 3 above)
#   BENCH_WARMUP  warm-up runs per command (default: 1)
#   SEAM_BIN      use this seam binary instead of building one
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
today=2026-11-20
seed="${BENCH_SEED:-42}"
warmup="${BENCH_WARMUP:-1}"
if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000 100000); fi
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 20 ] || { echo "run.sh: size '$n' is not a whole number of at least 20" >&2; exit 2; }
done

say() { printf '\n== %s\n' "$*" >&2; }

# -- tools
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v hugo >/dev/null 2>&1 || missing+=(hugo)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  {
    echo "run.sh: missing: ${missing[*]}"
    echo "  Debian/Ubuntu: sudo apt-get install -y ${missing[*]}"
    echo "  /usr/bin/time must be GNU time (for 'time -v'); elsewhere: 'cargo install hyperfine', and Hugo's own install guide"
  } >&2
  exit 1
fi

# -- seam
if [ -n "${SEAM_BIN:-}" ]; then
  seam="$(cd "$(dirname "$SEAM_BIN")" && pwd)/$(basename "$SEAM_BIN")"
else
  command -v cargo >/dev/null 2>&1 || { echo "run.sh: cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }
  say "building seam (cargo build --release --locked)"
  (cd "$root" && cargo build --release --locked --bin seam)
  target="${CARGO_TARGET_DIR:-target}"
  case "$target" in /*) ;; *) target="$root/$target" ;; esac
  seam="$target/release/seam"
fi
[ -x "$seam" ] || { echo "run.sh: no seam binary at $seam" >&2; exit 1; }

mkdir -p "${BENCH_DIR:-$root/target/bench}"
bench="$(cd "${BENCH_DIR:-$root/target/bench}" && pwd)"
res="$bench/results"
mkdir -p "$res"
gen_sum="$(sha256sum "$here/gen_corpus.py" | cut -d' ' -f1)"
start_s=$SECONDS
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# one shell word per argument, for hyperfine's bash
sh_cmd() { local out="" a; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }
declare -A rss=()

rows=() firsts=()
for n in "${sizes[@]}"; do
  # -- corpus: reused when the same size, seed and generator made it
  corpus="$bench/corpus-$n-seed$seed"
  stamp="n=$n seed=$seed gen=$gen_sum"
  if [ -f "$corpus/.complete" ] && [ "$(cat "$corpus/.complete")" = "$stamp" ]; then
    say "$n documents: reusing corpus $corpus"
  else
    say "$n documents: generating corpus in $corpus"
    rm -rf "$corpus"
    gen_start=$SECONDS
    python3 "$here/gen_corpus.py" --n "$n" --seed "$seed" --out "$corpus" >/dev/null
    printf '%s\n' "$stamp" > "$corpus/.complete"
    echo "generated in $((SECONDS - gen_start)) s" >&2
  fi
  src_seam="$corpus/seam" src_hugo="$corpus/hugo"
  out_seam="$bench/out/seam-$n" out_hugo="$bench/out/hugo-$n"
  rm -rf "$out_seam" "$out_hugo" "$bench/out"/.seam-build-*
  mkdir -p "$bench/out"

  build_cmd=("$seam" build --root "$src_seam" --out "$out_seam" --today "$today" --allow-errors -q)
  check_cmd=("$seam" check --root "$src_seam" --today "$today")
  hugo_cmd=(hugo --quiet --source "$src_hugo" --destination "$out_hugo")

  # -- peak memory, one run each; this run also proves each command works
  # before spending the timed runs on it
  say "$n documents: peak RSS (/usr/bin/time -v)"
  for name in build check hugo; do
    case "$name" in
      build) cmd=("${build_cmd[@]}") ;; check) cmd=("${check_cmd[@]}") ;; hugo) cmd=("${hugo_cmd[@]}") ;;
    esac
    rc=0
    /usr/bin/time -v -o "$res/time-$name-$n.txt" "${cmd[@]}" >"$res/output-$name-$n.txt" 2>&1 || rc=$?
    rss[$name]="$(awk -F': *' '/Maximum resident set size/ {print $2}' "$res/time-$name-$n.txt")"
    echo "$name: exit $rc, peak ${rss[$name]} KiB" >&2
    if [ "$rc" -ne 0 ] && [ "$name" != check ]; then
      echo "run.sh: '$name' failed on the $n-document corpus; its output:" >&2
      tail -n 20 "$res/output-$name-$n.txt" >&2
      exit 1
    fi
    if [ "$name" = check ]; then tail -n 1 "$res/output-check-$n.txt" >&2; fi
  done

  # -- timing: one hyperfine run, the three commands side by side
  if [ -n "${BENCH_RUNS:-}" ]; then runs=$BENCH_RUNS
  elif [ "$n" -le 1000 ]; then runs=10
  elif [ "$n" -le 10000 ]; then runs=5
  else runs=3; fi
  say "$n documents: hyperfine, $warmup warm-up + $runs runs per command, alternating"
  # One run of each command per round, build, check and Hugo in turn, so a
  # change in the machine's load falls on all three alike (hyperfine itself
  # runs all of one command's runs before the next command's). -i: seam check
  # exits non-zero when the corpus has errors; build and Hugo were checked above.
  names=("seam build" "seam check" "hugo")
  cmds=("$(sh_cmd "${build_cmd[@]}")" "$(sh_cmd "${check_cmd[@]}")" "$(sh_cmd "${hugo_cmd[@]}")")
  rm -f "$res"/round-"$n"-*.json
  for ((w = 1; w <= warmup; w++)); do
    for i in 0 1 2; do bash -c "${cmds[$i]}" >/dev/null 2>&1 || true; done
  done
  for ((r = 1; r <= runs; r++)); do
    for i in 0 1 2; do
      hyperfine --shell=bash -i --warmup 0 --runs 1 --style none \
        --export-json "$res/round-$n-$r-$i.json" -n "${names[$i]}" "${cmds[$i]}" >/dev/null
    done
    echo "round $r of $runs done" >&2
  done
  # All rounds in one file, as hyperfine would write it, with the medians.
  python3 - "$res/hyperfine-$n.json" "$res"/round-"$n"-*.json <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], sys.argv[2:]
by = {}
for path in rounds:
    for r in json.load(open(path))["results"]:
        by.setdefault(r["command"], []).extend(r["times"])
results = [{"command": c, "times": t, "median": statistics.median(t), "min": min(t), "max": max(t),
            "mean": statistics.mean(t)} for c, t in by.items()]
json.dump({"results": results}, open(out, "w"), indent=1)
for r in results:
    print("%-10s median %.3f s (min %.3f, max %.3f, %d runs)" % (r["command"], r["median"], r["min"], r["max"], len(r["times"])), file=sys.stderr)
PY
  rm -f "$res"/round-"$n"-*.json

  rows+=("$(python3 - "$res/hyperfine-$n.json" "$n" "${rss[build]}" "${rss[check]}" "${rss[hugo]}" <<'PY'
import json, sys
path, n, *kib = sys.argv[1:]
med = {r["command"]: r["median"] for r in json.load(open(path))["results"]}
b, c, h = med["seam build"], med["seam check"], med["hugo"]
cell = lambda s, k: "%.3f s, %.0f MiB" % (s, int(k) / 1024.0)
print("| %s | %s | %s | %s | %.2f | %.2f |" % (format(int(n), ","), cell(b, kib[0]), cell(c, kib[1]),
                                              cell(h, kib[2]), b / h, c / b))
PY
)")
  # the time -v runs wrote into empty folders; hyperfine's runs rebuild over
  # the previous output, which Seam replaces whole and Hugo overwrites
  firsts+=("$(python3 - "$n" "$res/time-build-$n.txt" "$res/time-hugo-$n.txt" <<'PY'
import sys
def wall(path):
    for line in open(path):
        if "Elapsed (wall clock)" in line:
            secs = 0.0
            for part in line.rsplit(" ", 1)[1].split(":"):
                secs = secs * 60 + float(part)
            return secs
print("%s: seam build %.2f s, Hugo %.2f s" % (format(int(sys.argv[1]), ","), wall(sys.argv[2]), wall(sys.argv[3])))
PY
)")
  rm -rf "$out_seam" "$out_hugo" "$bench/out"/.seam-build-*
done

# -- report
cpu="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
if [ -n "${SEAM_BIN:-}" ]; then
  seam_rev="SEAM_BIN=$seam"
else
  seam_rev="git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$root" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    seam_rev="$seam_rev with uncommitted changes"
  fi
fi
{
  echo "| documents | seam build (median s, peak MiB) | seam check (median s, peak MiB) | Hugo (median s, peak MiB) | build/Hugo ratio | check/build ratio |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "A first build into an empty output folder (the one \`time -v\` run) took: $(IFS=';'; echo "${firsts[*]}" | sed 's/;/; /g')."
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(uname -m), ${cpu:-unknown CPU}, $(nproc) cores; load average at start: $load_at_start."
  echo "Versions: $("$seam" --version) ($seam_rev); $(hugo version | cut -d' ' -f1-2); $(hyperfine --version)."
  echo "Corpus: benches/gen_corpus.py, seed $seed; warm-up $warmup; runs ${BENCH_RUNS:-10 up to 1k documents, 5 up to 10k, 3 above}; --today $today."
} > "$bench/results.md"
say "results ($((SECONDS - start_s)) s; also in $bench/results.md)"
cat "$bench/results.md"
