//! A column store of per-replication series: rows (replications) arrive in
//! chunks, each chunk is kept transposed (column-major: every value of one
//! column for the chunk's replications, then the next column), so that a
//! block of columns for all replications is read back as one contiguous
//! piece per chunk. Held in memory while it is small; above a byte budget
//! it spills to an anonymous temporary file (removed by the operating
//! system when the store is dropped, also on an error, a panic or an exit
//! on an interrupt) and reads its blocks back from there. Both backends
//! share one layout, so what is read back does not depend on where it was
//! kept.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;

use rayon::prelude::*;

/// Bytes of one stored value (`f32`).
const VALUE_BYTES: u64 = 4;

/// Values converted per write or read call when spilled.
const IO_VALUES: usize = 1 << 18;

/// Columns transposed per parallel task.
const TRANSPOSE_COLUMNS: usize = 1024;

/// One chunk of rows.
#[derive(Debug)]
struct Chunk {
    /// Rows (replications) in the chunk.
    rows: usize,
    /// Offset of the chunk in the spill file, in values.
    at: u64,
    /// The transposed values, while in memory; `None` once spilled.
    data: Option<Vec<f32>>,
}

/// Rows of `width` values, kept by chunks and read back by blocks of
/// columns; see the module documentation.
#[derive(Debug)]
pub struct ColumnStore {
    width: usize,
    rows: usize,
    chunks: Vec<Chunk>,
    /// Bytes held in memory by the chunks.
    memory: u64,
    /// Above this many bytes in memory, everything goes to the file.
    budget: u64,
    /// The spill file, once spilled.
    file: Option<File>,
    /// Values written to the spill file.
    file_len: u64,
    /// Conversion buffer of the spill file.
    bytes: Vec<u8>,
}

/// A block of columns for all rows, as read back by
/// [`ColumnStore::read_block`]: each chunk's part of the block (its values
/// of the block's columns, column after column), in place if the chunk is
/// in memory, else read from the file.
#[derive(Debug)]
pub struct Block<'a> {
    /// `(values, rows)` of each chunk.
    chunks: Vec<(&'a [f32], usize)>,
    columns: usize,
}

impl Block<'_> {
    /// Columns in the block.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// The values of column `j` of the block (counted from the block's
    /// first column), in row order.
    pub fn column(&self, j: usize) -> impl Iterator<Item = f32> + '_ {
        assert!(
            j < self.columns,
            "column {j} of a block of {}",
            self.columns
        );
        self.chunks
            .iter()
            .flat_map(move |&(data, rows)| &data[j * rows..(j + 1) * rows])
            .copied()
    }
}

