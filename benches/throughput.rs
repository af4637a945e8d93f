//! Throughput of a whole run of the bundled crisis (simulation, statistics,
//! every output file, charts and report), on one worker thread and on two,
//! alternating in the same run (the machine is shared and noisy, so the
//! speed-up is the median over rounds of the ratio of a round's two runs,
//! never a comparison with a fixed time).
//!
//! Run with `cargo bench --bench throughput` (100 replications, 7 rounds;
//! `SURGESIM_BENCH_REPLICATIONS` changes the count). Target: a 1-to-2-thread
//! speed-up of at least 1.85 on a 2-core machine. It also prints the phase
//! times of the last run on each thread count (`surgesim run --timings`).

use std::process::Command;

const ROUNDS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One run: wall seconds, offered contacts (all channels, all
/// replications), and the phase table.
fn run_once(replications: u32, threads: usize, out: &std::path::Path) -> (f64, f64, String) {
    let t = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_surgesim"))
        .args(["run", "-q", "--timings", "-n"])
        .arg(replications.to_string())
        .arg("-j")
        .arg(threads.to_string())
        .arg("--out")
        .arg(out)
        .output()
        .expect("start surgesim");
    let wall = t.elapsed().as_secs_f64();
    assert!(
        o.status.success(),
        "surgesim run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
            .expect("summary.json is JSON");
    let per_rep: f64 = summary["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .map(|c| {
            c["kpis"]["offered_contacts"]["mean"]
                .as_f64()
                .unwrap_or(0.0)
        })
        .sum();
    (
        wall,
        per_rep * f64::from(replications),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let replications: u32 = std::env::var("SURGESIM_BENCH_REPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 100 } else { 2 });
    let rounds = if bench { ROUNDS } else { 1 };
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut walls = [Vec::new(), Vec::new()];
    let mut contacts = 0.0;
    let mut phases = [String::new(), String::new()];
    for _ in 0..rounds {
        for (i, threads) in [1, 2].into_iter().enumerate() {
            let (wall, c, table) = run_once(replications, threads, &dir.path().join("out"));
            walls[i].push(wall);
            contacts = c;
            phases[i] = table;
        }
    }
    println!(
        "bundled crisis, {replications} replications, whole run (median of {rounds} alternating rounds)"
    );
    println!(
        "{:<10} {:>10} {:>16} {:>18}",
        "threads", "wall s", "replications/s", "contacts/s"
    );
    let ratios: Vec<f64> = walls[0].iter().zip(&walls[1]).map(|(a, b)| a / b).collect();
    let speedup = median(ratios.clone());
    let w: Vec<f64> = walls.into_iter().map(median).collect();
    for (threads, wall) in [1, 2].into_iter().zip(&w) {
        println!(
            "{threads:<10} {wall:>10.2} {:>16.1} {:>18.0}",
            f64::from(replications) / wall,
            contacts / wall
        );
    }
    println!(
        "speed-up 1 -> 2 threads (median of the rounds' ratios): {speedup:.2} (target at least 1.85 on 2 cores; this machine has {})",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let each: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    println!("speed-up of each round: {}", each.join(", "));
    for (threads, table) in [1, 2].into_iter().zip(&phases) {
        println!("\n{threads} thread(s), last round:\n{}", table.trim_end());
    }
}
