//! Command-line definitions (clap) and nothing else: the commands themselves
//! live in [`crate::commands`], which never sees these raw types except to
//! validate them once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// surgesim: what happens to an agency's phone lines when a crisis hits, and
/// what staffing would hold them.
///
/// Durations always carry a unit: "20s", "5m", "1.5h", "2d". Rates are a
/// count per unit of time: "22/min", "1140/h".
#[derive(Debug, Parser)]
#[command(
    name = "surgesim",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario (Monte Carlo) and write the results.
    ///
    /// Prints the main KPIs with 95 % confidence intervals and their spread
    /// across replications, and writes summary.json, summary.csv,
    /// replications.csv, intervals.csv, days.csv, weeks.csv, actions.csv,
    /// charts and report.html into the output folder. Without a scenario file it runs the
    /// bundled crisis scenario (a migration agency's phone line, e-mail
    /// inbox and desk in a Ukraine-2022-style influx, 120 days).
    Run(RunArgs),
    /// Check a scenario file and print what it means.
    ///
    /// Reports every problem at once (key, line, what would be valid) and
    /// exits with code 2 if there is any; otherwise prints the horizon, the
    /// expected contacts per channel and day, the exact Erlang estimate for
    /// the busiest hour, what each pool serves and speaks, and warnings
    /// (contacts no pool can serve).
    Check(CheckArgs),
    /// Exact Erlang B / C / A values for one queue, optionally simulated.
    ///
    /// The queue is M/M/c (Erlang C), with --patience M/M/c+M (Erlang A),
    /// with --lines M/M/c/K (Erlang B when K = c) or M/M/c/K+M: Poisson
    /// arrivals, exponential handle times and patience, FIFO.
    Erlang(ErlangArgs),
    /// Compare staffing policies: the base scenario and its variants.
    ///
    /// Runs the base and every variant ([variants.NAME] in the scenario,
    /// or a second scenario file) on the same replications and seed, so
    /// each replication sees the same callers, handle times, patience and
    /// demand in every arm (common random numbers). For every KPI it gives
    /// each variant's difference from the base per replication: mean, 95 %
    /// interval, share of replications in which the variant is better, and
    /// the variance the pairing removed; risk measures per arm; a ranking
    /// by cost and service with the cost-efficient frontier. Writes
    /// compare.json, compare.csv, compare_risk.csv, charts/compare_*.svg
    /// and .png, and report.html.
    Compare(CompareArgs),
    /// Merge the shards of a run or comparison into its results.
    ///
    /// Reads the shard folders that `run --partition K/N` or `compare
    /// --partition K/N` wrote (on one machine or an array job's many),
    /// checks that they come from one run (scenario, seed, version,
    /// generator, arms, arguments) and cover every replication exactly
    /// once (missing or doubled shards are listed by number) and that no
    /// file is damaged (SHA-256), then writes the same files, byte for
    /// byte, as the single run would have: the statistics are computed
    /// from every replication's raw results, in replication order.
    Merge(MergeArgs),
    /// Staffing advice: the agents each step needs to meet a target.
    ///
    /// For one channel, by the iterative staffing algorithm (ISA: simulate,
    /// set each step's agents to the smallest s with P(number in system ≥ s)
    /// ≤ α, repeat on the same replications until no step changes by more
    /// than one agent) and by the stationary Erlang rule per step (SIPP);
    /// then checks each staffing on fresh replications. Turns the agents
    /// into FTE per week (shrinkage, absence, an occupancy cap) against the
    /// FTE on the rosters, and plans hiring waves that close the gap, with
    /// the latest date to decide each. Writes staffing.csv, a staffing
    /// table per method (staffing_isa.csv, staffing_sipp.csv:
    /// `start,agents`, readable as a pool's `staffing`), fte_weekly.csv,
    /// hiring_plan.csv, hiring_plan.toml (ready-to-paste [[actions]]),
    /// staffing.json, charts and report.html.
    Staff(StaffArgs),
    /// A preparedness exercise: the crisis played a step at a time.
    ///
    /// The trainees see one world (replication 0 of the seed) as a duty
    /// manager would after each step (a day by default): contacts, service
    /// level, waits, abandonment, backlogs, people turned away, staff and
    /// hires, cost, trends and the news (the scenario's injects). Between
    /// steps they take decisions (`hire pool=phone_team count=10
    /// lead_time=2w`), each checked and shown with its lead time and cost.
    /// Type `help` in the session. Every decision is recorded with its
    /// time in the decisions file (the scenario's [[actions]] syntax), so a
    /// session can be resumed, replayed, debriefed or run as a plan. With
    /// standard input not a terminal, commands are read line by line.
    /// Writes DIR/briefing.html at the start, DIR/decisions.toml as it
    /// goes, and the debrief in DIR/debrief/ at the end. Without a
    /// scenario file it plays the bundled exercise scenario
    /// (scenarios/exercise.toml).
    Exercise(ExerciseArgs),
    /// The debrief of an exercise from its decisions file.
    ///
    /// Runs the trainees' decisions, doing nothing and the scenario's own
    /// contingency plan on the same replications (the exercise world is
    /// number 0), what each decision cost and bought (the run without it,
    /// paired), and how lucky the exercise world was. Writes debrief.html,
    /// debrief.json, summary.txt, charts and a copy of the decisions.
    Debrief(DebriefArgs),
    /// Write a bundled scenario as editable files.
    ///
    /// Without TEMPLATE, a short commented starter scenario for one agency
    /// (starter.toml) that runs as it is; with one, a bundled scenario and
    /// its CSV tables (`surgesim scenarios` lists them). Existing files are
    /// not replaced unless --force.
    Init(InitArgs),
    /// List the bundled scenarios with what they represent.
    Scenarios,
    /// Print the JSON Schema of the scenario format.
    ///
    /// For editors with TOML support (taplo, VS Code's Even Better TOML):
    /// key completion, documentation on hover, typos flagged while typing.
    /// The repository ships it as scenario.schema.json; regenerate it with
    /// `surgesim schema --out scenario.schema.json`.
    Schema(SchemaArgs),
}

