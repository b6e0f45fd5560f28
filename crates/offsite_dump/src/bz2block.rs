//! Says which bzip2 block is damaged, and how, once decoding has failed.
//!
//! The decoder only reports "invalid data" somewhere before the bytes it
//! has read, and it hands out a block's data before checking the block's
//! CRC, so damage can first surface as nonsense XML. This module finds the
//! block headers (48-bit magic `0x314159265359`, not byte-aligned) in the
//! compressed bytes around the failure, decodes each block alone (as a
//! one-block stream) and names the first one that fails: its compressed
//! offset and bit, and whether it decodes but fails its CRC, cannot be
//! decoded, or is cut off by the end of the file.
//!
//! Format: <https://github.com/dsnet/compress/blob/master/doc/bzip2-format.pdf>.

/// `pi` in BCD: starts every block.
const BLOCK_MAGIC: u64 = 0x3141_5926_5359;
/// `sqrt(pi)` in BCD: ends every stream.
const END_MAGIC: u64 = 0x1772_4538_5090;
const MAGIC_MASK: u64 = (1 << 48) - 1;
/// A block holds at most 900 kB before the run-length step, which can
/// expand it; its compressed form is at most a little over 900 kB.
const MAX_BLOCK_OUTPUT: usize = 64 << 20;

/// What is wrong with one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockDamage {
    /// Compressed offset of the byte holding the block's first bit.
    pub byte: u64,
    /// The bit in that byte (0 = most significant) where the block starts.
    pub bit: u8,
    pub what: String,
}

impl std::fmt::Display for BlockDamage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the bz2 block at compressed byte {} (bit {}) {}",
            self.byte, self.bit, self.what
        )
    }
}

/// A marker found in the data: its bit offset from the start of `bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Block(u64),
    End(u64),
}

impl Marker {
    fn bit(self) -> u64 {
        match self {
            Self::Block(b) | Self::End(b) => b,
        }
    }
}

fn markers(bytes: &[u8]) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut window = 0u64;
    for (i, &byte) in bytes.iter().enumerate() {
        for shift in (0..8).rev() {
            window = (window << 1) | u64::from((byte >> shift) & 1);
            let end_bit = (i as u64) * 8 + (8 - shift);
            if end_bit < 48 {
                continue;
            }
            match window & MAGIC_MASK {
                BLOCK_MAGIC => out.push(Marker::Block(end_bit - 48)),
                END_MAGIC => out.push(Marker::End(end_bit - 48)),
                _ => {}
            }
        }
    }
    out
}

/// Reads `count` bits (at most 32) at bit offset `at`; `None` past the end.
fn bits(bytes: &[u8], at: u64, count: u32) -> Option<u32> {
    let mut value = 0u32;
    for k in 0..u64::from(count) {
        let bit = at + k;
        let byte = *bytes.get(usize::try_from(bit / 8).ok()?)?;
        value = (value << 1) | u32::from((byte >> (7 - bit % 8)) & 1);
    }
    Some(value)
}

/// Appends bits to a byte buffer, most significant first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    used: u32,
}

impl BitWriter {
    fn push(&mut self, value: u64, count: u32) {
        for k in (0..count).rev() {
            if self.used.is_multiple_of(8) {
                self.out.push(0);
            }
            let bit = u8::from((value >> k) & 1 == 1);
            if let Some(last) = self.out.last_mut() {
                *last |= bit << (7 - self.used % 8);
            }
            self.used = (self.used + 1) % 8;
        }
    }
}

/// bzip2's CRC-32: polynomial 0x04c11db7, most significant bit first.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in data {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 == 0 {
                crc << 1
            } else {
                (crc << 1) ^ 0x04c1_1db7
            };
        }
    }
    !crc
}

