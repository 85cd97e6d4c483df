//! The record a kept site carries of its pages: for each page a build
//! wrote or kept, a hash of its bytes and the file's stamp (device, inode,
//! size, change and modification times) as that build left it. The build
//! that reuses the folder knows a page unchanged when the page it makes
//! hashes the same and the file's stamp is still the recorded one, without
//! reading the old page back (at 100,000 documents, 2 GB).
//!
//! A record vouches for a file only while the file system says nothing
//! touched it: writing, replacing, renaming over, `touch`ing or changing
//! the mode of a file gives it another change time (which no program can
//! set back) or another inode, and the page is read back as before. A
//! file changed within [`RACY`] of when the record was made could be
//! changed again without its stamp showing it (timestamps are coarse), so
//! the record does not vouch for it either, as git's index does not.
//! Where files have no inodes (not Unix), there is no record.
//!
//! A record takes 64 bytes a page in memory (8 MB at 100,000 documents).

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The record of the site in the folder it is in, read and removed by the
/// build that reuses the folder.
pub(super) const OWN: &str = ".seam-record";

/// The record of the site in the output folder, kept in the previous
/// site's folder (never published) until the two are swapped again.
pub(super) const OUTPUT: &str = ".seam-record-output";

/// The first line of a record; another (an older Seam's) is not read.
const HEADER: &str = "seam-record 1";

/// How close to the record's making a file's times make it untrusted:
/// more than the coarsest timestamps Seam's file systems keep (FAT's two
/// seconds).
const RACY: Duration = Duration::from_secs(3);

/// A file's identity and times (in nanoseconds since 1970), as `lstat`
/// gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    ctime: u64,
    mtime: u64,
}

impl Stamp {
    /// The stamp of a regular file from its metadata; `None` for anything
    /// else, for times before 1970, or where there are no inodes.
    pub(super) fn from_metadata(m: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |s: i64, ns: i64| -> Option<u64> {
                u64::try_from(s)
                    .ok()?
                    .checked_mul(1_000_000_000)?
                    .checked_add(u64::try_from(ns).ok()?)
            };
            if !m.file_type().is_file() {
                return None;
            }
            Some(Stamp {
                dev: m.dev(),
                ino: m.ino(),
                size: m.len(),
                ctime: nanos(m.ctime(), m.ctime_nsec())?,
                mtime: nanos(m.mtime(), m.mtime_nsec())?,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = m;
            None
        }
    }

    /// The stamp of the regular file at `path`, not following a link.
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        Stamp::from_metadata(&std::fs::symlink_metadata(path).ok()?)
    }

    /// Whether both times are at least [`RACY`] before `taken`.
    fn settled_before(&self, taken: Duration) -> bool {
        let settled = |t: u64| Duration::from_nanos(t) + RACY <= taken;
        settled(self.ctime) && settled(self.mtime)
    }
}

/// The identity (device, inode) of the folder at `path`.
fn folder_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(path).ok()?;
        m.is_dir().then(|| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The hash a record keeps of a page's bytes, as two halves (so a page's
/// entry needs no 16-byte alignment).
pub(super) fn hash(bytes: &[u8]) -> [u64; 2] {
    let h = xxhash_rust::xxh3::xxh3_128(bytes);
    [(h >> 64) as u64, h as u64]
}

/// The key a record files a page under: a hash of its path in the folder.
/// (Two paths with one key would still need the page's hash, size and
/// file, inode included, to match.)
pub(super) fn key(rel: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(rel.as_bytes())
}

/// A page as a build left it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Page {
    /// [`key`] of its path in the folder.
    pub(super) key: u64,
    /// [`hash`] of its bytes.
    pub(super) hash: [u64; 2],
    /// The file's stamp once the bytes were there.
    pub(super) stamp: Stamp,
}

/// What a kept site's record vouches for: its pages by key.
#[derive(Debug, Default)]
pub(super) struct Record {
    pages: Vec<Page>,
}