/// `surgesim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// File to write the schema to [default: standard output].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `surgesim init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Bundled scenario to write (see `surgesim scenarios`) [default: starter].
    pub template: Option<String>,
    /// Folder to write into (created if missing) [default: the current folder].
    pub dir: Option<PathBuf>,
    /// Replace files of the same names.
    #[arg(long)]
    pub force: bool,
}

/// `surgesim exercise`.
#[derive(Debug, Args)]
pub struct ExerciseArgs {
    /// Scenario file (TOML). Default: the bundled exercise scenario.
    pub scenario: Option<PathBuf>,
    /// Seed of the world the trainees see [default: the scenario's].
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// How far the world moves at each `advance`: a whole number of the
    /// scenario's reporting intervals (1d, 4h, 1w).
    #[arg(long, value_name = "DURATION", default_value = "1d")]
    pub step: String,
    /// Decisions file: if it exists, the session resumes from it (its
    /// decisions replayed, the time where it stopped); the session records
    /// into it [default: DIR/decisions.toml].
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Folder for the briefing, the decisions and the debrief (kept apart
    /// from `run`'s out/, since the session writes into it as it goes).
    #[arg(short, long, value_name = "DIR", default_value = "exercise")]
    pub out: PathBuf,
    /// Replications of each world in the debrief.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 100)]
    pub replications: u32,
    /// Worker threads for the debrief [default: one per core].
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// End without the debrief (`surgesim debrief` makes it later).
    #[arg(long)]
    pub no_debrief: bool,
    /// Never clear the screen (even on a terminal).
    #[arg(long)]
    pub plain: bool,
}

/// `surgesim debrief`.
#[derive(Debug, Args)]
pub struct DebriefArgs {
    /// Scenario file (TOML) the exercise was played on.
    pub scenario: PathBuf,
    /// The exercise's decisions file.
    pub decisions: PathBuf,
    /// Output folder (written whole).
    #[arg(short, long, value_name = "DIR", default_value = "out/debrief")]
    pub out: PathBuf,
    /// Replications of each world.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 100)]
    pub replications: u32,
    /// How long after its effect a decision's gains are counted.
    #[arg(long, value_name = "DURATION", default_value = "4w")]
    pub window: String,
    /// Worker threads [default: one per core].
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// No progress bar and no summary, only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `surgesim staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    /// Scenario file (TOML). Default: the bundled crisis scenario.
    pub scenario: Option<PathBuf>,
    /// The channel to staff (its id in the scenario).
    #[arg(long, value_name = "ID")]
    pub channel: String,
    /// What every step must reach: p_wait=ALPHA (probability of waiting at
    /// most ALPHA), service_level=X (share answered within the channel's
    /// threshold at least X) or abandon=P (share abandoning at most P).
    /// Shares as 0.2 or 20%.
    #[arg(long, value_name = "METRIC=VALUE")]
    pub target: String,
    /// Staffing step: a duration that divides the day, from 5 minutes
    /// (15m, 30m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub step: String,
    /// Replications per ISA iteration, and for each final evaluation.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 500)]
    pub replications: u32,
    /// At most this many ISA iterations.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub max_iterations: u32,
    /// Which methods: isa, sipp or both.
    #[arg(long, value_name = "METHOD", default_value = "both")]
    pub method: StaffMethod,
    /// Shrinkage: the share of paid time not on the queue for reasons other
    /// than absence (breaks, meetings, training, other work), for the
    /// weekly FTE.
    #[arg(long, value_name = "SHARE", default_value_t = 0.25)]
    pub shrinkage: f64,
    /// Paid hours per FTE per week (e.g. 37.5h) [default: the contract
    /// hours of the channel's first pool].
    #[arg(long, value_name = "DURATION")]
    pub paid_hours: Option<String>,
    /// Occupancy cap: steps whose agents would be busier than this on
    /// average get more agents in the weekly FTE (e.g. 0.85).
    #[arg(long, value_name = "SHARE")]
    pub occupancy_cap: Option<f64>,
    /// Master seed of all random streams [default: the scenario's `seed`].
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// Run variant NAME of the scenario instead of the base.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output folder, created if missing, written whole.
    #[arg(short, long, value_name = "DIR", default_value = "out/staff")]
    pub out: PathBuf,
    /// Do not draw charts (the report is written without them).
    #[arg(long)]
    pub no_charts: bool,
    /// No progress and no table, only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The methods of `surgesim staff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffMethod {
    /// The iterative staffing algorithm, by simulation.
    Isa,
    /// Stationary Erlang staffing per step.
    Sipp,
    /// Both, side by side.
    Both,
}

/// `surgesim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario file (TOML) with [variants.NAME] tables. Default: the
    /// bundled crisis scenario.
    pub scenario: Option<PathBuf>,
    /// A second scenario file to compare against the first (instead of
    /// variants). Its channels, topics and pools are matched by name.
    pub other: Option<PathBuf>,
    /// Variants to run, comma-separated [default: all that the scenario
    /// declares].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub variants: Vec<String>,
    /// Compare an exercise's decisions file with the scenario as written:
    /// an arm `decisions` (the scenario's plans off, the file's decisions
    /// on); variants only if --variants names them.
    #[arg(long, value_name = "FILE", conflicts_with = "other")]
    pub decisions: Option<PathBuf>,
    /// Replications per arm [default: the scenario's `replications`]; with
    /// --precision, the first batch.
    #[arg(short = 'n', long, value_name = "N")]
    pub replications: Option<u32>,
    /// Master seed, shared by every arm [default: the base scenario's].
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core; at most 4 per core].
    /// Results do not depend on it.
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output folder, created if missing. Written whole: a previous result
    /// set there is replaced (a folder with other files is refused), and an
    /// interrupted run leaves it as it was.
    #[arg(short, long, value_name = "DIR", default_value = "out/compare")]
    pub out: PathBuf,
    /// Refuse to start a run estimated to need more memory than SIZE
    /// (e.g. 8GB, 512MB, 16GiB) [default: 4GB, or the machine's memory if
    /// less]. The estimate: arms × replications × (their KPIs and daily
    /// and weekly series; a comparison keeps no hourly series), plus the
    /// larger of the replications in flight (one per worker thread) and
    /// the statistics and files.
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
    /// Run replications until the 95 % half-width of every variant's
    /// difference from the base on KPI is at most H, e.g.
    /// "hotline.service_level=0.01" or "total.total_cost=20000". KPI is
    /// CHANNEL.KPI, POOL.KPI, TOPIC.KPI or total.KPI.
    #[arg(long, value_name = "KPI=H")]
    pub precision: Option<String>,
    /// Most replications per arm with --precision.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub max_replications: u32,
    /// Risk measure: the probability that a channel's daily service level
    /// is below target on more than K days.
    #[arg(long, value_name = "K", default_value_t = 10.0)]
    pub days_below: f64,
    /// Risk measure: the probability that an e-mail channel's backlog
    /// exceeds X contacts at some time.
    #[arg(long, value_name = "X", default_value_t = 1000.0)]
    pub backlog_over: f64,
    /// Do not draw charts (the report is written without them).
    #[arg(long)]
    pub no_charts: bool,
    /// No progress bar and no table, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Shards: --partition K/N, --partitions N (not with --precision).
    #[command(flatten)]
    pub shard: PartitionArgs,
}

