//! `.zip` archives: a corpus export with several files becomes one archive, and an import
//! may come as one (a brat corpus, most often).
//!
//! Reading is guarded before anything is unpacked: an archive with more than
//! [`MAX_ZIP_ENTRIES`] entries, an entry or a whole archive that would unpack to more than
//! [`MAX_COMPRESSION_RATIO`] times its packed size, or more than [`MAX_INPUT_BYTES`] in all,
//! is refused with a clear error. Sizes are the ones the archive declares, and an entry
//! that unpacks to more than it declared is refused too, so a lying header cannot get
//! past the limits.
//!
//! ```
//! use loupe::core::format::archive::{read_zip, write_zip};
//! use loupe::core::format::{InputFile, OutFile};
//! let files = vec![OutFile { name: "a.txt".into(), bytes: b"Sony sells in Kyiv.".to_vec() }];
//! let zip = write_zip(&files).unwrap();
//! let back = read_zip(&InputFile::new("corpus.zip", zip)).unwrap();
//! assert_eq!(back[0].name, "corpus.zip/a.txt");
//! assert_eq!(back[0].bytes, b"Sony sells in Kyiv.");
//! ```

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{limit_megabytes, megabytes, ImportError, InputFile, OutFile, MAX_INPUT_BYTES};

/// Archives with more entries than this are refused.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// An entry, or a whole archive, that unpacks to more than this many times its packed
/// size is refused: no annotation file compresses that well, a zip bomb does.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// Whether an input is a zip archive: by its signature, or by its name when it is too
/// short to have one.
pub fn is_zip(file: &InputFile) -> bool {
    file.bytes.starts_with(b"PK\x03\x04")
        || file.bytes.starts_with(b"PK\x05\x06")
        || (file.bytes.len() < 4 && file.base_name().to_ascii_lowercase().ends_with(".zip"))
}

/// Write `files` as one deflated `.zip`, in order. Names that repeat get `-2`, `-3`… before
/// their extension, so no file hides another.
pub fn write_zip(files: &[OutFile]) -> Result<Vec<u8>, String> {
    let mut zip = ZipBuilder::default();
    for f in files {
        zip.add(f)?;
    }
    zip.finish()
}

/// A `.zip` written one file at a time, so a caller can yield between files (the browser
/// keeps painting while a large corpus is packed).
pub struct ZipBuilder {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    used: BTreeSet<String>,
}

impl Default for ZipBuilder {
    fn default() -> Self {
        Self {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            used: BTreeSet::new(),
        }
    }
}

impl ZipBuilder {
    /// Add one file, deflated, renamed if its name is taken.
    pub fn add(&mut self, file: &OutFile) -> Result<(), String> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .unix_permissions(0o644);
        let name = unique_name(&file.name, &mut self.used);
        self.zip
            .start_file(name.as_str(), options)
            .map_err(|e| format!("could not add {name} to the archive: {e}"))?;
        self.zip
            .write_all(&file.bytes)
            .map_err(|e| format!("could not add {name} to the archive: {e}"))
    }

    /// The archive's bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        self.zip
            .finish()
            .map(Cursor::into_inner)
            .map_err(|e| format!("could not finish the archive: {e}"))
    }
}

fn unique_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_owned();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.to_owned(), String::new()),
    };
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{stem}-{n}{ext}");
        n += 1;
    }
    candidate
}

/// The export's files as one download: the file itself when there is one, else a `.zip`
/// named `zip_name`.
pub fn single_or_zip(files: &[OutFile], zip_name: &str) -> Result<OutFile, String> {
    match files {
        [one] => Ok(one.clone()),
        _ => Ok(OutFile {
            name: zip_name.to_owned(),
            bytes: write_zip(files)?,
        }),
    }
}