impl Record {
    /// Reads the record `text` of the folder `dir`: `None` when it is not
    /// a whole record of this folder. Pages changed too near the record's
    /// making are left out (see [`RACY`]).
    pub(super) fn read(text: impl BufRead, dir: &Path) -> Option<Record> {
        let mut lines = text.lines();
        let mut line = || lines.next()?.ok();
        if line()? != HEADER {
            return None;
        }
        let field = |line: Option<String>, name: &str| -> Option<Vec<u64>> {
            let line = line?;
            let values = line.strip_prefix(name)?.strip_prefix(' ')?;
            values.split(' ').map(|n| n.parse().ok()).collect()
        };
        let folder = field(line(), "folder")?;
        if folder_id(dir)? != (*folder.first()?, *folder.get(1)?) {
            return None;
        }
        let taken = field(line(), "taken")?;
        let taken = Duration::new(*taken.first()?, u32::try_from(*taken.get(1)?).ok()?);
        let count = usize::try_from(*field(line(), "pages")?.first()?).ok()?;
        let mut pages = Vec::with_capacity(count.min(1 << 20));
        for _ in 0..count {
            let page = page(&line()?)?;
            if page.stamp.settled_before(taken) {
                pages.push(page);
            }
        }
        // The last line says the record was written whole.
        if line()? != "end" || line().is_some() {
            return None;
        }
        pages.sort_unstable_by_key(|p| p.key);
        Some(Record { pages })
    }

    /// The file's stamp when the file at `path` (filed under `key`) is
    /// the page the record holds with these bytes (their length and
    /// [`hash`]), as the build that made the record left it.
    pub(super) fn vouches(
        &self,
        key: u64,
        path: &Path,
        len: usize,
        hash: [u64; 2],
    ) -> Option<Stamp> {
        let at = self.pages.partition_point(|p| p.key < key);
        let page = self.pages.get(at).filter(|p| p.key == key)?;
        let stamp = page.stamp;
        (page.hash == hash && stamp.size == len as u64 && Stamp::of(path) == Some(stamp))
            .then_some(stamp)
    }

    /// How many pages the record vouches for.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pages.len()
    }
}

/// One page's line: key, hash, then the stamp's size, device, inode, and
/// change and modification times.
fn page(line: &str) -> Option<Page> {
    let mut parts = line.split(' ');
    let key = u64::from_str_radix(parts.next()?, 16).ok()?;
    let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
    let mut n = || -> Option<u64> { parts.next()?.parse().ok() };
    let (size, dev, ino, ctime, mtime) = (n()?, n()?, n()?, n()?, n()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Page {
        key,
        hash: [(hash >> 64) as u64, hash as u64],
        stamp: Stamp {
            dev,
            ino,
            size,
            ctime,
            mtime,
        },
    })
}

/// A record made, to be written once the folder is where it will stay.
#[derive(Debug)]
pub(super) struct Made {
    folder: (u64, u64),
    taken: Duration,
    pages: Vec<Page>,
}

/// The record of `pages`, the files of the folder `dir` as this build
/// leaves it, made once the build wrote them all; `None` where folders
/// have no identity.
pub(super) fn make(dir: &Path, pages: Vec<Page>) -> Option<Made> {
    let folder = folder_id(dir)?;
    let taken = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?;
    Some(Made {
        folder,
        taken,
        pages,
    })
}

impl Made {
    /// Writes the record out, a line at a time.
    fn write(&self, to: &mut impl std::io::Write) -> std::io::Result<()> {
        let (dev, ino) = self.folder;
        writeln!(to, "{HEADER}")?;
        writeln!(to, "folder {dev} {ino}")?;
        let taken = self.taken;
        writeln!(to, "taken {} {}", taken.as_secs(), taken.subsec_nanos())?;
        writeln!(to, "pages {}", self.pages.len())?;
        for Page {
            key,
            hash,
            stamp: s,
        } in &self.pages
        {
            let [high, low] = hash;
            writeln!(
                to,
                "{key:016x} {high:016x}{low:016x} {} {} {} {} {}",
                s.size, s.dev, s.ino, s.ctime, s.mtime
            )?;
        }
        writeln!(to, "end")
    }
}

