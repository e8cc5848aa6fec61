//! Files as streams of UTF-8 bytes: gzip and Zstandard (told by their magic
//! bytes) and UTF-16 (told by its byte-order mark) undone on the way, and the
//! file's own bytes counted for the progress bar as they are read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use crate::decode::{utf16_bom, DecodeProblem};
use crate::problem::{Problem, ProblemKind};
use crate::utf16::Utf16Reader;
use crate::zstd::{is_zstd, ZstdReader};
use crate::Out;

pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How a file's bytes are packed, told by its first bytes, whatever its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    Plain,
    Gzip,
    Zstd,
}

impl Packing {
    /// The problem a read error of a stream packed so is: a compressed
    /// stream damaged or cut short, or the OS failing to read a plain one.
    pub(crate) fn read_error_kind(self) -> ProblemKind {
        match self {
            Packing::Gzip => ProblemKind::TruncatedGzip,
            Packing::Zstd => ProblemKind::TruncatedZstd,
            Packing::Plain => ProblemKind::Unreadable,
        }
    }

    pub(crate) fn of(head: &[u8]) -> Packing {
        if head.starts_with(&GZIP_MAGIC) {
            Packing::Gzip
        } else if is_zstd(head) {
            Packing::Zstd
        } else {
            Packing::Plain
        }
    }
}

/// `raw`, unpacked as its first bytes say.
pub(crate) fn unpacked<'a>(
    mut raw: impl BufRead + Send + 'a,
) -> io::Result<(Box<dyn BufRead + Send + 'a>, Packing)> {
    let packing = Packing::of(raw.fill_buf()?);
    let reader: Box<dyn BufRead + Send + 'a> = match packing {
        Packing::Plain => Box::new(raw),
        Packing::Gzip => Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw))),
        Packing::Zstd => Box::new(BufReader::with_capacity(1 << 16, ZstdReader::new(raw))),
    };
    Ok((reader, packing))
}

/// A reader that adds the bytes it reads to the run's progress counter and
/// to its own.
pub(crate) struct Counting<'a, R> {
    pub inner: R,
    pub global: &'a AtomicU64,
    pub local: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.global.fetch_add(n as u64, Ordering::Relaxed);
        self.local.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path` and gives `read` its text as UTF-8 bytes: as they are, or
/// decompressed (`.jsonl.gz`, `.csv.zst`...), or decoded from UTF-16 as
/// Windows PowerShell's `>` and Excel's "Unicode text" write files. Progress
/// counts the file's own (maybe compressed) bytes as they are read, and the
/// rest when reading stops early; bytes that are no UTF-16 get a warning.
pub(crate) fn read_utf8(
    path: &Path,
    label: &str,
    out: &mut Out,
    read: impl FnOnce(&mut (dyn Read + Send), &mut Out) -> io::Result<()>,
) -> io::Result<()> {
    let file = File::open(path)?;
    let len = file.metadata().map_or(0, |m| m.len());
    let progress = out.opts.bytes_read.clone();
    let counted = AtomicU64::new(0);
    let result = (|| {
        let raw = BufReader::with_capacity(
            1 << 16,
            Counting {
                inner: file,
                global: &progress,
                local: &counted,
            },
        );
        let (mut text, _) = unpacked(raw)?;
        let Some((encoding, bom)) = utf16_bom(text.fill_buf()?) else {
            return read(&mut text, out);
        };
        text.consume(bom);
        let mut utf8 = Utf16Reader::new(text, encoding);
        let result = read(&mut utf8, out);
        if utf8.malformed() {
            let problem = DecodeProblem::Malformed {
                encoding: encoding.name(),
            };
            out.problem(Problem::warning(label, problem.kind(), problem.message("")));
        }
        result
    })();
    out.add_progress(len.saturating_sub(counted.load(Ordering::Relaxed)));
    // Everything delivered before a read error (a gzip cut short) is kept.
    result.map_err(|err| {
        io::Error::new(
            err.kind(),
            format!("{err}; the rest of the file is not read"),
        )
    })
}