/// Read the files inside the archive `file`, each named `<archive>/<path inside>`. Folders,
/// macOS resource forks (`__MACOSX/`) and hidden files are left out.
pub fn read_zip(file: &InputFile) -> Result<Vec<InputFile>, ImportError> {
    let refuse = |message: String| ImportError::Zip {
        file: file.name.clone(),
        message,
    };
    if file.bytes.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            file: file.name.clone(),
            bytes: file.bytes.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    let mut archive = ZipArchive::new(Cursor::new(file.bytes.as_slice())).map_err(|e| {
        refuse(format!(
            "is not a readable zip archive ({e}); check that the download finished, or unzip it and import the files"
        ))
    })?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(refuse(format!(
            "the archive has {} entries; Loupe reads archives of up to {MAX_ZIP_ENTRIES}, so split it",
            archive.len()
        )));
    }
    // Check every declared size before unpacking anything.
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| refuse(format!("entry {} cannot be read: {e}", i + 1)))?;
        let (name, size, packed) = (
            entry.name().to_owned(),
            entry.size(),
            entry.compressed_size(),
        );
        if size > MAX_INPUT_BYTES as u64 {
            return Err(refuse(format!(
                "{name} would unpack to {}; Loupe reads files up to {}",
                megabytes(size),
                limit_megabytes(MAX_INPUT_BYTES as u64)
            )));
        }
        if size > packed.max(1).saturating_mul(MAX_COMPRESSION_RATIO) {
            return Err(refuse(format!(
                "{name} would unpack from {packed} bytes to {size} bytes, a compression ratio over {MAX_COMPRESSION_RATIO}; this looks like a zip bomb, so nothing was unpacked"
            )));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_INPUT_BYTES as u64 {
        return Err(refuse(format!(
            "the archive would unpack to {} in all; Loupe reads up to {} at a time, so split it",
            megabytes(total),
            limit_megabytes(MAX_INPUT_BYTES as u64)
        )));
    }
    let packed_total = (file.bytes.len() as u64).max(1);
    if total > packed_total.saturating_mul(MAX_COMPRESSION_RATIO) {
        return Err(refuse(format!(
            "the archive would unpack from {packed_total} bytes to {total} bytes, a compression ratio over {MAX_COMPRESSION_RATIO}; this looks like a zip bomb, so nothing was unpacked"
        )));
    }
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| refuse(format!("entry {} cannot be unpacked: {e}", i + 1)))?;
        let name = entry.name().to_owned();
        let hidden = name
            .split('/')
            .any(|part| part.starts_with('.') || part == "__MACOSX");
        if entry.is_dir() || hidden {
            continue;
        }
        let declared = entry.size();
        let mut bytes = Vec::with_capacity(declared as usize);
        (&mut entry)
            .take(declared + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(format!("{name} cannot be unpacked: {e}")))?;
        if bytes.len() as u64 != declared {
            return Err(refuse(format!(
                "{name} unpacks to more than the {declared} bytes the archive declares; the archive is damaged or forged, so nothing was imported"
            )));
        }
        files.push(InputFile::new(&format!("{}/{name}", file.name), bytes));
    }
    Ok(files)
}

