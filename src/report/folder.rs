//! The output folder of `run` and `compare`, written whole.
//!
//! Every file goes into a staging folder beside the target (same parent,
//! `.NAME.staging-PID`), `manifest.json` last; then the previous folder, if
//! any, is renamed aside (`.NAME.old-PID`), the staging folder renamed to the
//! target and the old one removed. A reader therefore sees either the
//! previous result set or the new one, never a mix, and an interrupted run
//! leaves the target as it was ([`interrupt_and_exit`] removes the staging
//! folder). What a run may replace: nothing, an empty folder, or a previous
//! result set (a `manifest.json` of surgesim's, or only the file names
//! surgesim writes); a folder holding anything else is refused, so a user's
//! own files are never deleted. Folders left by a process that died without
//! cleaning up (killed with SIGKILL, a power cut) are removed, or restored,
//! at the start of the next run into the same target.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::manifest::{self, Manifest, ManifestFile};

/// File names that surgesim writes into an output folder (any version):
/// a folder holding only these, and `charts/` with SVG and PNG files, is a
/// previous result set.
pub const KNOWN_FILES: &[&str] = &[
    "summary.json",
    "summary.csv",
    "replications.csv",
    "intervals.csv",
    "days.csv",
    "weeks.csv",
    "days_long.csv",
    "weeks_long.csv",
    "actions.csv",
    "columns.csv",
    "replications_days.csv",
    "results.xlsx",
    "report.html",
    "compare.json",
    "compare.csv",
    "compare_risk.csv",
    "compare.xlsx",
    manifest::FILE_NAME,
];

/// The folder of chart files.
const CHARTS: &str = "charts";

/// Staging folders of this process that are not finished yet. Held while a
/// file is written into one and while one is swapped into place, so that
/// an interrupt waits for a swap to complete and never races a write.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Files synced to the disk at once by [`OutputFolder::finish`].
const SYNC_THREADS: usize = 4;

fn unfinished() -> MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// The error of a write or a finish attempted after an interrupt removed
/// the staging folder.
fn interrupted(what: &str) -> FolderError {
    FolderError::Io {
        what: what.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::Interrupted, "the run was interrupted"),
    }
}

/// What can go wrong with an output folder.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderError {
    /// `--out` names something that is not a folder (bad input).
    #[error("{path} is {what}, not a folder; name a folder (it is created if missing)")]
    NotAFolder {
        /// As given.
        path: String,
        /// "a regular file", "a device", …
        what: &'static str,
    },
    /// `--out` is the current folder or one that holds it (bad input).
    #[error(
        "{path} is the current folder or holds it; surgesim replaces its output folder whole, so name a folder of its own (e.g. --out out)"
    )]
    NotOwnFolder {
        /// As given.
        path: String,
    },
    /// The folder holds files surgesim did not write (bad input).
    #[error(
        "{path} holds files that are not surgesim results ({list}); surgesim replaces its output folder whole and never deletes other files, so pick another --out, or empty this folder (or move those files) first"
    )]
    Foreign {
        /// As given.
        path: String,
        /// The foreign entries, a few named.
        list: String,
    },
    /// A file system operation failed (not the input's fault).
    #[error("cannot {what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Cause.
        source: std::io::Error,
    },
}

impl FolderError {
    /// Whether the user named an unusable folder (exit code 2), rather than
    /// the file system failing (1).
    pub fn is_input(&self) -> bool {
        !matches!(self, FolderError::Io { .. })
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> FolderError {
    let what = what.into();
    move |source| FolderError::Io { what, source }
}

/// Where a file written on a [`Stage`] goes in the manifest: files are
/// listed in the order of their keys (a group, then a place in it).
pub type StageKey = (u32, u32);

/// Writes files into a staging folder from several threads at once; see
/// [`OutputFolder::staged`].
pub struct Stage<'f> {
    staging: &'f Path,
    made: Mutex<Vec<(StageKey, ManifestFile)>>,
    /// Written files, to be synced.
    synced: std::sync::mpsc::Sender<(StageKey, PathBuf)>,
    failed: &'f (dyn Fn(StageKey, FolderError) + Sync),
}

impl std::fmt::Debug for Stage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stage")
            .field("staging", &self.staging)
            .finish_non_exhaustive()
    }
}

