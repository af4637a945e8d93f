//! The binary files of a shard: the replications' KPIs (`*.records.bin`)
//! and their series (`*.series.bin`), little-endian, bit for bit.
//!
//! `records.bin`, columnar (every replication's value of one KPI, then the
//! next KPI):
//!
//! ```text
//! magic "SGSHREC1"
//! u64 rows, u64 first replication
//! u64 channels, channel KPIs, topics, topic KPIs, pools, pool KPIs, totals
//! f64 × rows for each channel KPI (channel by channel), topic KPI, pool KPI, total KPI
//! u64 × rows: events; u32 × rows: firings of each replication
//! u64 firings F; u64 × F action; u8 × F undone; f64 × F decided, effect, value
//! ```
//!
//! `series.bin`, the column store's own layout (see
//! [`ColumnStore::write_chunks`]):
//!
//! ```text
//! magic "SGSHSER1"
//! u64 interval, daily and weekly values per row; u64 rows; u64 chunks
//! per chunk: u64 rows, then f32 × rows for each column (transposed)
//! ```

use std::io::{self, Read, Write};

use crate::engine::Firing;
use crate::kpi::RepRecord;
use crate::runner::ColumnStore;

const RECORDS_MAGIC: &[u8; 8] = b"SGSHREC1";
const SERIES_MAGIC: &[u8; 8] = b"SGSHSER1";

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn put_u64(w: &mut dyn Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn put_f64s(w: &mut dyn Write, values: impl Iterator<Item = f64>) -> io::Result<()> {
    for v in values {
        w.write_all(&v.to_le_bytes())?;
    }
    Ok(())
}

/// Reads little-endian numbers, an early end of file as invalid data.
struct Input<'a>(&'a mut dyn Read);

impl Input<'_> {
    fn bytes<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut b = [0u8; N];
        self.0.read_exact(&mut b).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                invalid("the file ends early (truncated)")
            } else {
                e
            }
        })?;
        Ok(b)
    }
    fn u64(&mut self) -> io::Result<u64> {
        self.bytes::<8>().map(u64::from_le_bytes)
    }
    fn count(&mut self, what: &str, at_most: u64) -> io::Result<usize> {
        let v = self.u64()?;
        if v > at_most {
            return Err(invalid(format!("{what} {v} is out of range")));
        }
        Ok(v as usize)
    }
    fn f64(&mut self) -> io::Result<f64> {
        self.bytes::<8>().map(f64::from_le_bytes)
    }
}

/// The shape of a record: `(channels, channel KPIs, topics, topic KPIs,
/// pools, pool KPIs, totals)`.
fn shape(r: &RepRecord) -> [usize; 7] {
    let width = |v: &[Vec<f64>]| v.first().map_or(0, Vec::len);
    [
        r.channel_kpis.len(),
        width(&r.channel_kpis),
        r.topic_kpis.len(),
        width(&r.topic_kpis),
        r.pool_kpis.len(),
        width(&r.pool_kpis),
        r.total_kpis.len(),
    ]
}

/// Writes the KPIs, events and firings of `records` (consecutive
/// replications, at least one) as `records.bin`.
pub fn write_records(w: &mut dyn Write, records: &[RepRecord]) -> io::Result<()> {
    let Some(first) = records.first() else {
        return Err(invalid("a shard without replications"));
    };
    let s = shape(first);
    for (i, r) in records.iter().enumerate() {
        if shape(r) != s || r.replication != first.replication + i as u64 {
            return Err(invalid(format!(
                "replication {} does not follow the others' layout",
                r.replication
            )));
        }
    }
    w.write_all(RECORDS_MAGIC)?;
    put_u64(w, records.len() as u64)?;
    put_u64(w, first.replication)?;
    for v in s {
        put_u64(w, v as u64)?;
    }
    let [nc, kc, nt, kt, np, kp, ntot] = s;
    for (table, n, k) in [(0, nc, kc), (1, nt, kt), (2, np, kp)] {
        for e in 0..n {
            for j in 0..k {
                put_f64s(
                    w,
                    records.iter().map(|r| match table {
                        0 => r.channel_kpis[e][j],
                        1 => r.topic_kpis[e][j],
                        _ => r.pool_kpis[e][j],
                    }),
                )?;
            }
        }
    }
    for j in 0..ntot {
        put_f64s(w, records.iter().map(|r| r.total_kpis[j]))?;
    }
    for r in records {
        put_u64(w, r.events)?;
    }
    for r in records {
        let n = u32::try_from(r.firings.len()).map_err(|_| invalid("too many firings"))?;
        w.write_all(&n.to_le_bytes())?;
    }
    let firings = || records.iter().flat_map(|r| r.firings.iter());
    put_u64(w, firings().count() as u64)?;
    for f in firings() {
        put_u64(w, f.action as u64)?;
    }
    for f in firings() {
        w.write_all(&[u8::from(f.release)])?;
    }
    put_f64s(w, firings().map(|f| f.decided_s))?;
    put_f64s(w, firings().map(|f| f.effect_s))?;
    put_f64s(w, firings().map(|f| f.value))?;
    Ok(())
}