/// Replace every archive among `files` with the files inside it.
pub fn expand(files: &[InputFile]) -> Result<Vec<InputFile>, ImportError> {
    if !files.iter().any(is_zip) {
        return Ok(files.to_vec());
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        if is_zip(f) {
            out.extend(read_zip(f)?);
        } else {
            out.push(f.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::{export, import, Format, ImportOptions};
    use crate::core::schema::Schema;

    fn out(name: &str, bytes: &[u8]) -> OutFile {
        OutFile {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    fn message(err: ImportError) -> String {
        match &err {
            ImportError::Zip { .. } | ImportError::TooLarge { .. } => err.to_string(),
            other => panic!("expected a zip error, got {other:?}"),
        }
    }

    /// A stored entry whose header claims `size` bytes from `packed`: what a hand-made
    /// bomb or a forged archive looks like, without unpacking anything.
    fn zip_with_declared_sizes(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut local = Vec::new();
        let mut central = Vec::new();
        for (name, data, size) in entries {
            let offset = local.len() as u32;
            let crc = crc32(data);
            let header = |sig: &[u8], central: bool| {
                let mut h = sig.to_vec();
                if central {
                    h.extend(20u16.to_le_bytes()); // made by
                }
                h.extend(20u16.to_le_bytes()); // version needed
                h.extend(0u16.to_le_bytes()); // flags
                h.extend(0u16.to_le_bytes()); // stored
                h.extend(0u32.to_le_bytes()); // time, date
                h.extend(crc.to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend(size.to_le_bytes());
                h.extend((name.len() as u16).to_le_bytes());
                h.extend(0u16.to_le_bytes()); // extra
                if central {
                    h.extend(0u16.to_le_bytes()); // comment
                    h.extend(0u16.to_le_bytes()); // disk
                    h.extend(0u16.to_le_bytes()); // internal attributes
                    h.extend(0u32.to_le_bytes()); // external attributes
                    h.extend(offset.to_le_bytes());
                }
                h.extend(name.as_bytes());
                h
            };
            local.extend(header(b"PK\x03\x04", false));
            local.extend_from_slice(data);
            central.extend(header(b"PK\x01\x02", true));
        }
        let mut zip = local.clone();
        zip.extend(&central);
        zip.extend(b"PK\x05\x06");
        zip.extend([0u8; 4]);
        zip.extend((entries.len() as u16).to_le_bytes());
        zip.extend((entries.len() as u16).to_le_bytes());
        zip.extend((central.len() as u32).to_le_bytes());
        zip.extend((local.len() as u32).to_le_bytes());
        zip.extend(0u16.to_le_bytes());
        zip
    }

    /// `copies` central entries, each with its own name, that all point at one local entry
    /// holding `data`.
    fn overlapping_zip(data: &[u8], size: u32, copies: usize) -> Vec<u8> {
        let one = zip_with_declared_sizes(&[("a.txt", data, size)]);
        let local_len = 30 + "a.txt".len() + data.len();
        let fixed = &one[local_len..local_len + 46];
        let mut central = Vec::new();
        for i in 0..copies {
            let name = format!("{i:03}.txt");
            let mut record = fixed.to_vec();
            record[28..30].copy_from_slice(&(name.len() as u16).to_le_bytes());
            record.extend(name.as_bytes());
            central.extend(record);
        }
        let mut zip = one[..local_len].to_vec();
        zip.extend(&central);
        zip.extend(b"PK\x05\x06");
        zip.extend([0u8; 4]);
        zip.extend((copies as u16).to_le_bytes());
        zip.extend((copies as u16).to_le_bytes());
        zip.extend((central.len() as u32).to_le_bytes());
        zip.extend((local_len as u32).to_le_bytes());
        zip.extend(0u16.to_le_bytes());
        zip
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn written_archives_read_back_in_order_with_unique_names() {
        let files = vec![
            out("a.txt", "Sony 🚀 Kyiv".as_bytes()),
            out("a.ann", b"T1\tORG 0 4\tSony\n"),
            out("a.txt", b"again"),
            out("empty.ann", b""),
        ];
        let zip = write_zip(&files).unwrap();
        assert!(is_zip(&InputFile::new("x.bin", zip.clone())));
        let back = read_zip(&InputFile::new("c.zip", zip)).unwrap();
        let names: Vec<&str> = back.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "c.zip/a.txt",
                "c.zip/a.ann",
                "c.zip/a-2.txt",
                "c.zip/empty.ann"
            ]
        );
        assert_eq!(back[0].bytes, "Sony 🚀 Kyiv".as_bytes());
        assert_eq!(back[2].bytes, b"again");
        assert_eq!(back[0].base_name(), "a.txt");
    }

    #[test]
    fn one_file_stays_itself_and_several_become_a_zip() {
        let one = single_or_zip(&[out("corpus.jsonl", b"{}")], "corpus.zip").unwrap();
        assert_eq!(one.name, "corpus.jsonl");
        let two = single_or_zip(&[out("a.txt", b"x"), out("a.ann", b"")], "brat.zip").unwrap();
        assert_eq!(two.name, "brat.zip");
        assert!(two.bytes.starts_with(b"PK\x03\x04"));
    }

    #[test]
    fn a_brat_corpus_round_trips_through_a_zip() {
        let doc = crate::core::format::fixtures::document();
        let exported = export(Format::Brat, std::slice::from_ref(&doc), &Schema::ace2005());
        let zip = single_or_zip(&exported.files, "brat.zip").unwrap();
        let back = import(
            Format::Brat,
            &[InputFile::new("brat.zip", zip.bytes)],
            ImportOptions { strict: true },
        )
        .unwrap();
        assert_eq!(back.documents.len(), 1);
        assert_eq!(back.documents[0].text, doc.text);
        assert_eq!(
            back.documents[0].annotations.mentions.len(),
            doc.annotations.mentions.len()
        );
        assert!(back.schema.is_some(), "annotation.conf inside the zip");
    }

    #[test]
    fn more_than_10000_entries_are_refused() {
        let files: Vec<OutFile> = (0..=MAX_ZIP_ENTRIES)
            .map(|i| out(&format!("{i}.txt"), b""))
            .collect();
        let zip = write_zip(&files).unwrap();
        let err = message(read_zip(&InputFile::new("many.zip", zip)).unwrap_err());
        assert!(
            err.starts_with("many.zip: the archive has 10001 entries"),
            "{err}"
        );
        assert!(err.contains("up to 10000"), "{err}");
        // Exactly the limit is fine.
        let files: Vec<OutFile> = (0..MAX_ZIP_ENTRIES)
            .map(|i| out(&format!("{i}.txt"), b""))
            .collect();
        let zip = write_zip(&files).unwrap();
        assert_eq!(
            read_zip(&InputFile::new("ok.zip", zip)).unwrap().len(),
            MAX_ZIP_ENTRIES
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_before_unpacking() {
        // 10 MB of zeros deflates to about 10 KB: a ratio near 1000.
        let bomb = write_zip(&[out("bomb.txt", &vec![0u8; 10 * 1024 * 1024])]).unwrap();
        assert!(bomb.len() < 100_000);
        let err = message(read_zip(&InputFile::new("bomb.zip", bomb)).unwrap_err());
        assert!(err.contains("bomb.txt would unpack from"), "{err}");
        assert!(err.contains("compression ratio over 100"), "{err}");
        assert!(err.contains("zip bomb"), "{err}");
    }

    #[test]
    fn overlapping_entries_over_100_in_total_are_refused() {
        // The overlapping-files bomb: every entry points at the same packed data, so each
        // one alone is within the ratio (exactly 100) but together they claim far more
        // than 100 times the archive's length.
        let data = vec![b'y'; 5000];
        let zip = overlapping_zip(&data, 100 * 5000, 20);
        let err = message(read_zip(&InputFile::new("overlap.zip", zip)).unwrap_err());
        assert!(
            err.contains("overlap.zip: the archive would unpack from"),
            "{err}"
        );
        assert!(err.contains("compression ratio over 100"), "{err}");
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_refused() {
        let zip = zip_with_declared_sizes(&[("a.ann", b"T1\tORG 0 4\tSony\n", 4)]);
        let err = message(read_zip(&InputFile::new("liar.zip", zip)).unwrap_err());
        assert!(err.starts_with("liar.zip: "), "{err}");
    }

    #[test]
    fn a_declared_size_over_50_mb_is_refused() {
        let zip = zip_with_declared_sizes(&[("huge.txt", b"x", 60 * 1024 * 1024)]);
        let err = message(read_zip(&InputFile::new("huge.zip", zip)).unwrap_err());
        assert!(
            err.contains("huge.txt would unpack to 60.0 MB; Loupe reads files up to 50 MB"),
            "{err}"
        );
    }

    #[test]
    fn damaged_archives_give_a_clear_error_and_never_panic() {
        let good = write_zip(&[out("a.txt", b"Sony sells in Kyiv."), out("a.ann", b"")]).unwrap();
        let err = message(read_zip(&InputFile::new("cut.zip", good[..20].to_vec())).unwrap_err());
        assert!(err.contains("is not a readable zip archive"), "{err}");
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x5a;
            let _ = read_zip(&InputFile::new("bad.zip", bad));
            let _ = read_zip(&InputFile::new("cut.zip", good[..i].to_vec()));
        }
    }

    #[test]
    fn hidden_files_and_folders_are_left_out() {
        let zip = write_zip(&[
            out("__MACOSX/._a.txt", b"junk"),
            out(".DS_Store", b"junk"),
            out("docs/a.txt", b"text"),
        ])
        .unwrap();
        let back = read_zip(&InputFile::new("c.zip", zip)).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].name, "c.zip/docs/a.txt");
    }
}