impl Stage<'_> {
    /// Writes file `name` (a `/`-separated path within the folder) with
    /// `bytes`, listed in the manifest at `key`; it is synced in the
    /// background.
    pub fn write(&self, key: StageKey, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        let entry = ManifestFile::of(name, bytes);
        self.put(key, name, &mut |f| f.write_all(bytes))?;
        self.made(key, entry);
        Ok(())
    }

    /// Writes file `name` with a copy of `from`, read from where it stands
    /// (a large file made on disk while the run went on), as
    /// [`Self::write`] does with bytes.
    pub fn copy(&self, key: StageKey, name: &str, from: &std::fs::File) -> Result<(), FolderError> {
        use sha2::{Digest, Sha256};
        let mut from = from;
        let mut hash = Sha256::new();
        let mut total = 0u64;
        self.put(key, name, &mut |f| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = std::io::Read::read(&mut from, &mut buf)?;
                if n == 0 {
                    return out.flush();
                }
                out.write_all(&buf[..n])?;
                hash.update(&buf[..n]);
                total += n as u64;
            }
        })?;
        self.made(key, ManifestFile::of_digest(name, total, &hash.finalize()));
        Ok(())
    }

    fn made(&self, key: StageKey, entry: ManifestFile) {
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, entry));
    }

    /// Creates file `name` and fills it (under the lock that an interrupt
    /// takes to remove the staging folder), then queues it to be synced.
    fn put(
        &self,
        key: StageKey,
        name: &str,
        fill: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), FolderError> {
        let path = self.staging.join(name);
        let active = unfinished();
        if !active.iter().any(|p| p == self.staging) {
            return Err(interrupted(&format!("write {name}")));
        }
        let result = (|| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            fill(&mut std::fs::File::create(&path)?)
        })();
        drop(active);
        result.map_err(io(format!("write {}", path.display())))?;
        if self.synced.send((key, path.clone())).is_err() {
            (self.failed)(
                key,
                io(format!("write {}", path.display()))(std::io::Error::other(
                    "the file could not be queued to reach the disk",
                )),
            );
        }
        Ok(())
    }
}

/// A result set being written: its staging folder, until
/// [`OutputFolder::finish`] swaps it into place. Dropped unfinished (an
/// error), it removes the staging folder and leaves the target as it was.
#[derive(Debug)]
pub struct OutputFolder {
    /// The target as the user named it (for messages).
    shown: PathBuf,
    /// The target, resolved (symbolic links followed).
    target: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    files: Vec<ManifestFile>,
    /// Files already synced (written on a [`Stage`]).
    synced: BTreeSet<String>,
    finished: bool,
}

/// What an existing path is, for "not a folder".
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_file() {
        "a regular file"
    } else {
        "not a folder"
    }
}

/// Whether `name` is `.BASE.tmp-DIGITS` (a temporary file of an earlier
/// version) with a `BASE` that `known` accepts.
fn is_tmp_of(name: &str, known: impl Fn(&str) -> bool) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((base, pid)) = rest.rsplit_once(".tmp-") else {
        return false;
    };
    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && known(base)
}

fn is_chart_file(name: &str) -> bool {
    name.ends_with(".svg") || name.ends_with(".png")
}

/// The entries of folder `dir` that are not part of a surgesim result set,
/// as paths relative to it (a folder with a trailing `/`).
pub fn foreign_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let listed: Option<BTreeSet<String>> = std::fs::read(dir.join(manifest::FILE_NAME))
        .ok()
        .and_then(|b| manifest::listed_files(&b))
        .map(|v| v.into_iter().collect());
    let is_listed = |p: &str| listed.as_ref().is_some_and(|l| l.contains(p));
    let mut foreign = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let t = e.file_type()?;
        if t.is_dir() && name == CHARTS {
            let mut inner: Vec<_> = std::fs::read_dir(e.path())?.collect::<Result<_, _>>()?;
            inner.sort_by_key(|e| e.file_name());
            for f in inner {
                let fname = f.file_name().to_string_lossy().into_owned();
                let ok = f.file_type()?.is_file()
                    && (is_listed(&format!("{CHARTS}/{fname}"))
                        || is_chart_file(&fname)
                        || is_tmp_of(&fname, is_chart_file));
                if !ok {
                    foreign.push(format!("{CHARTS}/{fname}"));
                }
            }
            continue;
        }
        // Another command's whole results inside this folder (`out/compare`,
        // `out/staff`): kept, and carried over when this folder is replaced.
        if t.is_dir() && is_result_folder(&e.path()) {
            continue;
        }
        let ok = t.is_file()
            && if name == manifest::FILE_NAME {
                listed.is_some()
            } else {
                is_listed(&name)
                    || KNOWN_FILES.contains(&name.as_str())
                    || is_tmp_of(&name, |b| KNOWN_FILES.contains(&b))
            };
        if !ok {
            foreign.push(if t.is_dir() { format!("{name}/") } else { name });
        }
    }
    Ok(foreign)
}

