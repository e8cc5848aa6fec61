//! Directory walking: recursive, sorted, hidden entries skipped, loop-safe.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::problem::{Problem, ProblemKind};

/// The kinds of file unspun reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Text,
    Html,
    Jsonl,
    /// `.json`: an array of records, or records one after another.
    Json,
    /// Comma (or semicolon) separated; `Csv { tab: true }` for `.tsv`.
    Csv {
        tab: bool,
    },
    /// Plain or compressed: the reader tells by the magic bytes.
    Warc,
}

impl FileKind {
    /// By extension, case-insensitively; `None` for anything else.
    pub(crate) fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        // Any kind may be compressed (`.jsonl.gz`, `.txt.zst`, `.warc.zst`...);
        // the readers tell gzip from Zstandard by the magic bytes.
        let name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".zst"))
            .unwrap_or(&name);
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "txt" | "md" => FileKind::Text,
            "html" | "htm" => FileKind::Html,
            "jsonl" | "ndjson" => FileKind::Jsonl,
            "json" => FileKind::Json,
            "csv" => FileKind::Csv { tab: false },
            "tsv" => FileKind::Csv { tab: true },
            "warc" => FileKind::Warc,
            _ => return None,
        })
    }
}

/// What a walk yields, in path order.
#[derive(Debug)]
pub(crate) enum Entry {
    File {
        path: PathBuf,
        /// Path relative to the walked directory.
        rel: PathBuf,
        kind: FileKind,
        len: u64,
    },
    Problem(Problem),
}

/// The run's own outputs that exist: a second run over a folder that holds
/// the first one's results must not read them as articles.
#[derive(Debug, Default)]
pub(crate) struct Outputs {
    dirs: Vec<PathBuf>,
    files: HashSet<PathBuf>,
    /// The files' names: only an entry of one of these names is resolved.
    names: HashSet<OsString>,
}

impl Outputs {
    pub(crate) fn of(paths: &[PathBuf]) -> Outputs {
        let mut outputs = Outputs::default();
        for path in paths {
            let Ok(real) = fs::canonicalize(path) else {
                continue;
            };
            if real.is_dir() {
                outputs.dirs.push(real);
            } else if let Some(name) = real.file_name() {
                outputs.names.insert(name.to_owned());
                outputs.files.insert(real);
            }
        }
        outputs
    }

    fn holds_file(&self, name: &OsString, path: &Path) -> bool {
        self.names.contains(name)
            && fs::canonicalize(path).is_ok_and(|real| self.files.contains(&real))
    }
}

/// All readable files under `root`, sorted by path (component-wise, depth
/// first). Symlinks are followed, but each real directory is entered once,
/// so loops end. Files of other kinds, and `outputs`, are left out silently.
pub(crate) fn walk(root: &Path, outputs: &Outputs) -> Vec<Entry> {
    let mut out = Vec::new();
    // An output folder counts as walked already, so it is never entered.
    let mut seen: HashSet<PathBuf> = outputs.dirs.iter().cloned().collect();
    if let Ok(real) = fs::canonicalize(root) {
        seen.insert(real);
    }
    walk_dir(root, Path::new(""), outputs, &mut seen, &mut out);
    out
}