/// Reads `records.bin`: the records of its replications, with empty series.
pub fn read_records(r: &mut dyn Read) -> io::Result<Vec<RepRecord>> {
    let mut input = Input(r);
    if &input.bytes::<8>()? != RECORDS_MAGIC {
        return Err(invalid("not a surgesim records file (wrong magic)"));
    }
    let rows = input.count("rows", 1 << 32)?;
    let first = input.u64()?;
    let mut s = [0usize; 7];
    for v in &mut s {
        *v = input.count("a dimension", 1 << 20)?;
    }
    let [nc, kc, nt, kt, np, kp, ntot] = s;
    let mut records: Vec<RepRecord> = (0..rows)
        .map(|i| RepRecord {
            replication: first + i as u64,
            channel_kpis: vec![vec![0.0; kc]; nc],
            topic_kpis: vec![vec![0.0; kt]; nt],
            pool_kpis: vec![vec![0.0; kp]; np],
            total_kpis: vec![0.0; ntot],
            series: Vec::new(),
            day_series: Vec::new(),
            week_series: Vec::new(),
            firings: Vec::new(),
            events: 0,
        })
        .collect();
    for (table, n, k) in [(0, nc, kc), (1, nt, kt), (2, np, kp)] {
        for e in 0..n {
            for j in 0..k {
                for rec in &mut records {
                    let v = input.f64()?;
                    match table {
                        0 => rec.channel_kpis[e][j] = v,
                        1 => rec.topic_kpis[e][j] = v,
                        _ => rec.pool_kpis[e][j] = v,
                    }
                }
            }
        }
    }
    for j in 0..ntot {
        for rec in &mut records {
            rec.total_kpis[j] = input.f64()?;
        }
    }
    for rec in &mut records {
        rec.events = input.u64()?;
    }
    let mut counts = Vec::with_capacity(rows);
    for _ in 0..rows {
        counts.push(u32::from_le_bytes(input.bytes::<4>()?) as usize);
    }
    let total = input.count("firings", 1 << 32)?;
    if counts.iter().sum::<usize>() != total {
        return Err(invalid("the firings do not add up"));
    }
    let mut firings: Vec<Firing> = Vec::with_capacity(total);
    for _ in 0..total {
        firings.push(Firing {
            action: input.count("an action", 1 << 32)?,
            release: false,
            decided_s: 0.0,
            effect_s: 0.0,
            value: 0.0,
        });
    }
    for f in &mut firings {
        f.release = match input.bytes::<1>()?[0] {
            0 => false,
            1 => true,
            b => return Err(invalid(format!("a firing flag {b}"))),
        };
    }
    for f in &mut firings {
        f.decided_s = input.f64()?;
    }
    for f in &mut firings {
        f.effect_s = input.f64()?;
    }
    for f in &mut firings {
        f.value = input.f64()?;
    }
    let mut it = firings.into_iter();
    for (rec, n) in records.iter_mut().zip(counts) {
        rec.firings = it.by_ref().take(n).collect();
    }
    let mut rest = [0u8; 1];
    if input.0.read(&mut rest)? != 0 {
        return Err(invalid("the file goes on past its end"));
    }
    Ok(records)
}

/// Writes the series in `store` (rows of the three series of `widths`) as
/// `series.bin`, a chunk at a time.
pub fn write_series(
    w: &mut dyn Write,
    store: &mut ColumnStore,
    widths: [usize; 3],
) -> io::Result<()> {
    if widths.iter().sum::<usize>() != store.width() {
        return Err(invalid("series widths that do not match the store"));
    }
    w.write_all(SERIES_MAGIC)?;
    for v in widths {
        put_u64(w, v as u64)?;
    }
    put_u64(w, store.rows() as u64)?;
    let chunks = store.chunks() as u64;
    put_u64(w, chunks)?;
    let written = store.write_chunks(w)?;
    debug_assert_eq!(written, chunks);
    Ok(())
}

/// Reads `series.bin` a chunk at a time.
pub struct SeriesReader<R: Read> {
    input: R,
    /// Values per row of the interval, daily and weekly series.
    pub widths: [usize; 3],
    /// Rows in the file.
    pub rows: usize,
    chunks_left: u64,
    rows_left: usize,
}

impl<R: Read> SeriesReader<R> {
    /// Reads the header.
    pub fn new(mut input: R) -> io::Result<Self> {
        let mut i = Input(&mut input);
        if &i.bytes::<8>()? != SERIES_MAGIC {
            return Err(invalid("not a surgesim series file (wrong magic)"));
        }
        let mut widths = [0usize; 3];
        for w in &mut widths {
            *w = i.count("a series width", 1 << 32)?;
        }
        let rows = i.count("rows", 1 << 32)?;
        let chunks_left = i.u64()?;
        Ok(SeriesReader {
            input,
            widths,
            rows,
            chunks_left,
            rows_left: rows,
        })
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.widths.iter().sum()
    }

