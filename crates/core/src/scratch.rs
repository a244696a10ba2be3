//! Temporary files of the analyzers' external sorts, in the folder a run
//! names (`AnalyzerSettings::scratch_dir`): one way to name and open them,
//! so two analyzers' files in one folder never collide.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A new file in `dir`, named `newslens-OWNER-PID-N.KIND`, open for reading
/// and writing. It is refused if the name exists, so a file is never shared;
/// removing it is the caller's business.
pub fn create_file(dir: &Path, owner: &str, kind: &str) -> io::Result<(File, PathBuf)> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!(
        "newslens-{owner}-{}-{}.{kind}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| io::Error::new(e.kind(), format!("creating {}: {e}", path.display())))?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_new_and_named_by_owner_and_kind() {
        let dir = std::env::temp_dir().join(format!("newslens-scratch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (_, a) = create_file(&dir, "timeline", "run").unwrap();
        let (_, b) = create_file(&dir, "timeline", "run").unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("newslens-timeline-") && name.ends_with(".run"),
            "{name}"
        );
        let e = create_file(&dir.join("missing"), "timeline", "run").unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