impl ColumnStore {
    /// An empty store of rows of `width` values that spills to a
    /// temporary file once it would hold more than `budget` bytes in
    /// memory (0: from the first row on).
    pub fn new(width: usize, budget: u64) -> Self {
        ColumnStore {
            width,
            rows: 0,
            chunks: Vec::new(),
            memory: 0,
            budget,
            file: None,
            file_len: 0,
            bytes: Vec::new(),
        }
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Rows stored.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Chunks stored.
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Whether the store has spilled to its temporary file.
    pub fn spilled(&self) -> bool {
        self.file.is_some()
    }

    /// Bytes in the temporary file (0 while in memory).
    pub fn file_bytes(&self) -> u64 {
        self.file_len * VALUE_BYTES
    }

    /// Appends a chunk of rows, each row given as parts that together make
    /// `width` values (e.g. a replication's interval, daily and weekly
    /// series). Panics if a row is not `width` values long.
    pub fn push_chunk(&mut self, rows: &[Vec<&[f32]>]) -> std::io::Result<()> {
        let n = rows.len();
        if n == 0 {
            return Ok(());
        }
        for (i, parts) in rows.iter().enumerate() {
            let len: usize = parts.iter().map(|p| p.len()).sum();
            assert_eq!(
                len, self.width,
                "row {i} of a chunk has {len} values, the store {}",
                self.width
            );
        }
        // Transposed: out[col * n + row]; columns in parallel.
        let mut out = vec![0.0f32; n * self.width];
        out.par_chunks_mut(TRANSPOSE_COLUMNS * n)
            .enumerate()
            .for_each(|(b, piece)| {
                let first = b * TRANSPOSE_COLUMNS;
                let cols = piece.len() / n;
                for (r, parts) in rows.iter().enumerate() {
                    let mut col = 0;
                    for part in parts {
                        // The part's columns that fall into this piece.
                        let from = first.saturating_sub(col).min(part.len());
                        let to = (first + cols).saturating_sub(col).min(part.len());
                        for (k, &v) in part[from..to].iter().enumerate() {
                            piece[(col + from + k - first) * n + r] = v;
                        }
                        col += part.len();
                    }
                }
            });
        self.push_transposed(n, out)
    }

    /// Appends a chunk of `n` rows given already transposed, as the store
    /// keeps it: every value of the first column for the `n` rows, then the
    /// next column (what [`Self::write_chunks`] writes). Panics if `data`
    /// is not `n` × `width` values long.
    pub fn push_transposed(&mut self, n: usize, out: Vec<f32>) -> std::io::Result<()> {
        assert_eq!(
            out.len(),
            n * self.width,
            "a transposed chunk of {n} rows of {} values",
            self.width
        );
        if n == 0 {
            return Ok(());
        }
        let bytes = out.len() as u64 * VALUE_BYTES;
        if self.file.is_none() && self.memory + bytes > self.budget {
            self.spill()?;
        }
        let at = self.file_len;
        let data = if self.file.is_some() {
            self.write(&out)?;
            None
        } else {
            self.memory += bytes;
            Some(out)
        };
        self.chunks.push(Chunk { rows: n, at, data });
        self.rows += n;
        Ok(())
    }

    /// Writes every chunk to `out`, in order, each as its number of rows
    /// (`u64`, little-endian) and its values transposed (`f32`,
    /// little-endian, bit for bit), one chunk in memory at a time. Returns
    /// the number of chunks.
    pub fn write_chunks(&mut self, out: &mut dyn Write) -> std::io::Result<u64> {
        let mut buf = Vec::new();
        for i in 0..self.chunks.len() {
            let rows = self.chunks[i].rows;
            out.write_all(&(rows as u64).to_le_bytes())?;
            let block = self.read_block_of_chunk(i, &mut buf)?;
            for piece in block.chunks(IO_VALUES) {
                self.bytes.clear();
                self.bytes
                    .extend(piece.iter().flat_map(|v| v.to_le_bytes()));
                out.write_all(&self.bytes)?;
            }
        }
        Ok(self.chunks.len() as u64)
    }

    /// The values of chunk `i` (transposed), from memory or the file.
    fn read_block_of_chunk<'a>(
        &mut self,
        i: usize,
        buf: &'a mut Vec<f32>,
    ) -> std::io::Result<&'a [f32]> {
        buf.clear();
        let c = &self.chunks[i];
        match &c.data {
            Some(data) => buf.extend_from_slice(data),
            None => {
                let Some(file) = self.file.as_mut() else {
                    return Err(std::io::Error::other("a spilled chunk without its file"));
                };
                read_values(file, &mut self.bytes, c.at, c.rows * self.width, buf)?;
            }
        }
        Ok(buf)
    }

    /// Moves every chunk held in memory to a new temporary file.
    fn spill(&mut self) -> std::io::Result<()> {
        self.file = Some(tempfile::tempfile()?);
        let mut chunks = std::mem::take(&mut self.chunks);
        for c in &mut chunks {
            c.at = self.file_len;
            if let Some(data) = c.data.take() {
                self.write(&data)?;
            }
        }
        self.chunks = chunks;
        self.memory = 0;
        Ok(())
    }

    /// Appends `values` to the spill file.
    fn write(&mut self, values: &[f32]) -> std::io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Err(std::io::Error::other("the column store has not spilled"));
        };
        file.seek(SeekFrom::Start(self.file_len * VALUE_BYTES))?;
        for piece in values.chunks(IO_VALUES) {
            self.bytes.clear();
            self.bytes
                .extend(piece.iter().flat_map(|v| v.to_le_bytes()));
            file.write_all(&self.bytes)?;
        }
        self.file_len += values.len() as u64;
        Ok(())
    }

    /// Columns `cols` of every row: in place for the chunks in memory, the
    /// spilled ones read into `buf` (replacing what it held).
    pub fn read_block<'a>(
        &'a mut self,
        cols: Range<usize>,
        buf: &'a mut Vec<f32>,
    ) -> std::io::Result<Block<'a>> {
        assert!(
            cols.start <= cols.end && cols.end <= self.width,
            "columns {cols:?} of {}",
            self.width
        );
        buf.clear();
        // Where each spilled chunk's part starts in `buf`.
        let mut starts = Vec::with_capacity(self.chunks.len());
        for c in &self.chunks {
            starts.push(buf.len());
            if c.data.is_none() {
                let Some(file) = self.file.as_mut() else {
                    return Err(std::io::Error::other("a spilled chunk without its file"));
                };
                let at = c.at + (cols.start * c.rows) as u64;
                read_values(file, &mut self.bytes, at, cols.len() * c.rows, buf)?;
            }
        }
        let buf: &'a [f32] = buf;
        let chunks = self
            .chunks
            .iter()
            .zip(starts)
            .map(|(c, start)| {
                let len = cols.len() * c.rows;
                let data = match &c.data {
                    Some(data) => &data[cols.start * c.rows..cols.end * c.rows],
                    None => &buf[start..start + len],
                };
                (data, c.rows)
            })
            .collect();
        Ok(Block {
            chunks,
            columns: cols.len(),
        })
    }
}

/// Appends to `buf` the `len` values stored in `file` from value `at`,
/// converting through `bytes`, [`IO_VALUES`] at a time.
fn read_values(
    file: &mut File,
    bytes: &mut Vec<u8>,
    at: u64,
    len: usize,
    buf: &mut Vec<f32>,
) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(at * VALUE_BYTES))?;
    let mut left = len;
    while left > 0 {
        let m = left.min(IO_VALUES);
        bytes.resize(m * VALUE_BYTES as usize, 0);
        file.read_exact(bytes)?;
        buf.extend(
            bytes
                .chunks_exact(VALUE_BYTES as usize)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        left -= m;
    }
    Ok(())
}
