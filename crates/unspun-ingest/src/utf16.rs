//! UTF-16 bytes read as UTF-8, a buffer at a time: a spreadsheet's
//! "Unicode text" export or a PowerShell-written JSONL file never sits in
//! memory at once.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, Encoding};

/// A reader of the UTF-8 form of UTF-16 bytes that come after the byte-order
/// mark. Bytes that are no UTF-16 become U+FFFD and set [`Self::malformed`].
pub(crate) struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    input_start: usize,
    input_end: usize,
    output: Box<[u8]>,
    output_start: usize,
    output_end: usize,
    inner_done: bool,
    finished: bool,
    malformed: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Self::with_buffer(inner, encoding, 64 << 10)
    }

    /// `buffer` bytes for each side; small ones exercise the seams in tests.
    fn with_buffer(inner: R, encoding: &'static Encoding, buffer: usize) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; buffer].into_boxed_slice(),
            input_start: 0,
            input_end: 0,
            // A replacement character is three bytes; the decoder needs room
            // for one to make progress.
            output: vec![0; buffer.max(4)].into_boxed_slice(),
            output_start: 0,
            output_end: 0,
            inner_done: false,
            finished: false,
            malformed: false,
        }
    }

    /// Whether some bytes so far were no UTF-16.
    pub(crate) fn malformed(&self) -> bool {
        self.malformed
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.output_start < self.output_end {
                let n = buf.len().min(self.output_end - self.output_start);
                buf[..n].copy_from_slice(&self.output[self.output_start..self.output_start + n]);
                self.output_start += n;
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            if self.input_start == self.input_end && !self.inner_done {
                let n = match self.inner.read(&mut self.input) {
                    Ok(n) => n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(err),
                };
                self.inner_done = n == 0;
                self.input_start = 0;
                self.input_end = n;
            }
            let last = self.inner_done;
            let (result, read, written, had_errors) = self.decoder.decode_to_utf8(
                &self.input[self.input_start..self.input_end],
                &mut self.output,
                last,
            );
            self.input_start += read;
            self.output_start = 0;
            self.output_end = written;
            self.malformed |= had_errors;
            self.finished = last && result == CoderResult::InputEmpty;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16BE, UTF_16LE};
    use proptest::prelude::*;

    fn read_all(bytes: &[u8], encoding: &'static Encoding, buffer: usize) -> (String, bool) {
        let mut reader = Utf16Reader::with_buffer(bytes, encoding, buffer);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, reader.malformed())
    }

    #[test]
    fn a_surrogate_pair_split_across_buffers_is_one_character() {
        let text = "Kyiv 🇺🇦 – “quoted” 東京";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for buffer in 1..=9 {
            assert_eq!(read_all(&le, UTF_16LE, buffer), (text.to_string(), false));
            assert_eq!(read_all(&be, UTF_16BE, buffer), (text.to_string(), false));
        }
    }

    #[test]
    fn broken_utf16_is_replaced_and_reported_at_any_seam() {
        // An unpaired high surrogate, then an odd byte at the very end.
        let broken = [b'a', 0, 0x00, 0xd8, b'b', 0, b'c'];
        for buffer in 1..=8 {
            assert_eq!(
                read_all(&broken, UTF_16LE, buffer),
                ("a\u{fffd}b\u{fffd}".to_string(), true),
                "buffer {buffer}"
            );
        }
    }

    proptest! {
        #[test]
        fn streaming_gives_what_decoding_whole_gives(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            buffer in 1usize..40,
        ) {
            let (whole, malformed) = UTF_16LE.decode_without_bom_handling(&bytes);
            prop_assert_eq!(read_all(&bytes, UTF_16LE, buffer), (whole.into_owned(), malformed));
        }
    }
}