/// `--partition` of `run` and `compare`: run one slice of the
/// replications and write a shard for `surgesim merge`.
#[derive(Debug, Clone, Default, Args)]
pub struct PartitionArgs {
    /// Run only slice K of N of the replications (K from 1 to N; slice K
    /// covers floor((K-1)·R/N) .. floor(K·R/N) of 0..R) and write a shard
    /// folder (DIR/shard-K-of-N) for `surgesim merge` instead of the
    /// results. `auto`: K and N from the array job's environment (Slurm
    /// SLURM_ARRAY_TASK_ID/_MIN/_COUNT, Kubernetes JOB_COMPLETION_INDEX
    /// with --partitions or SURGESIM_PARTITIONS, AWS Batch
    /// AWS_BATCH_JOB_ARRAY_INDEX/_SIZE).
    #[arg(long, value_name = "K/N|auto")]
    pub partition: Option<String>,
    /// The number of partitions N for `--partition auto` where the engine
    /// does not export it (Kubernetes: the Job's completions); wins over
    /// the environment.
    #[arg(long, value_name = "N", requires = "partition")]
    pub partitions: Option<u32>,
}

/// `surgesim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (each with a shard.json), all N of them, in any
    /// order, e.g. out/shard-*-of-8.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Output folder, written whole [default: out for the shards of a
    /// run, out/compare for those of a comparison].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// No table, only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `surgesim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Default: the bundled crisis scenario
    /// (scenarios/crisis.toml).
    pub scenario: Option<PathBuf>,
    /// Number of replications [default: the scenario's `replications`].
    #[arg(short = 'n', long, value_name = "N")]
    pub replications: Option<u32>,
    /// Master seed of all random streams [default: the scenario's `seed`].
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core; at most 4 per core].
    /// Results do not depend on it.
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output folder, created if missing. Written whole: a previous result
    /// set there is replaced (a folder with other files is refused), and an
    /// interrupted run leaves it as it was.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Refuse to start a run estimated to need more memory than SIZE
    /// (e.g. 8GB, 512MB, 16GiB) [default: 4GB, or the machine's memory if
    /// less]. The estimate: the KPIs of every replication, their series
    /// held in memory (at most 256 MB; beyond, they go to a temporary
    /// file) and up to three chunks of them in flight (one being stored
    /// while the next is simulated), plus the statistics of every
    /// interval and the files.
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
    /// Run variant NAME of the scenario ([variants.NAME]) instead of the
    /// base.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Do not draw charts: no DIR/charts/ files and a report without
    /// charts (faster for many replications).
    #[arg(long)]
    pub no_charts: bool,
    /// Outputs to write, comma-separated [default: all]: csv (summary,
    /// replications, intervals, days, weeks, actions), json (summary.json),
    /// xlsx (results.xlsx, an Excel workbook with native charts), charts
    /// (charts/*.svg and *.png), report (report.html).
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "csv,json,xlsx,charts,report"
    )]
    pub format: Vec<OutputFormat>,
    /// No progress bar and no table, only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the wall-clock time of each phase (load, simulate, summarise,
    /// files, charts, report, finish) on standard error.
    #[arg(long)]
    pub timings: bool,
    /// Play an exercise's decisions file as the plan: the scenario's own
    /// plans are switched off and the decisions (the file's [[actions]])
    /// take part; injects stay.
    #[arg(long, value_name = "FILE", conflicts_with = "variant")]
    pub decisions: Option<PathBuf>,
    /// Shards: --partition K/N, --partitions N.
    #[command(flatten)]
    pub shard: PartitionArgs,
}