/// The record `text` as if it had been made `secs` seconds later, so that
/// it vouches for pages written just before (tests cannot wait for them
/// to settle).
#[cfg(test)]
pub(super) fn made_later(text: &str, secs: u64) -> String {
    let taken = text.lines().nth(2).expect("a taken line");
    let values: Vec<u64> = (taken.strip_prefix("taken ").expect("taken"))
        .split(' ')
        .map(|n| n.parse().expect("a number"))
        .collect();
    let later = format!("taken {} {}", values[0] + secs, values[1]);
    text.replacen(taken, &later, 1)
}

/// Reads the kept folder `dir`'s own record and removes it, so the site
/// built in the folder never holds it.
pub(super) fn take_own(dir: &Path) -> Option<Record> {
    let path = dir.join(OWN);
    let file = std::fs::File::open(&path).ok();
    let _ = std::fs::remove_file(&path);
    Record::read(std::io::BufReader::with_capacity(1 << 16, file?), dir)
}

/// Takes the output's record out of the folder `dir` before it is swapped
/// in: the bytes of a record, or nothing.
pub(super) fn take_output(dir: &Path) -> Option<Vec<u8>> {
    let path = dir.join(OUTPUT);
    let bytes = std::fs::read(&path).ok();
    let _ = std::fs::remove_file(&path);
    bytes.filter(|b| b.starts_with(HEADER.as_bytes()))
}

