//! Shared helpers for the `unspun` integration tests: a temporary working
//! directory, running the real binary in it, and reading its outputs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The seed articles shipped with the repository.
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds")
}

/// One seed article, by the start of its file name (`"002"`).
pub fn seed_path(prefix: &str) -> PathBuf {
    let dir = seeds_dir();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds directory")
        .map(|e| e.expect("seed entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        1,
        "exactly one seed starts with {prefix}: {names:?}"
    );
    names.remove(0)
}

/// The text of a seed article.
pub fn seed_text(prefix: &str) -> String {
    std::fs::read_to_string(seed_path(prefix)).expect("seed is UTF-8")
}

/// Paragraphs (blank-line separated, non-empty) of a seed article.
pub fn seed_paragraphs(prefix: &str) -> Vec<String> {
    seed_text(prefix)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A few paragraphs of real reporting (from seed 002).
pub fn article() -> String {
    let paras = seed_paragraphs("002");
    let start = paras
        .iter()
        .position(|p| p.starts_with("China’s President Xi Jinping will travel"))
        .unwrap();
    paras[start..start + 6].join("\n\n") + "\n"
}

/// Other real paragraphs (from seed 001), for a second, different document.
pub fn other_article() -> String {
    let paras = seed_paragraphs("001");
    let start = paras
        .iter()
        .position(|p| p.starts_with("Earlier, Western officials raised concerns"))
        .unwrap();
    paras[start..start + 4].join("\n\n") + "\n"
}

/// `text` with a few words changed here and there.
pub fn near_copy(text: &str) -> String {
    let edits = [
        ("lethal military assistance", "deadly military aid"),
        ("accusation denied", "claim rejected"),
        ("widely dismissed", "largely dismissed"),
        ("anodyne", "bland"),
        ("similar worldview", "common worldview"),
    ];
    let mut out = text.to_string();
    for (from, to) in edits {
        assert!(out.contains(from), "{from}");
        out = out.replace(from, to);
    }
    out
}

/// A temporary directory that is also the working directory of the runs.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` inside the fixture.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating parent folders) and returns its path.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, bytes).expect("write fixture file");
        path
    }

    /// Runs `unspun` with `args` in this directory.
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        run_in(self.path(), args, None)
    }

    /// Runs `unspun` with `args` in this directory, feeding `stdin`.
    pub fn run_stdin<S: AsRef<std::ffi::OsStr>>(&self, args: &[S], stdin: &[u8]) -> Run {
        run_in(self.path(), args, Some(stdin))
    }
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code; `None` if killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

fn run_in<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspun"));
    cmd.args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start unspun");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let bytes = bytes.to_vec();
        // Written from a thread so a large input cannot deadlock against output.
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
        let out = child.wait_with_output().expect("wait for unspun");
        writer.join().expect("stdin writer");
        return to_run(out);
    }
    to_run(child.wait_with_output().expect("wait for unspun"))
}

fn to_run(out: std::process::Output) -> Run {
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every line of a JSON Lines file, parsed.
pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_jsonl(&text)
}

/// Every line of JSON Lines text, parsed; the text must end with a newline.
pub fn parse_jsonl(text: &str) -> Vec<Value> {
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "JSON Lines end with a newline"
    );
    text.lines()
        .enumerate()
        .map(|(n, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}: {l}", n + 1))
        })
        .collect()
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `[start, end]` pair from the output.
pub fn range(v: &Value) -> (usize, usize) {
    let pair = v.as_array().unwrap_or_else(|| panic!("not a range: {v}"));
    assert_eq!(pair.len(), 2, "a range has two ends: {v}");
    let start = pair[0].as_u64().unwrap_or_else(|| panic!("bad start: {v}")) as usize;
    let end = pair[1].as_u64().unwrap_or_else(|| panic!("bad end: {v}")) as usize;
    (start, end)
}

/// `text[start..end]`, asserting the range is in bounds, non-empty and on
/// UTF-8 character boundaries.
pub fn slice<'t>(text: &'t str, v: &Value) -> &'t str {
    let (start, end) = range(v);
    assert!(start < end, "empty or reversed range {v}");
    assert!(
        end <= text.len(),
        "range {v} past the end ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "range {v} splits a character"
    );
    &text[start..end]
}

/// Words, lowercased, without punctuation.
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A string field of a JSON object.
pub fn str_field<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

/// The document with this id in documents.jsonl rows.
pub fn doc<'v>(docs: &'v [Value], id: &str) -> &'v Value {
    docs.iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no document `{id}` in {docs:?}"))
}