/// An output kind of `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// summary.csv, replications.csv, intervals.csv, days.csv, weeks.csv,
    /// actions.csv.
    Csv,
    /// summary.json.
    Json,
    /// results.xlsx: an Excel workbook (summary, days and weeks per channel
    /// and pool, actions, costs, scenario, native charts).
    Xlsx,
    /// charts/*.svg and charts/*.png.
    Charts,
    /// report.html, one self-contained file.
    Report,
}

/// `surgesim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
}

/// `surgesim erlang`.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    /// Number of agents c (ignored with --agents-for, --table, --volumes).
    #[arg(long, value_name = "N", required_unless_present_any = ["agents_for", "table", "volumes"])]
    pub agents: Option<u32>,
    /// Arrival rate, e.g. "22/min" or "1140/h" (not with --volumes).
    #[arg(long, value_name = "RATE", required_unless_present = "volumes")]
    pub arrivals: Option<String>,
    /// Mean handle time (exponential), e.g. "5m".
    #[arg(long, value_name = "DURATION")]
    pub aht: String,
    /// Mean patience (exponential), e.g. "3m". Without it nobody abandons.
    #[arg(long, value_name = "DURATION")]
    pub patience: Option<String>,
    /// Number of lines K (calls in service + waiting). Without it: unlimited.
    #[arg(long, value_name = "K")]
    pub lines: Option<u32>,
    /// Service-level threshold: answered within this wait.
    #[arg(long, value_name = "DURATION", default_value = "20s")]
    pub answer_within: String,
    /// Print the fewest agents that reach a target: a share alone (0.8) or
    /// service_level=0.8 for answered within the threshold ÷ offered;
    /// asa=20s for the mean wait of answered calls; p_wait=0.2;
    /// abandon=0.05. With --occupancy-cap, also no busier than the cap.
    #[arg(long, value_name = "TARGET")]
    pub agents_for: Option<String>,
    /// Table mode: every KPI for each number of agents from FROM to TO,
    /// e.g. 10-20.
    #[arg(long, value_name = "FROM-TO", conflicts_with_all = ["agents_for", "simulate"])]
    pub table: Option<String>,
    /// Volumes mode: a CSV of `start,contacts` per interval (a constant
    /// step from 5 minutes to a day) in, the agents each interval needs for
    /// --agents-for (default service_level=0.8) out, as CSV (or --json).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["table", "simulate"])]
    pub volumes: Option<std::path::PathBuf>,
    /// Shrinkage (share of paid time off the queue): agents are also given
    /// as FTE = agents ÷ (1 − shrinkage).
    #[arg(long, value_name = "SHARE")]
    pub shrinkage: Option<f64>,
    /// With --agents-for and --volumes: agents no busier than this share on
    /// average (e.g. 0.85).
    #[arg(long, value_name = "SHARE")]
    pub occupancy_cap: Option<f64>,
    /// Also simulate the same queue with the engine and print the estimates
    /// with 95 % half-widths beside the exact values.
    #[arg(long)]
    pub simulate: bool,
    /// Simulated days per replication (with --simulate).
    #[arg(long, value_name = "D", default_value_t = 10)]
    pub days: u32,
    /// Replications (with --simulate).
    #[arg(long, value_name = "R", default_value_t = 20)]
    pub replications: u32,
    /// Master seed (with --simulate).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Warm-up excluded from the simulated estimates (with --simulate).
    #[arg(long, value_name = "DURATION", default_value = "2h")]
    pub warmup: String,
    /// Worker threads (with --simulate) [default: one per core].
    #[arg(short = 'j', long, value_name = "T")]
    pub threads: Option<usize>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}
