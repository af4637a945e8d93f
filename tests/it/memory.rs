//! Bounded memory (issue 15): the series of a run go to a column store that
//! spills to a temporary file above a budget; what is read back, and so
//! every output file, is the same as in memory.

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::report::render_all;
use surgesim::runner::{ColumnStore, RunOptions, run};

use super::util::{model_from_text, tempdir};

/// A small deterministic generator (xorshift), with NaNs now and then.
struct Values(u64);

impl Values {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        if self.0.is_multiple_of(17) {
            f32::NAN
        } else {
            (self.0 % 100_000) as f32 / 7.0 - 3000.0
        }
    }
}

#[test]
fn column_blocks_read_back_the_rows_transposed_in_memory_and_spilled() {
    let width = 2_500; // more than one transposition task of columns
    let mut values = Values(0x9E37_79B9_7F4A_7C15);
    // Chunks of uneven sizes, the last one partial; rows in three parts.
    let sizes = [5, 1, 7, 3];
    let rows: Vec<Vec<f32>> = (0..sizes.iter().sum::<usize>())
        .map(|_| (0..width).map(|_| values.next()).collect())
        .collect();
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits();
    for budget in [u64::MAX, 0, 4 * width as u64 * 6] {
        let mut store = ColumnStore::new(width, budget);
        let mut next = 0;
        for &n in &sizes {
            let chunk: Vec<Vec<&[f32]>> = rows[next..next + n]
                .iter()
                .map(|r| vec![&r[..1000], &r[1000..1001], &r[1001..]])
                .collect();
            store.push_chunk(&chunk).unwrap();
            next += n;
        }
        assert_eq!(store.rows(), rows.len());
        assert_eq!(store.spilled(), budget != u64::MAX, "budget {budget}");
        if store.spilled() {
            assert_eq!(store.file_bytes(), 4 * (width * rows.len()) as u64);
        }
        let mut buf = Vec::new();
        for cols in [
            0..width,
            0..1,
            999..1002,
            1234..2345,
            width - 1..width,
            7..7,
        ] {
            let block = store.read_block(cols.clone(), &mut buf).unwrap();
            assert_eq!(block.columns(), cols.len());
            for (j, col) in cols.clone().enumerate() {
                let got: Vec<f32> = block.column(j).collect();
                assert_eq!(got.len(), rows.len());
                for (r, (&g, row)) in got.iter().zip(&rows).enumerate() {
                    assert!(
                        same(g, row[col]),
                        "budget {budget}: column {col}, row {r}: {g} vs {}",
                        row[col]
                    );
                }
            }
        }
    }
}

/// The bundled crisis (4 channels, 4 pools) over 30 days.
fn short_crisis(replications: u32) -> surgesim::model::Model {
    let text = BUNDLED_SCENARIO.replacen("days = 120 ", "days = 30 ", 1);
    assert!(text.contains("days = 30 "));
    let mut model = model_from_text(&text);
    model.replications = replications;
    model
}

#[test]
fn a_spilled_run_writes_the_same_files_as_one_in_memory() {
    let model = short_crisis(11);
    assert!(model.channels.len() >= 3 && model.pools.len() >= 3);
    let files = |opts: RunOptions| {
        let r = run(&model, opts).unwrap();
        assert!(r.records.iter().all(|r| r.series.is_empty()));
        render_all(&model, &r).unwrap()
    };
    let memory = files(RunOptions {
        threads: Some(2),
        chunk_replications: Some(1000),
        ..RunOptions::default()
    });
    // Spilled from the first chunk on; chunks of 4, the last one of 3.
    let spilled = files(RunOptions {
        threads: Some(2),
        spill_bytes: Some(0),
        chunk_replications: Some(4),
        ..RunOptions::default()
    });
    // Spilled after the second chunk, on one thread.
    let later = files(RunOptions {
        threads: Some(1),
        spill_bytes: Some(9_000_000),
        chunk_replications: Some(4),
        ..RunOptions::default()
    });
    // More workers than a chunk holds: one replication a chunk, so the
    // workers wait for the store and store for each other.
    let crowded = files(RunOptions {
        threads: Some(4),
        chunk_replications: Some(1),
        ..RunOptions::default()
    });
    // Chunks of 2 on 3 workers, spilled from the first.
    let uneven = files(RunOptions {
        threads: Some(3),
        spill_bytes: Some(0),
        chunk_replications: Some(2),
        ..RunOptions::default()
    });
    assert_eq!(memory.len(), spilled.len());
    for other in [&spilled, &later, &crowded, &uneven] {
        for ((name, a), (other_name, b)) in memory.iter().zip(other) {
            assert_eq!(name, other_name);
            assert!(a == b, "{name} differs when the series spill");
        }
    }
}

#[test]
fn the_command_line_run_spills_when_told_and_writes_the_same_manifest() {
    let dir = tempdir();
    let text = BUNDLED_SCENARIO.replacen("days = 120 ", "days = 30 ", 1);
    let scenario = dir.path().join("short.toml");
    std::fs::write(&scenario, text).unwrap();
    let manifest = |name: &str, env: &[(&str, &str)]| {
        let out = dir.path().join(name);
        let mut cmd = assert_cmd::Command::cargo_bin("surgesim").unwrap();
        cmd.arg("run")
            .arg(&scenario)
            .args(["-n", "7", "-q", "--format", "csv,json", "--out"])
            .arg(&out);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.assert().success();
        std::fs::read_to_string(out.join("manifest.json")).unwrap()
    };
    let memory = manifest("memory", &[]);
    let spilled = manifest(
        "spilled",
        &[
            ("SURGESIM_SPILL_BYTES", "0"),
            ("SURGESIM_CHUNK_REPLICATIONS", "3"),
        ],
    );
    assert_eq!(memory, spilled);
}