/// Puts the records in the kept folder `dir` after a swap: `own`, what was
/// the output's record (it describes the site now in `dir`), and `output`,
/// the record of the site just swapped in. Best effort: a record that
/// cannot be written whole is not there.
pub(super) fn keep(dir: &Path, own: Option<&[u8]>, output: Option<&Made>) {
    type Writer = std::io::BufWriter<std::fs::File>;
    let put = |name: &str, write: &dyn Fn(&mut Writer) -> std::io::Result<()>| {
        let path = dir.join(name);
        let written = std::fs::File::create(&path).and_then(|file| {
            let mut to = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut to)?;
            std::io::Write::flush(&mut to)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&path);
        }
    };
    for (name, there) in [(OWN, own.is_some()), (OUTPUT, output.is_some())] {
        if !there {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    if let Some(bytes) = own {
        put(OWN, &|to| std::io::Write::write_all(to, bytes));
    }
    if let Some(made) = output {
        put(OUTPUT, &|to| made.write(to));
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Writes `body` at `rel` in `dir` and returns the page as a build records it.
    fn page_at(dir: &Path, rel: &str, body: &str) -> Page {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        Page {
            key: key(rel),
            hash: hash(body.as_bytes()),
            stamp: Stamp::of(&path).unwrap(),
        }
    }

    /// The text of the record of `pages` in `dir`, made now.
    fn text(dir: &Path, pages: Vec<Page>) -> String {
        let mut bytes = Vec::new();
        make(dir, pages).unwrap().write(&mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    /// A record made now, read as if made `later` seconds on.
    fn read_later(dir: &Path, pages: Vec<Page>, later: u64) -> Option<Record> {
        Record::read(made_later(&text(dir, pages), later).as_bytes(), dir)
    }

    #[test]
    fn a_record_vouches_for_an_untouched_page_with_the_same_bytes_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let pages = vec![
            page_at(dir, "a/index.html", "alpha"),
            page_at(dir, "b c/index.html", "with a space"),
            page_at(dir, "touched.html", "t"),
            page_at(dir, "rewritten.html", "same length"),
            page_at(dir, "replaced.html", "r"),
        ];
        let record = read_later(dir, pages, 60).expect("a whole record of this folder");
        assert_eq!(record.len(), 5);
        let vouches = |rel: &str, body: &str| {
            record
                .vouches(key(rel), &dir.join(rel), body.len(), hash(body.as_bytes()))
                .is_some()
        };
        assert!(vouches("a/index.html", "alpha"));
        assert!(vouches("b c/index.html", "with a space"));
        assert!(!vouches("a/index.html", "alphb"), "other bytes");
        assert!(!vouches("a/index.html", "alpha!"), "other length");
        assert!(!vouches("missing.html", "alpha"), "not in the record");
        // Anything done to a file since gives it another stamp.
        let f = std::fs::File::options()
            .write(true)
            .open(dir.join("touched.html"))
            .unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
            .unwrap();
        drop(f);
        assert!(
            !vouches("touched.html", "t"),
            "touched, even back to the same time"
        );
        std::fs::write(dir.join("rewritten.html"), "SAME LENGTH").unwrap();
        assert!(
            !vouches("rewritten.html", "same length"),
            "rewritten in place"
        );
        std::fs::remove_file(dir.join("replaced.html")).unwrap();
        std::fs::write(dir.join("other"), "r").unwrap();
        std::fs::rename(dir.join("other"), dir.join("replaced.html")).unwrap();
        assert!(!vouches("replaced.html", "r"), "replaced by another file");
        std::fs::remove_file(dir.join("a/index.html")).unwrap();
        std::os::unix::fs::symlink(dir.join("b c/index.html"), dir.join("a/index.html")).unwrap();
        assert!(!vouches("a/index.html", "alpha"), "a link now");
    }

    #[test]
    fn pages_changed_near_the_records_making_are_not_vouched_for() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // Just written: changed at the record's making.
        let pages = vec![page_at(dir, "new.html", "n")];
        let record = read_later(dir, pages, 0).unwrap();
        assert_eq!(record.len(), 0);
        let pages = vec![page_at(dir, "new.html", "n")];
        let record = read_later(dir, pages, 60).unwrap();
        assert_eq!(record.len(), 1, "a minute old at the record's making");
    }

    #[test]
    fn only_a_whole_record_of_the_same_folder_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let pages = vec![page_at(&a, "x.html", "x"), page_at(&a, "y.html", "y")];
        let text = text(&a, pages);
        assert!(Record::read(text.as_bytes(), &a).is_some());
        assert!(
            Record::read(text.as_bytes(), &b).is_none(),
            "another folder's record"
        );
        // Renamed, the folder keeps its identity, and its record holds.
        let moved = tmp.path().join("moved");
        std::fs::rename(&a, &moved).unwrap();
        assert!(Record::read(text.as_bytes(), &moved).is_some());
        for cut in [1, text.len() / 2, text.len() - 5, text.len() - 4] {
            assert!(
                Record::read(&text.as_bytes()[..cut], &moved).is_none(),
                "cut at {cut}"
            );
        }
        let other_version = text.replacen(HEADER, "seam-record 0", 1);
        assert!(Record::read(other_version.as_bytes(), &moved).is_none());
        let lines: Vec<&str> = text.split('\n').collect();
        let short = text.replacen(lines[4], &lines[4][..lines[4].rfind(' ').unwrap()], 1);
        assert!(
            Record::read(short.as_bytes(), &moved).is_none(),
            "a field missing"
        );
        let long = text.replacen(lines[4], &format!("{} 7", lines[4]), 1);
        assert!(
            Record::read(long.as_bytes(), &moved).is_none(),
            "a field too many"
        );
    }

    #[test]
    fn the_records_are_taken_out_of_the_folder_and_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let own = text(dir, vec![page_at(dir, "p.html", "p")]);
        let output = make(dir, vec![page_at(dir, "q.html", "q")]).unwrap();
        let mut written = Vec::new();
        output.write(&mut written).unwrap();
        keep(dir, Some(own.as_bytes()), Some(&output));
        assert!(take_own(dir).is_some());
        assert_eq!(
            take_output(dir).unwrap(),
            written,
            "the output's, as written"
        );
        assert!(!dir.join(OWN).exists() && !dir.join(OUTPUT).exists());
        assert!(take_own(dir).is_none() && take_output(dir).is_none());
        // Only a record is taken for one.
        std::fs::write(dir.join(OUTPUT), "a page of the same name").unwrap();
        assert!(take_output(dir).is_none());
    }
}