/// Whether `dir` holds a finished result set of its own (a surgesim
/// manifest).
fn is_result_folder(dir: &Path) -> bool {
    std::fs::read(dir.join(manifest::FILE_NAME))
        .ok()
        .and_then(|b| manifest::listed_files(&b))
        .is_some()
}

/// The result folders nested in `dir` (their names).
fn nested_results(dir: &Path) -> Vec<std::ffi::OsString> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<std::ffi::OsString> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name() != CHARTS)
        .filter(|e| is_result_folder(&e.path()))
        .map(|e| e.file_name())
        .collect();
    v.sort();
    v
}

/// "a, b, c and 4 more".
fn some_of(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// Whether process `pid` has ended, where that can be told (Linux:
/// `/proc`); `false` when it cannot.
fn process_ended(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes (or restores) what processes that ended without cleaning up left
/// beside `target`: their staging folders, and the previous folder they had
/// renamed aside (restored when the target is missing). Returns notes for
/// the user.
fn clean_stale(parent: &Path, name: &str, target: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return notes;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    let me = std::process::id();
    for e in entries {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == me || !process_ended(pid) || !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = e.path();
        let note = match kind {
            "staging" => std::fs::remove_dir_all(&path).is_ok().then(|| {
                format!(
                    "removed {}: the unfinished results of a run that ended without cleaning up (process {pid})",
                    path.display()
                )
            }),
            "old" if !target.exists() => std::fs::rename(&path, target).is_ok().then(|| {
                format!(
                    "restored {} from {}: a run (process {pid}) ended while replacing it",
                    target.display(),
                    path.display()
                )
            }),
            "old" => std::fs::remove_dir_all(&path).is_ok().then(|| {
                format!(
                    "removed {}: a previous result set that a run (process {pid}) had replaced",
                    path.display()
                )
            }),
            _ => None,
        };
        notes.extend(note);
    }
    notes
}

/// Refuses a folder that holds foreign files.
fn check_replaceable(shown: &Path, target: &Path) -> Result<(), FolderError> {
    let foreign =
        foreign_entries(target).map_err(io(format!("read the folder {}", shown.display())))?;
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(FolderError::Foreign {
            path: shown.display().to_string(),
            list: some_of(&foreign),
        })
    }
}

impl OutputFolder {
    /// Checks that `out` can take a result set (missing, empty, or a
    /// previous result set), cleans up what dead runs left beside it, and
    /// creates the staging folder. Returns notes for the user (what was
    /// cleaned up).
    pub fn prepare(out: &Path) -> Result<(OutputFolder, Vec<String>), FolderError> {
        let shown = out.to_path_buf();
        let show = || shown.display().to_string();
        let target = match std::fs::metadata(out) {
            Ok(meta) if !meta.is_dir() => {
                return Err(FolderError::NotAFolder {
                    path: show(),
                    what: kind_of(&meta),
                });
            }
            Ok(_) => std::fs::canonicalize(out).map_err(io(format!("resolve {}", show())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(out).is_ok() {
                    return Err(FolderError::NotAFolder {
                        path: show(),
                        what: "a symbolic link to nothing",
                    });
                }
                let name = out
                    .file_name()
                    .ok_or_else(|| FolderError::NotOwnFolder { path: show() })?;
                let parent = match out.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                std::fs::create_dir_all(parent)
                    .map_err(io(format!("create the folder {}", parent.display())))?;
                std::fs::canonicalize(parent)
                    .map_err(io(format!("resolve {}", parent.display())))?
                    .join(name)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
                return Err(FolderError::NotAFolder {
                    path: show(),
                    what: "in a path that goes through a file",
                });
            }
            Err(e) => return Err(io(format!("look at {}", show()))(e)),
        };
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(FolderError::NotOwnFolder { path: show() });
        };
        if std::env::current_dir()
            .ok()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .is_some_and(|cwd| cwd.starts_with(&target))
        {
            return Err(FolderError::NotOwnFolder { path: show() });
        }
        let parent = parent.to_path_buf();
        let name = name.to_string_lossy().into_owned();
        let notes = clean_stale(&parent, &name, &target);
        if target.exists() {
            check_replaceable(&shown, &target)?;
        }
        let pid = std::process::id();
        let staging = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        {
            let mut active = unfinished();
            // A folder of this name is an earlier process's with our pid
            // (it has ended, since we run) or an earlier run of this one.
            if !active.contains(&staging) {
                let _ = std::fs::remove_dir_all(&staging);
            }
            std::fs::create_dir(&staging).map_err(io(format!(
                "create the staging folder {} (the results are written beside {} and then put in its place, so its parent folder must be writable)",
                staging.display(),
                shown.display()
            )))?;
            active.push(staging.clone());
        }
        Ok((
            OutputFolder {
                shown,
                target,
                staging,
                old,
                files: Vec::new(),
                synced: BTreeSet::new(),
                finished: false,
            },
            notes,
        ))
    }

    /// The staging folder.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes file `name` (a `/`-separated path within the folder) into the
    /// staging folder and records it for the manifest. It reaches the disk
    /// in [`Self::finish`], which syncs every file (in parallel) before the
    /// folder takes its place.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        let path = self.staging.join(name);
        let active = unfinished();
        if !active.contains(&self.staging) {
            return Err(interrupted(&format!("write {name}")));
        }
        let result = (|| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::File::create(&path)?.write_all(bytes)
        })();
        drop(active);
        result.map_err(io(format!("write {}", path.display())))?;
        self.files.push(ManifestFile::of(name, bytes));
        Ok(())
    }

    /// Runs `make` with a [`Stage`] on which it can write files as soon
    /// as each is made, from any thread, while it goes on making the
    /// others; each file then reaches the disk (synced by
    /// [`SYNC_THREADS`] threads of their own, which mostly wait) while the
    /// work goes on. Returns what `make` returned, once every file it
    /// wrote is synced; the files are recorded for the manifest in the
    /// order of their keys, after those written before.
    pub fn staged<T>(&mut self, make: impl FnOnce(&Stage<'_>) -> T) -> Result<T, FolderError> {
        let (tx, rx) = std::sync::mpsc::channel::<(StageKey, PathBuf)>();
        let rx = Mutex::new(rx);
        let failed: Mutex<Option<(StageKey, FolderError)>> = Mutex::new(None);
        let fail = |key: StageKey, e: FolderError| {
            let mut f = failed.lock().unwrap_or_else(|e| e.into_inner());
            if f.as_ref().is_none_or(|(k, _)| key < *k) {
                *f = Some((key, e));
            }
        };
        let (out, made) = std::thread::scope(|s| {
            for _ in 0..SYNC_THREADS {
                s.spawn(|| {
                    loop {
                        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((key, path)) = next else { break };
                        if let Err(e) = std::fs::File::open(&path).and_then(|f| f.sync_all()) {
                            fail(key, io(format!("write {}", path.display()))(e));
                        }
                    }
                });
            }
            let stage = Stage {
                staging: &self.staging,
                made: Mutex::new(Vec::new()),
                synced: tx,
                failed: &fail,
            };
            let out = make(&stage);
            // Dropping the sender ends the sync threads once the queue is empty.
            (
                out,
                stage.made.into_inner().unwrap_or_else(|e| e.into_inner()),
            )
        });
        if let Some((_, e)) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let mut made = made;
        made.sort_by_key(|(key, _)| *key);
        // Files written before are still synced by finish.
        self.synced.extend(made.iter().map(|(_, f)| f.path.clone()));
        self.files.extend(made.into_iter().map(|(_, f)| f));
        Ok(out)
    }

    /// Writes file `name` from `reader` (a large file kept on disk while it
    /// was made), as [`Self::write`] does with bytes.
    pub fn write_from(
        &mut self,
        name: &str,
        reader: &mut dyn std::io::Read,
    ) -> Result<(), FolderError> {
        self.write_with(name, &mut |w| std::io::copy(reader, w).map(drop))
    }

    /// Writes file `name` with what `fill` writes (a large file made piece
    /// by piece), as [`Self::write`] does with bytes.
    pub fn write_with(
        &mut self,
        name: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), FolderError> {
        use sha2::{Digest, Sha256};
        /// Counts and hashes what goes through to the file.
        struct Hashing<W: Write> {
            out: W,
            hash: Sha256,
            total: u64,
        }
        impl<W: Write> Write for Hashing<W> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                let n = self.out.write(buf)?;
                self.hash.update(&buf[..n]);
                self.total += n as u64;
                Ok(n)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                self.out.flush()
            }
        }
        let path = self.staging.join(name);
        let active = unfinished();
        if !active.contains(&self.staging) {
            return Err(interrupted(&format!("write {name}")));
        }
        let result = (|| -> std::io::Result<(u64, Vec<u8>)> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut out = Hashing {
                out: std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&path)?),
                hash: Sha256::new(),
                total: 0,
            };
            fill(&mut out)?;
            out.flush()?;
            Ok((out.total, out.hash.finalize().to_vec()))
        })();
        drop(active);
        let (bytes, digest) = result.map_err(io(format!("write {}", path.display())))?;
        self.files
            .push(ManifestFile::of_digest(name, bytes, &digest));
        Ok(())
    }

    /// The files written so far, in order, with their sizes and SHA-256.
    pub fn files(&self) -> &[ManifestFile] {
        &self.files
    }

    /// Syncs every file written so far that a [`Stage`] has not synced to the disk: [`SYNC_THREADS`] at a
    /// time, whatever the number of worker threads, as a sync mostly waits
    /// for the disk and the file system commits the syncs that wait
    /// together in one go. The first failing file (in the order written)
    /// is the error.
    fn sync_files(&self) -> Result<(), FolderError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let unsynced: Vec<&ManifestFile> = self
            .files
            .iter()
            .filter(|f| !self.synced.contains(&f.path))
            .collect();
        let next = AtomicUsize::new(0);
        let failed: std::sync::Mutex<Option<(usize, FolderError)>> = std::sync::Mutex::new(None);
        let sync = |i: usize| {
            let path = self.staging.join(&unsynced[i].path);
            std::fs::File::open(&path)
                .and_then(|file| file.sync_all())
                .map_err(io(format!("write {}", path.display())))
        };
        std::thread::scope(|s| {
            for _ in 0..SYNC_THREADS.min(unsynced.len()) {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= unsynced.len() {
                            break;
                        }
                        if let Err(e) = sync(i) {
                            let mut f = failed.lock().unwrap_or_else(|e| e.into_inner());
                            if f.as_ref().is_none_or(|(j, _)| i < *j) {
                                *f = Some((i, e));
                            }
                        }
                    }
                });
            }
        });
        match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }

    /// Writes `manifest` (with the files written so far) last, then swaps
    /// the staging folder into place. Returns the target path of every file
    /// in the order written, under the name the user gave.
    pub fn finish(mut self, mut manifest: Manifest) -> Result<Vec<PathBuf>, FolderError> {
        // Every file on disk before the manifest says the folder is whole.
        self.sync_files()?;
        manifest.files = self.files.clone();
        let bytes = manifest.to_bytes();
        let path = self.staging.join(manifest::FILE_NAME);
        let mut active = unfinished();
        if !active.contains(&self.staging) {
            return Err(interrupted("finish the results"));
        }
        std::fs::write(&path, &bytes)
            .and_then(|()| std::fs::File::open(&path)?.sync_all())
            .map_err(io(format!("write {}", path.display())))?;
        // The target may have changed during the run.
        let existed = match std::fs::symlink_metadata(&self.target) {
            Ok(m) if m.is_dir() => {
                check_replaceable(&self.shown, &self.target)?;
                true
            }
            Ok(m) => {
                return Err(FolderError::NotAFolder {
                    path: self.shown.display().to_string(),
                    what: kind_of(&m),
                });
            }
            Err(_) => false,
        };
        if existed {
            std::fs::rename(&self.target, &self.old).map_err(io(format!(
                "move the previous results {} aside",
                self.shown.display()
            )))?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if existed {
                let _ = std::fs::rename(&self.old, &self.target);
            }
            return Err(io(format!(
                "move the results into {}",
                self.shown.display()
            ))(e));
        }
        active.retain(|p| p != &self.staging);
        self.finished = true;
        if existed {
            // Other commands' results that lived inside the old folder move
            // into the new one (a rename each, whole), unless the new
            // results have an entry of that name.
            for name in nested_results(&self.old) {
                let to = self.target.join(&name);
                if std::fs::symlink_metadata(&to).is_err() {
                    let _ = std::fs::rename(self.old.join(&name), to);
                }
            }
            let _ = std::fs::remove_dir_all(&self.old);
        }
        drop(active);
        let mut written: Vec<PathBuf> = self
            .files
            .iter()
            .map(|f| self.shown.join(&f.path))
            .collect();
        written.push(self.shown.join(manifest::FILE_NAME));
        Ok(written)
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut active = unfinished();
        if let Some(i) = active.iter().position(|p| p == &self.staging) {
            let _ = std::fs::remove_dir_all(&self.staging);
            active.remove(i);
        }
    }
}

