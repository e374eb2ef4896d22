#!/bin/bash
# CPU time (user + sys, from GNU time) and wall time of whole JVM runs, median per variant, the variants
# interleaved: the CPU time of a process is far less disturbed by other jobs on the machine than its wall time.
#   benchmarks/scripts/agent-startup-cpu.sh RUNS BEFORE_JAR AFTER_JAR benchmarks/target/classes
# BEFORE_JAR and AFTER_JAR: two builds of dsmreg.jar to compare (the same jar twice to measure one).
set -euo pipefail
runs=$1; before=$2; after=$3; classes=$4; root=$(mktemp -d); out=$(mktemp -d)
P=io.dsmreg.bench.startup.PlainApp; A=io.dsmreg.bench.startup.AnnotatedApp
variants=(
 "plain, no agent|-cp $classes $P"
 "plain, --add-modules java.instrument|--add-modules java.instrument -cp $classes $P"
 "plain, agent before|-javaagent:$before=registry=startup,dir=$root -cp $classes $P"
 "plain, agent after|-javaagent:$after=registry=startup,dir=$root -cp $classes $P"
 "annotated, no agent (unset)|-cp $classes $A"
 "annotated, agent before|-javaagent:$before=registry=startup,dir=$root -cp $classes $A"
 "annotated, agent after|-javaagent:$after=registry=startup,dir=$root -cp $classes $A"
 "annotated, SharedFields by hand|--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Ddsmreg.registry=startup -Ddsmreg.dir=$root -cp $classes:$after $A by-hand"
)
for r in $(seq 1 $runs); do
  for i in "${!variants[@]}"; do
    /usr/bin/time -a -o $out/$i -f "%U %S %e" java ${variants[$i]#*|} > /dev/null
  done
done
for i in "${!variants[@]}"; do
  cpu=$(awk '{print int(($1+$2)*1000)}' $out/$i | sort -n | awk '{v[NR]=$1} END {print v[int(NR/2)+1]}')
  wall=$(awk '{print int($3*1000)}' $out/$i | sort -n | awk '{v[NR]=$1} END {print v[int(NR/2)+1]}')
  printf "%-40s cpu %4d ms   wall %4d ms\n" "${variants[$i]%%|*}" $cpu $wall
done
rm -rf $root $out
