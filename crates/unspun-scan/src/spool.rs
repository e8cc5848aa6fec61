//! Texts parked on disk between passes.
//!
//! Memory must grow with signatures, not with texts: the first pass appends
//! every text to an unnamed temporary file and keeps only its offset; later
//! passes read texts back with positional reads, from any thread. The file is
//! deleted by the OS when the spool is dropped.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

pub struct Spool {
    writer: Option<BufWriter<File>>,
    file: File,
    offsets: Vec<(u64, u32)>,
    end: u64,
}

impl Spool {
    pub fn new() -> std::io::Result<Self> {
        let file = tempfile::tempfile()?;
        let writer = BufWriter::with_capacity(1 << 20, file.try_clone()?);
        Ok(Spool {
            writer: Some(writer),
            file,
            offsets: Vec::new(),
            end: 0,
        })
    }

    /// Appends a text; returns its index.
    pub fn push(&mut self, text: &str) -> std::io::Result<usize> {
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| std::io::Error::other("spool is sealed"))?;
        writer.write_all(text.as_bytes())?;
        let len =
            u32::try_from(text.len()).map_err(|_| std::io::Error::other("text over 4 GiB"))?;
        self.offsets.push((self.end, len));
        self.end += text.len() as u64;
        Ok(self.offsets.len() - 1)
    }

    /// Flushes the writes; after this the spool is read-only.
    pub fn seal(&mut self) -> std::io::Result<()> {
        if let Some(mut w) = self.writer.take() {
            w.flush()?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Reads text `i` back. Texts were valid UTF-8 when written.
    pub fn read(&self, i: usize) -> std::io::Result<String> {
        let (offset, len) = *self
            .offsets
            .get(i)
            .ok_or_else(|| std::io::Error::other("no such text"))?;
        let mut buf = vec![0u8; len as usize];
        self.file.read_exact_at(&mut buf, offset)?;
        String::from_utf8(buf).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_intact() {
        let mut s = Spool::new().unwrap();
        s.push("first").unwrap();
        s.push("zweiter Text – ü").unwrap();
        s.push("").unwrap();
        s.seal().unwrap();
        assert_eq!(s.read(1).unwrap(), "zweiter Text – ü");
        assert_eq!(s.read(0).unwrap(), "first");
        assert_eq!(s.read(2).unwrap(), "");
        assert!(s.read(3).is_err());
    }
}