fn walk_dir(
    dir: &Path,
    rel: &Path,
    outputs: &Outputs,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<Entry>,
) {
    let unreadable = |path: &Path, err: std::io::Error| {
        Entry::Problem(Problem::skip(
            crate::display_path(path),
            ProblemKind::Unreadable,
            err.to_string(),
        ))
    };
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(err) => return out.push(unreadable(dir, err)),
    };
    let mut names = Vec::new();
    for entry in read {
        match entry {
            Ok(entry) => names.push(entry.file_name()),
            Err(err) => out.push(unreadable(dir, err)),
        }
    }
    names.sort();
    for name in names {
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        let rel = rel.join(&name);
        // `metadata` follows symlinks: a link to a file is read as that file.
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(err) => {
                out.push(unreadable(&path, err));
                continue;
            }
        };
        if meta.is_dir() {
            match fs::canonicalize(&path) {
                // Already walked: a symlink loop or a second link to one folder.
                Ok(real) if seen.contains(&real) => {}
                Ok(real) => {
                    seen.insert(real);
                    walk_dir(&path, &rel, outputs, seen, out);
                }
                Err(err) => out.push(unreadable(&path, err)),
            }
        } else if let Some(kind) = FileKind::of(&path) {
            if outputs.holds_file(&name, &path) {
                continue;
            }
            // Opening a FIFO with no writer blocks for ever, and a device may
            // never end: a walk reads regular files only. Named on the
            // command line, such a file is read (`<(zcat crawl.jsonl.gz)`).
            if !meta.is_file() {
                out.push(Entry::Problem(Problem::skip(
                    crate::display_path(&path),
                    ProblemKind::Unreadable,
                    "not a regular file (a pipe, socket or device) inside a folder; \
                     name it on the command line to read it",
                )));
                continue;
            }
            out.push(Entry::File {
                path,
                rel,
                kind,
                len: meta.len(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(FileKind::of(Path::new("a/B.TXT")), Some(FileKind::Text));
        assert_eq!(FileKind::of(Path::new("x.md")), Some(FileKind::Text));
        assert_eq!(FileKind::of(Path::new("x.htm")), Some(FileKind::Html));
        assert_eq!(FileKind::of(Path::new("x.ndjson")), Some(FileKind::Jsonl));
        assert_eq!(
            FileKind::of(Path::new("crawl.warc.gz")),
            Some(FileKind::Warc)
        );
        assert_eq!(FileKind::of(Path::new("crawl.warc")), Some(FileKind::Warc));
        assert_eq!(FileKind::of(Path::new("x.gz")), None);
        assert_eq!(FileKind::of(Path::new("README")), None);
        // Compressed, gzip or Zstandard.
        assert_eq!(FileKind::of(Path::new("a.TXT.GZ")), Some(FileKind::Text));
        assert_eq!(FileKind::of(Path::new("a.html.zst")), Some(FileKind::Html));
        assert_eq!(
            FileKind::of(Path::new("a.jsonl.zst")),
            Some(FileKind::Jsonl)
        );
        assert_eq!(
            FileKind::of(Path::new("a.tsv.zst")),
            Some(FileKind::Csv { tab: true })
        );
        assert_eq!(
            FileKind::of(Path::new("crawl.warc.zst")),
            Some(FileKind::Warc)
        );
        assert_eq!(FileKind::of(Path::new("x.zst")), None);
    }

    fn rels(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| match e {
                Entry::File { rel, .. } => Some(rel.to_string_lossy().into_owned()),
                Entry::Problem(_) => None,
            })
            .collect()
    }

    #[test]
    fn sorted_recursive_skipping_hidden_and_other_kinds() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::create_dir_all(root.join("b/sub"))?;
        fs::create_dir_all(root.join(".git"))?;
        for f in [
            "b.txt",
            "a.md",
            "b/sub/z.html",
            "b/c.jsonl",
            ".hidden.txt",
            ".git/x.txt",
            "pic.png",
        ] {
            fs::write(root.join(f), "x")?;
        }
        // Path order is component-wise: `b/...` sorts before `b.txt`.
        let got = rels(&walk(root, &Outputs::default()));
        assert_eq!(got, ["a.md", "b/c.jsonl", "b/sub/z.html", "b.txt"]);
        let mut sorted: Vec<PathBuf> = got.iter().map(PathBuf::from).collect();
        sorted.sort();
        assert_eq!(sorted, got.iter().map(PathBuf::from).collect::<Vec<_>>());
        Ok(())
    }

    #[test]
    fn the_runs_own_outputs_are_left_out() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::create_dir_all(root.join("results"))?;
        fs::create_dir_all(root.join("sub"))?;
        for f in [
            "a.txt",
            "results/documents.jsonl",
            "sub/kept.jsonl",
            "sub/kept.jsonl.gz",
            "not-yet.txt",
        ] {
            fs::write(root.join(f), "x")?;
        }
        let outputs = Outputs::of(&[
            root.join("results"),
            // Named another way: the same file.
            root.join("sub/../sub/kept.jsonl"),
            root.join("missing.jsonl"),
        ]);
        assert_eq!(
            rels(&walk(root, &outputs)),
            ["a.txt", "not-yet.txt", "sub/kept.jsonl.gz"]
        );
        // Walking the output folder itself reads it.
        assert_eq!(
            rels(&walk(&root.join("results"), &outputs)),
            ["documents.jsonl"]
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_terminates() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::create_dir_all(root.join("a"))?;
        fs::write(root.join("a/doc.txt"), "x")?;
        std::os::unix::fs::symlink(root, root.join("a/loop"))?;
        std::os::unix::fs::symlink(root.join("missing"), root.join("dangling.txt"))?;
        let entries = walk(root, &Outputs::default());
        assert_eq!(rels(&entries), ["a/doc.txt"]);
        let problems: Vec<_> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Problem(p) => Some(p),
                Entry::File { .. } => None,
            })
            .collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::Unreadable);
        assert!(problems[0].source.ends_with("dangling.txt"));
        Ok(())
    }

    /// A pipe in a folder would block the walk's reader for ever.
    #[cfg(unix)]
    #[test]
    fn pipes_in_a_folder_are_reported_not_opened() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::write(root.join("a.txt"), "x")?;
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.jsonl"))
            .status()?;
        assert!(made.success());
        let entries = walk(root, &Outputs::default());
        assert_eq!(rels(&entries), ["a.txt"]);
        let problem = entries.iter().find_map(|e| match e {
            Entry::Problem(p) => Some(p),
            Entry::File { .. } => None,
        });
        let problem = problem.ok_or_else(|| std::io::Error::other("no problem reported"))?;
        assert!(problem.source.ends_with("pipe.jsonl"));
        assert!(problem.skipped);
        assert!(problem.message.contains("not a regular file"));
        Ok(())
    }
}
