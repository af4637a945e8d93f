#!/bin/sh
# Submits the array job and its merge, which starts only after every
# array task has succeeded.
set -eu
mkdir -p logs
jobid=$(sbatch --parsable contrib/slurm/run.sbatch)
jobid=${jobid%%;*}
sbatch --dependency=afterok:"$jobid" contrib/slurm/merge.sbatch
echo "submitted shards $jobid and their merge"