/// On an interrupt: removes every unfinished staging folder of this
/// process (waiting for a swap in progress to complete), says so on
/// standard error (errors ignored: it may be closed) and exits with `code`.
/// Holds the lock until the process has exited, so no file is written
/// after the removal.
pub fn interrupt_and_exit(code: i32) -> ! {
    let active = unfinished();
    let mut err = std::io::stderr();
    for staging in active.iter() {
        let _ = std::fs::remove_dir_all(staging);
        let _ = writeln!(
            err,
            "\ninterrupted: removed the unfinished results ({}); the output folder is as it was",
            staging.display()
        );
    }
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_of_known_names_are_recognised() {
        assert!(is_tmp_of(".intervals.csv.tmp-4242", |b| KNOWN_FILES.contains(&b)));
        assert!(!is_tmp_of(".notes.txt.tmp-4242", |b| KNOWN_FILES.contains(&b)));
        assert!(!is_tmp_of(".intervals.csv.tmp-", |b| KNOWN_FILES.contains(&b)));
        assert!(!is_tmp_of("intervals.csv.tmp-1", |b| KNOWN_FILES.contains(&b)));
        assert_eq!(
            some_of(&(1..=7).map(|i| i.to_string()).collect::<Vec<_>>()),
            "1, 2, 3, 4, 5 and 2 more"
        );
    }

    #[test]
    fn files_written_on_a_stage_from_several_threads_are_listed_in_key_order() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let (mut folder, _) = OutputFolder::prepare(&out).unwrap();
        folder.write("first.txt", b"written before").unwrap();
        let n: u32 = 24;
        let made = folder
            .staged(|stage| {
                std::thread::scope(|s| {
                    // Written backwards, from four threads at once.
                    for t in 0..4u32 {
                        s.spawn(move || {
                            for i in (0..n).rev().filter(|i| i % 4 == t) {
                                let name = format!("charts/{i:02}.txt");
                                stage.write((1, i), &name, name.as_bytes()).unwrap();
                            }
                        });
                    }
                });
                let mut copied = tempfile::tempfile().unwrap();
                copied.write_all(b"a large file made on disk").unwrap();
                std::io::Seek::rewind(&mut copied).unwrap();
                stage.copy((0, 0), "copied.csv", &copied).unwrap();
                "made"
            })
            .unwrap();
        assert_eq!(made, "made");
        let written = folder.finish(Manifest::new("run", "0", 1, 1)).unwrap();
        let mut expected = vec![out.join("first.txt"), out.join("copied.csv")];
        expected.extend((0..n).map(|i| out.join(format!("charts/{i:02}.txt"))));
        expected.push(out.join(manifest::FILE_NAME));
        assert_eq!(written, expected);
        assert_eq!(
            std::fs::read(out.join("copied.csv")).unwrap(),
            b"a large file made on disk"
        );
        assert_eq!(
            std::fs::read(out.join("charts/07.txt")).unwrap(),
            b"charts/07.txt"
        );
        let listed =
            manifest::listed_files(&std::fs::read(out.join(manifest::FILE_NAME)).unwrap()).unwrap();
        assert_eq!(listed.len(), n as usize + 2);
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(manifest::FILE_NAME)).unwrap()).unwrap();
        let copied = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "copied.csv")
            .unwrap();
        assert_eq!(copied["bytes"], 25);
        assert_eq!(
            copied["sha256"],
            ManifestFile::of("copied.csv", b"a large file made on disk").sha256
        );
    }

    #[test]
    fn a_stage_of_an_interrupted_folder_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let (mut folder, _) = OutputFolder::prepare(&out).unwrap();
        let staging = folder.staging().to_path_buf();
        // What an interrupt does before the process exits.
        unfinished().retain(|p| p != &staging);
        std::fs::remove_dir_all(&staging).unwrap();
        let err = folder
            .staged(|stage| stage.write((0, 0), "charts/a.svg", b"<svg/>"))
            .unwrap()
            .unwrap_err();
        assert!(err.to_string().contains("interrupted"), "{err}");
        assert!(!staging.exists(), "the staging folder came back");
    }
}
