//! Zstandard streams (`.jsonl.zst`, `.csv.zst`, `.warc.zst`...) decoded as
//! they are read: every frame of the file in turn, as `zstd -T0` and
//! `pzstd` write several, and skippable frames passed over, except the one
//! that carries the dictionary of a `.warc.zst` (the IIPC WARC-zstd format,
//! as Archive Team's crawls are written).

use std::io::{self, BufRead, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, Dictionary, FrameDecoder};

/// The first bytes of a Zstandard frame (0xFD2FB528, little-endian).
pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The largest window `zstd` writes (`--long=31`).
const MAX_WINDOW: u64 = 1 << 31;

/// Dictionaries are kilobytes (`zstd --train` makes 110 KB by default); a
/// frame that claims more is refused rather than read into memory.
const MAX_DICTIONARY: u64 = 64 << 20;

/// The skippable frame that holds a `.warc.zst` file's dictionary.
const WARC_DICTIONARY_FRAME: u32 = 0x184d_2a5d;

/// Whether `head` starts a Zstandard stream: a frame, or a skippable frame
/// (magic 0x184D2A50 to 0x184D2A5F), which some writers put first.
pub(crate) fn is_zstd(head: &[u8]) -> bool {
    head.starts_with(&ZSTD_MAGIC)
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
}

/// Decodes every frame of a Zstandard stream.
pub(crate) struct ZstdReader<R> {
    source: R,
    frame: FrameDecoder,
    /// A frame has begun and is not yet drained.
    in_frame: bool,
}

impl<R: BufRead> ZstdReader<R> {
    pub(crate) fn new(source: R) -> Self {
        let mut frame = FrameDecoder::new();
        // `zstd --long=31` writes windows up to 2 GiB; the decoder's default
        // (128 MiB, as the `zstd` tool's without `--long`) would refuse
        // large exports compressed so. Memory follows the window a frame
        // asks for, not this bound.
        frame.set_max_window_size(MAX_WINDOW);
        ZstdReader {
            source,
            frame,
            in_frame: false,
        }
    }

    /// Starts the next frame; `false` at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.source.fill_buf()?.is_empty() {
                return Ok(false);
            }
            let (magic, length) = match self.frame.reset(&mut self.source) {
                Ok(()) => return Ok(true),
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    magic_number,
                    length,
                })) => (magic_number, u64::from(length)),
                Err(err) => return Err(invalid(err)),
            };
            let mut frame = (&mut self.source).take(length);
            if magic == WARC_DICTIONARY_FRAME && length > MAX_DICTIONARY {
                let message = format!("a zstd dictionary of {length} bytes: too large");
                return Err(io::Error::new(io::ErrorKind::InvalidData, message));
            }
            if magic == WARC_DICTIONARY_FRAME {
                let mut content = Vec::new();
                frame.read_to_end(&mut content)?;
                if (content.len() as u64) < length {
                    return Err(cut_short());
                }
                self.add_dictionary(content)?;
            } else if io::copy(&mut frame, &mut io::sink())? < length {
                return Err(cut_short());
            }
        }
    }

    /// The dictionary the frames that follow may name, itself compressed
    /// or not.
    fn add_dictionary(&mut self, content: Vec<u8>) -> io::Result<()> {
        let raw = if content.starts_with(&ZSTD_MAGIC) {
            let mut raw = Vec::new();
            ZstdReader::new(&content[..])
                .take(MAX_DICTIONARY)
                .read_to_end(&mut raw)?;
            raw
        } else {
            content
        };
        let dictionary = Dictionary::decode_dict(&raw).map_err(|err| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad zstd dictionary: {err}"),
            )
        })?;
        self.frame.add_dict(dictionary).map_err(invalid)
    }
}

impl<R: BufRead> Read for ZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                if !self.next_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            while self.frame.can_collect() == 0 && !self.frame.is_finished() {
                self.frame
                    .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(invalid)?;
            }
            let n = self.frame.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            self.in_frame = false;
        }
    }
}

fn invalid(err: FrameDecoderError) -> io::Error {
    // The decoder reports a stream cut inside a block as a failed read.
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("zstd stream damaged or cut short: {err}"),
    )
}

fn cut_short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "zstd stream cut short inside a skippable frame",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `hello\n` and `world\n` as two frames with checksums (`zstd` 1.5),
    /// with a skippable frame of four bytes between them.
    const TWO_FRAMES: &[u8] = &[
        0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a,
        0x53, 0x88, 0xbd, 0x91, // frame 1
        0x52, 0x2a, 0x4d, 0x18, 0x04, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, // skippable
        0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x0a,
        0xaa, 0x6e, 0x56, 0x9f, // frame 2
    ];

    fn decode(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ZstdReader::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn every_frame_is_decoded_and_skippable_frames_passed_over() {
        assert!(is_zstd(TWO_FRAMES));
        assert_eq!(decode(TWO_FRAMES).ok(), Some(b"hello\nworld\n".to_vec()));
    }

    #[test]
    fn a_stream_cut_anywhere_is_an_error_not_a_shorter_text() {
        for cut in 1..TWO_FRAMES.len() {
            // Cuts between frames end the stream cleanly: nothing is lost.
            let whole_frames = [19, 31];
            let result = decode(&TWO_FRAMES[..cut]);
            if whole_frames.contains(&cut) {
                assert!(result.is_ok(), "cut at {cut}");
            } else {
                assert!(result.is_err(), "cut at {cut}: {result:?}");
            }
        }
    }

    proptest::proptest! {
        /// Damaged frames are errors, never panics, whatever the bytes.
        #[test]
        fn any_bytes_after_the_magic_decode_or_fail_cleanly(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            from_real in proptest::prelude::any::<bool>(),
        ) {
            // Either random bytes, or a real frame with bytes overwritten.
            let mut bytes = if from_real { TWO_FRAMES.to_vec() } else { ZSTD_MAGIC.to_vec() };
            for (i, b) in body.iter().enumerate() {
                let at = if from_real { 4 + i % (bytes.len() - 4) } else { bytes.len() };
                if from_real { bytes[at] ^= b } else { bytes.push(*b) }
            }
            let _ = decode(&bytes);
        }
    }

    #[test]
    fn a_dictionary_frame_claiming_gigabytes_is_refused_unread() {
        let mut bytes = vec![0x5d, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff];
        bytes.extend_from_slice(TWO_FRAMES);
        let err = decode(&bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("too large"), "{err}");
    }

    #[test]
    fn gzip_and_text_are_not_zstd() {
        assert!(!is_zstd(&[0x1f, 0x8b, 0x08, 0x00]));
        assert!(!is_zstd(b"{\"id\":1}"));
        assert!(!is_zstd(&[0x28, 0xb5]));
    }
}
