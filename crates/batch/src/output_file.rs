//! Output files written past the page cache.
//!
//! A batch run writes several bytes of tables per byte of text (4 GB over
//! 530 MB of articles), which it never reads back. Through the page cache,
//! the kernel's copy of those bytes into cached pages took about a third of
//! the run's CPU time on a two-core virtual machine (`dd` of 2 GB: 6.0 s of
//! system time buffered, 0.2 s with `O_DIRECT`). So on Linux an output file
//! is opened with `O_DIRECT` and written from a block-aligned buffer in whole
//! blocks; the last partial block is written once the file is complete,
//! after `O_DIRECT` is turned off. Where the file system refuses `O_DIRECT`
//! (tmpfs on older kernels, some network file systems), or a device wants
//! larger blocks than [`BLOCK`], the file is written the ordinary way.
//!
//! A file is written under a temporary name and takes its own only when
//! finished, so a folder never holds a half-written table under a table's
//! name (after Ctrl-C or a failed run).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The alignment of a direct write's buffer, length and file offset: 4 KiB
/// covers the logical block size of nearly every device.
const BLOCK: usize = 4096;
/// Blocks gathered before a write.
const BLOCKS_PER_WRITE: usize = 256;

#[repr(C, align(4096))]
#[derive(Clone, Copy)]
struct Block([u8; BLOCK]);

/// A file being written under a temporary name; its bytes are all there,
/// under its own name, only after [`finish`](OutputFile::finish).
/// [`Write::flush`] writes whole blocks alone, so a writer that flushes now
/// and then (Parquet's) keeps the file's offset aligned.
pub struct OutputFile {
    temp: PathBuf,
    path: PathBuf,
    file: File,
    direct: bool,
    buffer: Vec<Block>,
    /// Bytes of `buffer` filled.
    len: usize,
}

impl OutputFile {
    /// The file `path`, written as `temp` until it is finished: a sibling of
    /// `path`, or any folder on the same file system.
    pub fn create(path: PathBuf, temp: PathBuf) -> Result<OutputFile> {
        let (file, direct) = open(&temp).with_context(|| format!("creating {}", temp.display()))?;
        Ok(OutputFile {
            temp,
            path,
            file,
            direct,
            buffer: vec![Block([0; BLOCK]); BLOCKS_PER_WRITE],
            len: 0,
        })
    }

    /// Writes the buffer's first `n` bytes and moves the rest to its front.
    fn write_buffered(&mut self, n: usize) -> io::Result<()> {
        let mut done = 0;
        while done < n {
            let direct = self.direct;
            match (&self.file).write(&as_bytes(&self.buffer)[done..n]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => {
                    done += k;
                    // A short direct write leaves the offset unaligned; the
                    // rest goes the ordinary way.
                    if direct && done % BLOCK != 0 {
                        self.stop_direct()?;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if direct && e.raw_os_error() == Some(EINVAL) => self.stop_direct()?,
                Err(e) => return Err(e),
            }
        }
        as_bytes_mut(&mut self.buffer).copy_within(n..self.len, 0);
        self.len -= n;
        Ok(())
    }

    fn stop_direct(&mut self) -> io::Result<()> {
        self.direct = false;
        clear_direct(&self.file)
    }

    /// The temporary name, where the bytes are until the file is finished:
    /// for the context of a write's error.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Writes what is left and gives the file its own name.
    pub fn finish(mut self) -> Result<()> {
        self.write_rest()
            .with_context(|| format!("writing {}", self.temp.display()))?;
        std::fs::rename(&self.temp, &self.path)
            .with_context(|| format!("renaming {}", self.temp.display()))
    }

    fn write_rest(&mut self) -> io::Result<()> {
        self.flush()?;
        if self.len > 0 {
            if self.direct {
                self.stop_direct()?;
            }
            self.write_buffered(self.len)?;
        }
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let capacity = self.buffer.len() * BLOCK;
        if self.len == capacity {
            self.write_buffered(capacity)?;
        }
        let n = data.len().min(capacity - self.len);
        as_bytes_mut(&mut self.buffer)[self.len..self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_buffered(self.len / BLOCK * BLOCK)
    }
}

fn as_bytes(blocks: &[Block]) -> &[u8] {
    // SAFETY: `Block` is `repr(C)` over `[u8; BLOCK]`, of the same size and
    // alignment, so the blocks are `BLOCK * len` contiguous initialised bytes.
    unsafe {
        std::slice::from_raw_parts(blocks.as_ptr().cast::<u8>(), std::mem::size_of_val(blocks))
    }
}

fn as_bytes_mut(blocks: &mut [Block]) -> &mut [u8] {
    // SAFETY: as in `as_bytes`, borrowed mutably for as long as `blocks` is.
    unsafe {
        std::slice::from_raw_parts_mut(
            blocks.as_mut_ptr().cast::<u8>(),
            std::mem::size_of_val(blocks),
        )
    }
}

#[cfg(target_os = "linux")]
const EINVAL: i32 = libc::EINVAL;
#[cfg(not(target_os = "linux"))]
const EINVAL: i32 = -1;

#[cfg(target_os = "linux")]
fn open(path: &Path) -> io::Result<(File, bool)> {
    use std::os::unix::fs::OpenOptionsExt;
    let direct = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_DIRECT)
        .open(path);
    match direct {
        Ok(file) => Ok((file, true)),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok((File::create(path)?, false)),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn open(path: &Path) -> io::Result<(File, bool)> {
    Ok((File::create(path)?, false))
}

#[cfg(target_os = "linux")]
fn clear_direct(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` owns, with no pointers passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn clear_direct(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lengths around block and buffer edges, in writes of awkward sizes,
    /// with flushes between, read back byte for byte.
    #[test]
    fn every_byte_reaches_the_file_in_order() {
        let dir = std::env::temp_dir().join(format!("newslens-output-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let capacity = BLOCK * BLOCKS_PER_WRITE;
        for total in [
            0,
            1,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            capacity,
            capacity + 7,
            3 * capacity + BLOCK + 5,
        ] {
            let path = dir.join(format!("{total}.bin"));
            let temp = dir.join(format!(".{total}.bin.tmp"));
            let bytes: Vec<u8> = (0..total).map(|i| (i * 31 % 251) as u8).collect();
            let mut out = OutputFile::create(path.clone(), temp.clone()).unwrap();
            for (i, piece) in bytes.chunks(1000 + total % 3).enumerate() {
                out.write_all(piece).unwrap();
                if i % 97 == 0 {
                    out.flush().unwrap();
                }
            }
            // Under its own name only once finished.
            assert!(!path.exists());
            out.finish().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{total} bytes");
            assert!(!temp.exists());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file that stops writing directly halfway (as after a refused or
    /// short direct write) goes on from where it was.
    #[test]
    fn a_file_that_stops_writing_directly_loses_nothing() {
        let dir = std::env::temp_dir().join(format!("newslens-output-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stop.bin");
        let bytes: Vec<u8> = (0..3 * BLOCK * BLOCKS_PER_WRITE + 77)
            .map(|i| (i % 253) as u8)
            .collect();
        let (first, rest) = bytes.split_at(BLOCK * BLOCKS_PER_WRITE + 5);
        let mut out = OutputFile::create(path.clone(), dir.join("stop.tmp")).unwrap();
        out.write_all(first).unwrap();
        out.flush().unwrap();
        out.stop_direct().unwrap();
        out.write_all(rest).unwrap();
        out.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
