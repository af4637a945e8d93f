//! `manifest.json`: what a result folder holds and what produced it,
//! written last, so that a folder with a manifest is a whole result set.
//! Pure: the bytes depend only on the settings and the files, never on the
//! time or the number of threads, so the same scenario and seed give the
//! same manifest. Its `tool` field also tells a later run that the folder
//! is surgesim's to replace (see [`super::folder`]).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Its name in the result folder.
pub const FILE_NAME: &str = "manifest.json";

/// The value of `tool`.
pub const TOOL: &str = "surgesim";

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// Always `surgesim`: marks the folder as a result set that a later run
    /// may replace whole.
    pub tool: String,
    /// Version of surgesim that wrote the folder.
    pub version: String,
    /// The command that wrote it: `run` or `compare` (also for a merge of
    /// their shards, whose folder equals the single run's), or `shard` for
    /// a shard folder (see [`crate::shard`]).
    pub command: String,
    /// FNV-1a 64-bit hash of the scenario file's bytes (the first file of a
    /// comparison), as `scenario_hash` in summary.json.
    pub scenario_hash: String,
    /// Master seed of the random streams.
    pub seed: u64,
    /// Replications (per arm, for a comparison).
    pub replications: u32,
    /// `run`: the variant that ran (none: the scenario as written);
    /// `compare`: every arm beside the base, in order.
    pub variants: Vec<ManifestVariant>,
    /// Every other file of the folder, sorted by path.
    pub files: Vec<ManifestFile>,
}

/// A variant or arm in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestVariant {
    /// Its name (`[variants.NAME]`, or the second file's arm name).
    pub name: String,
    /// Hash of the scenario file it comes from.
    pub scenario_hash: String,
}

/// A file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    /// Path within the folder, `/`-separated (`charts/hotline_sl.svg`).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the bytes, lower-case hex (as `sha256sum` prints it).
    pub sha256: String,
}

impl ManifestFile {
    /// The entry of a file named `path` holding `bytes`.
    pub fn of(path: &str, bytes: &[u8]) -> ManifestFile {
        let digest = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in digest.iter() {
            hex.push_str(&format!("{b:02x}"));
        }
        ManifestFile {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            sha256: hex,
        }
    }

    /// The entry of a file named `path` of `bytes` bytes whose SHA-256 is
    /// `digest` (a file copied in pieces).
    pub fn of_digest(path: &str, bytes: u64, digest: &[u8]) -> ManifestFile {
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        ManifestFile {
            path: path.to_string(),
            bytes,
            sha256: hex,
        }
    }
}

impl Manifest {
    /// A manifest of this version of surgesim, with no files yet.
    pub fn new(command: &str, scenario_hash: &str, seed: u64, replications: u32) -> Manifest {
        Manifest {
            tool: TOOL.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            scenario_hash: scenario_hash.to_string(),
            seed,
            replications,
            variants: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The bytes of `manifest.json` (files sorted by path).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut m = self.clone();
        m.files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut bytes = serde_json::to_vec_pretty(&m).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// The files a `manifest.json` lists, if it is surgesim's (any version
/// that writes `tool = "surgesim"` and a `files` list of paths).
pub fn listed_files(bytes: &[u8]) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if v.get("tool")?.as_str()? != TOOL {
        return None;
    }
    v.get("files")?
        .as_array()?
        .iter()
        .map(|f| f.get("path")?.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_lists_its_files_sorted_with_sizes_and_checksums() {
        let mut m = Manifest::new("run", "00ff", 7, 3);
        m.files.push(ManifestFile::of("summary.json", b"{}"));
        m.files.push(ManifestFile::of("charts/a.svg", b""));
        let bytes = m.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.find("charts/a.svg") < text.find("summary.json"));
        // sha256sum of the empty file.
        assert!(text.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert!(text.contains("\"bytes\": 2"));
        assert_eq!(
            listed_files(&bytes).unwrap(),
            ["charts/a.svg", "summary.json"]
        );
        assert_eq!(listed_files(br#"{"tool": "other", "files": []}"#), None);
        assert_eq!(listed_files(b"not json"), None);
    }
}