    /// The next chunk: its rows and its values, transposed (as
    /// [`ColumnStore::push_transposed`] takes them); `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<(usize, Vec<f32>)>> {
        let width = self.width();
        let mut i = Input(&mut self.input);
        if self.chunks_left == 0 {
            let mut rest = [0u8; 1];
            if self.rows_left != 0 {
                return Err(invalid("the chunks hold fewer rows than the header says"));
            }
            if i.0.read(&mut rest)? != 0 {
                return Err(invalid("the file goes on past its end"));
            }
            return Ok(None);
        }
        let rows = i.count("chunk rows", self.rows_left as u64)?;
        let n = rows * width;
        let mut data = Vec::with_capacity(n);
        let mut bytes = vec![0u8; 4 * n.min(1 << 18)];
        let mut left = n;
        while left > 0 {
            let m = left.min(1 << 18);
            i.0.read_exact(&mut bytes[..4 * m]).map_err(|e| {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    invalid("the file ends early (truncated)")
                } else {
                    e
                }
            })?;
            data.extend(
                bytes[..4 * m]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
            left -= m;
        }
        self.chunks_left -= 1;
        self.rows_left -= rows;
        Ok(Some((rows, data)))
    }
}

/// Puts the daily and weekly series of a transposed chunk (rows of
/// `widths`) back into `records` (one per row).
pub fn untranspose_into(records: &mut [RepRecord], data: &[f32], widths: [usize; 3]) {
    let n = records.len();
    let [wi, wd, ww] = widths;
    for (r, rec) in records.iter_mut().enumerate() {
        let col = |j: usize| data[j * n + r];
        rec.series = (0..wi).map(col).collect();
        rec.day_series = (wi..wi + wd).map(col).collect();
        rec.week_series = (wi + wd..wi + wd + ww).map(col).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(r: u64) -> RepRecord {
        let x = r as f64;
        RepRecord {
            replication: r,
            channel_kpis: vec![vec![x, f64::NAN, -0.0], vec![1e300, x / 3.0, 2.0]],
            topic_kpis: vec![vec![x + 0.5]],
            pool_kpis: vec![vec![7.0, x * 1.1]],
            total_kpis: vec![x.sqrt(), f64::INFINITY],
            series: vec![x as f32, 0.1],
            day_series: vec![f32::NAN, 3.0, x as f32 / 7.0],
            week_series: vec![9.0],
            firings: (0..r % 3)
                .map(|k| Firing {
                    action: k as usize,
                    release: k == 1,
                    decided_s: x * 60.0,
                    effect_s: x * 61.0,
                    value: f64::NAN,
                })
                .collect(),
            events: 1000 + r,
        }
    }

    #[test]
    fn records_and_series_come_back_bit_for_bit() {
        let recs: Vec<RepRecord> = (5..12).map(record).collect();
        let mut bytes = Vec::new();
        write_records(&mut bytes, &recs).unwrap();
        let back = read_records(&mut bytes.as_slice()).unwrap();
        let bits = |r: &RepRecord| {
            let mut v: Vec<u64> = r
                .channel_kpis
                .iter()
                .flatten()
                .map(|x| x.to_bits())
                .collect();
            v.extend(r.topic_kpis.iter().flatten().map(|x| x.to_bits()));
            v.extend(r.pool_kpis.iter().flatten().map(|x| x.to_bits()));
            v.extend(r.total_kpis.iter().map(|x| x.to_bits()));
            v.extend(r.firings.iter().flat_map(|f| {
                [
                    f.action as u64,
                    f.release as u64,
                    f.decided_s.to_bits(),
                    f.effect_s.to_bits(),
                    f.value.to_bits(),
                ]
            }));
            v.push(r.events);
            v.push(r.replication);
            v
        };
        assert_eq!(back.len(), recs.len());
        for (a, b) in recs.iter().zip(&back) {
            assert_eq!(bits(a), bits(b));
        }
        // Truncated: refused, not a panic.
        assert!(read_records(&mut &bytes[..bytes.len() - 3]).is_err());

        let widths = [2, 3, 1];
        let mut store = ColumnStore::new(6, u64::MAX);
        for part in recs.chunks(3) {
            let rows: Vec<Vec<&[f32]>> = part
                .iter()
                .map(|r| vec![&r.series[..], &r.day_series[..], &r.week_series[..]])
                .collect();
            store.push_chunk(&rows).unwrap();
        }
        let mut file = Vec::new();
        write_series(&mut file, &mut store, widths).unwrap();
        let mut reader = SeriesReader::new(file.as_slice()).unwrap();
        assert_eq!((reader.widths, reader.rows), (widths, 7));
        let mut again = back.clone();
        let mut at = 0;
        while let Some((n, data)) = reader.next_chunk().unwrap() {
            untranspose_into(&mut again[at..at + n], &data, widths);
            at += n;
        }
        assert_eq!(at, 7);
        let f32_bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (a, b) in recs.iter().zip(&again) {
            assert_eq!(f32_bits(&a.series), f32_bits(&b.series));
            assert_eq!(f32_bits(&a.day_series), f32_bits(&b.day_series));
            assert_eq!(f32_bits(&a.week_series), f32_bits(&b.week_series));
        }
        assert!(SeriesReader::new(&file[..10]).is_err());
    }
}