/// Decodes the block whose magic starts at bit `start` and whose data ends
/// at bit `end` (the next marker, or the end of `bytes`) as a stream of its
/// own; `None` when it decodes and its CRC holds.
fn check_block(bytes: &[u8], start: u64, end: Option<u64>) -> Option<String> {
    let limit = bytes.len() as u64 * 8;
    let Some(stored) = bits(bytes, start + 48, 32) else {
        return Some("is cut off by the end of the file".to_owned());
    };
    let mut stream = BitWriter::default();
    // Level 9 admits every block size.
    stream.out.extend_from_slice(b"BZh9");
    let stop = end.unwrap_or(limit);
    let mut at = start;
    while at < stop {
        let count = u32::try_from((stop - at).min(32)).unwrap_or(32);
        // In range: `at + count <= stop <= limit`.
        let value = bits(bytes, at, count).unwrap_or(0);
        stream.push(u64::from(value), count);
        at += u64::from(count);
    }
    stream.push(END_MAGIC, 48);
    // A one-block stream's combined CRC is the block's CRC.
    stream.push(u64::from(stored), 32);
    let mut decoder = bzip2::Decompress::new(false);
    let mut output = Vec::with_capacity(1 << 20);
    let mut input: &[u8] = &stream.out;
    let cut_off = || "is cut off by the end of the file".to_owned();
    loop {
        let (before_in, before_out) = (decoder.total_in(), output.len());
        if output.len() == output.capacity() {
            if output.len() >= MAX_BLOCK_OUTPUT {
                return Some("cannot be decoded (it expands without end)".to_owned());
            }
            output.reserve(output.len());
        }
        let result = decoder.decompress_vec(input, &mut output);
        let consumed = usize::try_from(decoder.total_in() - before_in).unwrap_or(input.len());
        input = &input[consumed.min(input.len())..];
        match result {
            Ok(bzip2::Status::StreamEnd) => return None,
            Ok(_) if consumed == 0 && output.len() == before_out => {
                return Some(if end.is_none() {
                    cut_off()
                } else {
                    "cannot be decoded".to_owned()
                });
            }
            Ok(_) => {}
            Err(_) if end.is_none() && output.is_empty() => return Some(cut_off()),
            Err(e) => {
                let computed = crc32(&output);
                return Some(if output.is_empty() || computed == stored {
                    format!("cannot be decoded ({e})")
                } else {
                    format!(
                        "fails its CRC check: it decodes to {} bytes with CRC {computed:#010x}, \
                         the block says {stored:#010x}",
                        output.len()
                    )
                });
            }
        }
    }
}

/// The first damaged block in `bytes`, which start at compressed offset
/// `base` and may begin or end in the middle of a block (a partial first
/// block is not checked).
pub(crate) fn find_damage(bytes: &[u8], base: u64) -> Option<BlockDamage> {
    let found = markers(bytes);
    for (i, marker) in found.iter().enumerate() {
        let Marker::Block(start) = *marker else {
            continue;
        };
        let end = found.get(i + 1).map(|m| m.bit());
        if let Some(what) = check_block(bytes, start, end) {
            return Some(BlockDamage {
                byte: base + start / 8,
                bit: u8::try_from(start % 8).unwrap_or(0),
                what,
            });
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::fmt::Write as _;
    use std::io::Write;

    use super::*;

    fn compressed(len: usize) -> Vec<u8> {
        // Varied text so that blocks are long; 100 kB blocks.
        let mut text = String::new();
        for i in 0..len as u64 {
            write!(text, "{:x} ", i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40).unwrap();
        }
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn crc_matches_bzip2s() {
        // From the bzip2 sources' test vector: CRC of "123456789".
        assert_eq!(crc32(b"123456789"), 0xfc89_1918);
    }

    #[test]
    fn an_intact_stream_has_no_damage_and_every_block_is_found() {
        let data = compressed(60_000);
        let blocks = markers(&data)
            .iter()
            .filter(|m| matches!(m, Marker::Block(_)))
            .count();
        assert!(blocks >= 3, "{blocks} blocks");
        // The first block starts right after `BZh1`.
        assert_eq!(markers(&data).first(), Some(&Marker::Block(32)));
        assert_eq!(find_damage(&data, 0), None);
    }

    #[test]
    fn a_flipped_bit_names_its_block_and_a_cut_names_the_last() {
        let data = compressed(60_000);
        let starts: Vec<u64> = markers(&data)
            .iter()
            .filter_map(|m| match m {
                Marker::Block(b) => Some(*b),
                Marker::End(_) => None,
            })
            .collect();
        let second = usize::try_from(starts[1] / 8).unwrap();
        let third = usize::try_from(starts[2] / 8).unwrap();
        let mut damaged = data.clone();
        damaged[usize::midpoint(second, third)] ^= 0x08;
        let damage = find_damage(&damaged, 1000).unwrap();
        assert_eq!(damage.byte, 1000 + starts[1] / 8);
        assert!(damage.what.contains("CRC") || damage.what.contains("cannot be decoded"));

        let cut = &data[..usize::midpoint(second, third)];
        let damage = find_damage(cut, 0).unwrap();
        assert_eq!(damage.byte, starts[1] / 8);
        assert_eq!(damage.what, "is cut off by the end of the file");
    }
}
