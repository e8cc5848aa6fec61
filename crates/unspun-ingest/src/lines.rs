//! A JSON Lines file read again, line by line, numbered as the reader
//! numbers its records (`file:LINE`): so that a caller can fetch a record's
//! line as it was written, with every field, once it knows which it wants.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use crate::decode::utf16_bom;
use crate::open::unpacked;
use crate::utf16::Utf16Reader;

/// The lines of one JSON Lines file (gzip, Zstandard and UTF-16 undone),
/// fetched in increasing line order.
pub struct RecordLines {
    reader: Box<dyn BufRead + Send>,
    /// Lines read so far.
    line_no: usize,
    buf: Vec<u8>,
}

impl RecordLines {
    pub fn open(path: &Path) -> io::Result<RecordLines> {
        let raw = BufReader::with_capacity(1 << 16, File::open(path)?);
        let (mut text, _) = unpacked(raw)?;
        let reader: Box<dyn BufRead + Send> = match utf16_bom(text.fill_buf()?) {
            Some((encoding, bom)) => {
                text.consume(bom);
                Box::new(BufReader::new(Utf16Reader::new(text, encoding)))
            }
            None => text,
        };
        Ok(RecordLines {
            reader,
            line_no: 0,
            buf: Vec::new(),
        })
    }

    /// Line `wanted` (1-based), without its line break; `None` past the
    /// end or when it was already passed.
    pub fn line(&mut self, wanted: usize) -> io::Result<Option<&[u8]>> {
        if wanted <= self.line_no {
            return Ok(None);
        }
        while self.line_no < wanted {
            self.buf.clear();
            if self.reader.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(None);
            }
            self.line_no += 1;
        }
        let mut line = self.buf.as_slice();
        if self.line_no == 1 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        Ok(Some(line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn lines_are_numbered_as_records_are() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let plain = dir.path().join("a.jsonl");
        let text = "\u{feff}{\"id\": 1}\r\n\n{\"id\": 3}\n{\"id\": 4}";
        std::fs::write(&plain, text)?;
        let gz = dir.path().join("a.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(text.as_bytes())?;
        std::fs::write(&gz, enc.finish()?)?;
        let utf16 = dir.path().join("b.jsonl");
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "{\"id\": 1}\n{\"id\": \"é\"}\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        std::fs::write(&utf16, bytes)?;

        for path in [&plain, &gz] {
            let mut lines = RecordLines::open(path)?;
            assert_eq!(lines.line(1)?, Some(&b"{\"id\": 1}"[..]));
            assert_eq!(lines.line(3)?, Some(&b"{\"id\": 3}"[..]));
            // Already passed.
            assert_eq!(lines.line(2)?, None);
            assert_eq!(lines.line(4)?, Some(&b"{\"id\": 4}"[..]));
            assert_eq!(lines.line(5)?, None);
        }
        let mut lines = RecordLines::open(&utf16)?;
        assert_eq!(lines.line(2)?, Some("{\"id\": \"é\"}".as_bytes()));
        Ok(())
    }
}
