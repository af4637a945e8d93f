//! The report in a real browser: headless Chromium opens `report.html`
//! from disk (no server, no network), takes a screenshot, and dumps the
//! DOM. The screenshot must have the requested size and not be blank; the
//! DOM must hold the headline table and the inline charts.
//!
//! Chromium is found as `$SURGESIM_CHROMIUM`, or `chromium`,
//! `chromium-browser` or `google-chrome` on the PATH. `.ci/run` installs
//! Debian's `chromium` and sets `SURGESIM_REQUIRE_BROWSER=1`, so in CI a
//! missing browser fails the test; elsewhere the test says it was skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;

use super::util::tempdir;

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SURGESIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Headless Chromium with the flags that keep it off the network.
fn chromium(bin: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Says, outside the test harness's capture, that the test was skipped.
fn skip(why: &str) {
    let msg = format!("\nSKIPPED browser test: {why}\n");
    let _ = std::io::stderr().write_all(msg.as_bytes());
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(bin) = find_chromium() else {
        if std::env::var_os("SURGESIM_REQUIRE_BROWSER").is_some() {
            panic!("SURGESIM_REQUIRE_BROWSER is set but no chromium was found");
        }
        skip(
            "no chromium found (install Debian's `chromium`, or set SURGESIM_CHROMIUM; .ci/run installs it)",
        );
        return;
    };
    let dir = tempdir();
    let out = dir.path().join("out");
    Command::cargo_bin("surgesim")
        .expect("binary")
        .args(["run", "-q", "-n", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let report = out.join("report.html");
    let url = format!("file://{}", report.canonicalize().unwrap().display());

    // Screenshot at a fixed window size.
    let shot = dir.path().join("shot.png");
    let (w, h) = (1280u32, 2400u32);
    let status = chromium(&bin, &dir.path().join("profile-shot"))
        .arg(format!("--window-size={w},{h}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium starts");
    assert!(
        status.status.success() && shot.exists(),
        "chromium failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (w, h), "screenshot size");
    let bpp = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let n = pixels.len() / bpp;
    let ink = pixels
        .chunks(bpp)
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    let share = ink as f64 / n as f64;
    // Text, tables and charts: a page with content has a few per cent of
    // dark pixels; a blank or error page has almost none.
    assert!(
        share > 0.01,
        "the screenshot is nearly blank: {share:.4} ink"
    );
    // The charts' blue fan bands are on screen (Okabe–Ito blue, mixed).
    let blue = pixels
        .chunks(bpp)
        .filter(|p| p[2] > 150 && p[0] < 150 && p[2] as i32 - p[0] as i32 > 60)
        .count();
    assert!(
        blue > 1000,
        "no chart colours on screen ({blue} blue pixels)"
    );

    // The DOM as the browser built it.
    let dom = chromium(&bin, &dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium starts");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"headline\""),
        "no headline table in the DOM"
    );
    assert!(dom.contains("service level: answered within"));
    assert!(
        dom.matches("<svg").count() >= 20,
        "charts missing from the DOM"
    );
}
